// Runbook links from an alert's `runbook_url` annotation. Absolute URLs stay as they are; a path
// (e.g. runbooks/primary-down.md) is relative to the plan's folder, like every relative path of a
// plan, and becomes a link that works from where report.md is written, whether read on disk or in
// a repository browser. Links to gameday's docs/ pages that explain a report are built the same way.

import { isAbsolute, join, relative, sep } from 'node:path';

export interface LinkBase {
  /** The folder report.md is written to. */
  reportDir: string;
  /** The plan's folder, which relative runbook paths resolve against. */
  planDir: string;
  /** gameday's docs/ folder (in the clone or the installed package). */
  docsDir: string;
}

const urlScheme = /^[a-z][a-z0-9+.-]*:/i;

export function runbookHref(runbookUrl: string, base: LinkBase): string {
  if (urlScheme.test(runbookUrl)) return runbookUrl;
  return relativeHref(base.reportDir, isAbsolute(runbookUrl) ? runbookUrl : join(base.planDir, runbookUrl));
}

function relativeHref(from: string, target: string): string {
  // encodeURI: a space or parenthesis in a path would end a markdown link.
  return encodeURI(relative(from, target).split(sep).join('/')).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}

/**
 * A link to one of gameday's docs/ pages (`detection-time.md#grouping`), relative like a runbook
 * path: it works from the run folder on disk and in a repository browser.
 */
export function docsHref(base: LinkBase, page: string): string {
  const [file = '', anchor] = page.split('#');
  return `${relativeHref(base.reportDir, join(base.docsDir, file))}${anchor === undefined ? '' : `#${anchor}`}`;
}

/** Plain text that names a docs page (`see docs/detection-time.md#grouping`), with the name made a link for report.md. */
export function linkDocs(text: string, base: LinkBase): string {
  return text.replace(/(?<![\w/])docs\/([\w-]+\.md(?:#[\w-]+)?)/g, (name, page: string) => `[${name}](${docsHref(base, page)})`);
}
