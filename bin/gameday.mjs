#!/usr/bin/env node
// `gameday` on PATH. Installed from the package, it runs the compiled CLI in dist/; in a clone
// (where the TypeScript sources are), it loads them through tsx's module hooks inside this
// process, so signals reach gameday directly either way.
import { existsSync } from 'node:fs';

const sources = new URL('../verifier/cli.ts', import.meta.url);
let cli;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(sources.href);
} else {
  cli = await import(new URL('../dist/verifier/cli.js', import.meta.url).href);
}
await cli.runAsProcess(process.argv.slice(2));
