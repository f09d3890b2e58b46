#!/usr/bin/env node
// `gameday` on PATH (npm link, or npx from a checkout): the CLI in verifier/cli.ts, loaded through
// tsx's module hooks inside this process, so signals reach gameday directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../verifier/cli.ts');
process.exitCode = await main(process.argv.slice(2));
