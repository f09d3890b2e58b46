// `--runs DIR`: which alerting rules past game days in that folder exercised (an expectation named
// them) and with what verdicts, and which none ever did: the untested alerts. Each run's verdicts
// come from its journal, analysed as `gameday report` does.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeRun } from '../analyze/index.ts';
import { errorMessage, UsageError } from '../errors.ts';
import { readJournal } from '../journal/journal.ts';
import type { AuditRule, RunsCoverage, RunVerdict } from './model.ts';

export async function runsCoverage(folder: string, rules: readonly AuditRule[], notes: string[]): Promise<RunsCoverage> {
  const journals = await findJournals(folder);
  const verdicts = new Map<string, Record<RunVerdict, number>>();
  let runs = 0;
  for (const journal of journals) {
    let analysis;
    try {
      analysis = analyzeRun(await readJournal(journal));
    } catch (error) {
      notes.push(`--runs: skipped ${journal}: ${errorMessage(error)}`);
      continue;
    }
    runs++;
    for (const expectation of analysis.faults.flatMap((fault) => fault.expectations)) {
      if (expectation.verdict === 'not-injected') continue;
      const counts = verdicts.get(expectation.alert) ?? { detected: 0, late: 0, missed: 0, inconclusive: 0 };
      counts[expectation.verdict]++;
      verdicts.set(expectation.alert, counts);
    }
  }
  const names = [...new Set(rules.map((rule) => rule.name))].sort();
  return {
    folder,
    runs,
    exercised: [...verdicts].map(([alert, counts]) => ({ alert, verdicts: counts })).sort((a, b) => a.alert.localeCompare(b.alert)),
    untested: names.filter((name) => !verdicts.has(name)),
  };
}

/** `DIR/journal.jsonl` if DIR is one run, else `DIR/<run>/journal.jsonl` for each run in it. */
async function findJournals(folder: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new UsageError(`--runs ${folder}: cannot read the folder: ${errorMessage(error)}; pass the folder game days write to (runs/)`, {
      cause: error,
    });
  }
  if (entries.some((entry) => entry.isFile() && entry.name === 'journal.jsonl')) return [join(folder, 'journal.jsonl')];
  const journals: string[] = [];
  for (const entry of entries.filter((candidate) => candidate.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = join(folder, entry.name, 'journal.jsonl');
    if (
      await stat(file).then(
        (info) => info.isFile(),
        () => false,
      )
    )
      journals.push(file);
  }
  if (journals.length === 0)
    throw new UsageError(`--runs ${folder}: no run in it (no */journal.jsonl); pass the folder game days write to (runs/)`);
  return journals;
}
