// Runbook links from an alert's `runbook_url` annotation. Absolute URLs stay as they are; a path
// (e.g. examples/demo/runbooks/primary-down.md, relative to the repository) becomes a link that
// works from where report.md is written, whether read on disk or in a repository browser. Links to
// the docs/ pages that explain a report are built the same way.

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

/**
 * A link to a page under the repository's docs/ (`detection-time.md#grouping`), relative like a
 * runbook path: it works from the run folder on disk and in a repository browser.
 */
export function docsHref(base: LinkBase, page: string): string {
  return runbookHref(`docs/${page}`, base);
}

/** Plain text that names a docs page (`see docs/detection-time.md#grouping`), with the name made a link for report.md. */
export function linkDocs(text: string, base: LinkBase): string {
  return text.replace(/(?<![\w/])docs\/([\w-]+\.md(?:#[\w-]+)?)/g, (name, page: string) => `[${name}](${docsHref(base, page)})`);
}
