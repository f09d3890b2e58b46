// Verdicts on report.html: one colour each, shared by the badges in the tables and the firing marks
// on the timeline, so a colour means the same thing everywhere on the page.

import type { Verdict } from '../../analyze/index.ts';
import { verdictWords } from '../format.ts';
import { markup, type SafeHtml } from './template.ts';

export const verdictColors: Record<Verdict, string> = {
  detected: '#1a7f37',
  late: '#bc4c00',
  missed: '#cf222e',
  'not-injected': '#6e7781',
  inconclusive: '#8250df',
};

/** A verdict's colour; grey for a verdict this version does not know (a newer report.json). */
export function verdictColor(verdict: string): string {
  return verdictColors[verdict as Verdict] ?? '#57606a';
}

export function verdictWord(verdict: string): string {
  return verdictWords[verdict as Verdict] ?? verdict;
}

export function verdictBadge(verdict: Verdict | string): SafeHtml {
  return markup`<span class="badge" style="background:${verdictColor(verdict)}">${verdictWord(verdict)}</span>`;
}
