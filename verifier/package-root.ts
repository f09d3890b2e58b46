// Where gameday's own files are: the folder of its package.json, whether gameday runs from a clone
// (TypeScript sources through tsx) or from an installed package (compiled to dist/). Default
// scripts (traces/, loadtests/), the docs the reports link to, the demo and the k6 build module
// are found from here; a team's own files are found from their plan's folder.
//
// This file imports nothing of gameday: every folder may import it.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'gameday') return dir;
    if (dirname(dir) === dir) throw new Error(`gameday's package.json not found above ${from}`);
  }
}

export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** gameday's version, from its package.json: journaled with every run and shown in every report. */
export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** True when gameday runs compiled (an installed package), false from TypeScript sources (a clone). */
export const compiled: boolean = extname(fileURLToPath(import.meta.url)) === '.js';

/**
 * The node arguments that run one of gameday's own entry points (the demo target's processes):
 * compiled JavaScript as it is, TypeScript through tsx's loader (`node --import tsx`, not the tsx
 * command, so signals reach the process itself).
 */
export function nodeArgsFor(file: string): string[] {
  // Resolved from here, so it works whatever the child's working directory.
  return extname(file) === '.ts' ? ['--import', import.meta.resolve('tsx'), file] : [file];
}

/** `name.ts` beside the calling module when running from sources, `name.js` when compiled. */
export function sibling(moduleUrl: string, name: string): string {
  return fileURLToPath(new URL(`./${name}${extname(fileURLToPath(moduleUrl))}`, moduleUrl));
}
