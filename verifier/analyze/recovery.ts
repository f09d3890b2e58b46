// Recovery as monitoring saw it: after the revert, how long until the expected alert resolved.

import type { AlertEpisode, EvidenceSource, Recovery } from './model.ts';
import { type EpochMs, secondsBetween } from './time.ts';

/**
 * The episode to follow is the one active at the revert (the detection, or an alert that was
 * already firing); failing that, the detection itself (it may have fired in the grace after the
 * revert, or stopped before it).
 */
export function recoveryOf(
  detecting: AlertEpisode | undefined,
  preExisting: readonly AlertEpisode[],
  revertedAt: EpochMs | null,
): Recovery & { source: EvidenceSource | null } {
  const fired = [...(detecting ? [detecting] : []), ...preExisting].filter((episode) => episode.firing !== null);
  const activeAtRevert =
    revertedAt === null
      ? undefined
      : fired.find((episode) => episode.startedAt <= revertedAt && (episode.endedBy === null || episode.endedBy > revertedAt));
  const episode = activeAtRevert ?? (detecting?.firing ? detecting : undefined);
  if (episode === undefined) return { status: 'not-fired', resolvedAt: null, resolvedAfterRevertSeconds: null, source: null };
  const resolvedAt = episode.endedBy;
  const source = episode.endedBySource;
  if (revertedAt === null) return { status: 'not-reverted', resolvedAt, resolvedAfterRevertSeconds: null, source };
  if (resolvedAt === null) return { status: 'never-resolved', resolvedAt: null, resolvedAfterRevertSeconds: null, source: null };
  return {
    status: resolvedAt < revertedAt ? 'resolved-before-revert' : 'resolved',
    resolvedAt,
    resolvedAfterRevertSeconds: secondsBetween(revertedAt, resolvedAt),
    source,
  };
}
