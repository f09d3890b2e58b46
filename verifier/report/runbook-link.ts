// Runbook links from an alert's `runbook_url` annotation. Absolute URLs stay as they are; a path
// (e.g. examples/demo/runbooks/primary-down.md, relative to the repository) becomes a link that
// works from where report.md is written, whether read on disk or in a repository browser.

import { isAbsolute, join, relative, sep } from 'node:path';

export interface LinkBase {
  /** The folder report.md is written to. */
  reportDir: string;
  /** The repository root, which runbook paths are relative to. */
  repoRoot: string;
}

const urlScheme = /^[a-z][a-z0-9+.-]*:/i;

export function runbookHref(runbookUrl: string, base: LinkBase): string {
  if (urlScheme.test(runbookUrl)) return runbookUrl;
  const target = isAbsolute(runbookUrl) ? runbookUrl : join(base.repoRoot, runbookUrl);
  // encodeURI: a space or parenthesis in a path would end a markdown link.
  return encodeURI(relative(base.reportDir, target).split(sep).join('/')).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
}
