#!/usr/bin/env node
// Entry point of `npm run demo`, `npm test` and `npm run bench` on a fresh clone: plain Node with no
// dependencies, so it can install them. It runs `npm ci` when node_modules is missing or older than
// package-lock.json, then hands over to the TypeScript entry point. k6, Prometheus and Alertmanager are
// installed by the entry points themselves (verifier/toolchain), with progress.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'node_modules', '.gameday-lock-sha256');

// TypeScript entry points run as `node --import tsx`, not through the `tsx` command: the tsx
// command relays Ctrl-C to its child and SIGKILLs it when the child does not confirm within
// 30 ms, which on a busy machine would kill gameday before it reverts its faults.
const typescript = (file) => [process.execPath, '--import', 'tsx', file];
const bin = (name, ...rest) => [join(root, 'node_modules', '.bin', name), ...rest];
// Each entry is a list of steps run one after the other; the last one gets the extra arguments.
const entries = {
  demo: [typescript('examples/demo/run-demo.ts')],
  // Types, lint and format are checked first: they take seconds, the integration tests minutes.
  test: [
    bin('tsc', '-p', 'tsconfig.json'),
    bin('tsc', '-p', 'tsconfig.k6.json'),
    bin('eslint', '.'),
    bin('prettier', '--check', '--log-level=warn', '.'),
    bin('depcruise', 'verifier', '--config', '.dependency-cruiser.cjs'),
    bin('vitest', 'run'),
  ],
  bench: [typescript('bench/index.ts')],
  gameday: [typescript('verifier/cli.ts')],
};

const [what, ...args] = process.argv.slice(2);
const entry = entries[what];
if (!entry) {
  process.stderr.write(`usage: node scripts/bootstrap.mjs ${Object.keys(entries).join('|')} [args...]\n`);
  process.exit(2);
}

ensureNodeModules();
for (const [index, step] of entry.entries()) {
  const last = index === entry.length - 1;
  const code = await run(last ? [...step, ...args] : step);
  if (code !== 0 || last) {
    process.exitCode = code;
    break;
  }
}

/** Runs one step; resolves with its exit code. Signals are passed on; the step decides how to end. */
function run([command, ...commandArgs]) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  // Stay alive until the child has reverted its faults and exited. Ctrl-C at a terminal reaches the
  // child directly (same process group), so only forward SIGINT when it did not come from a terminal.
  const onInt = () => process.stdin.isTTY || child.kill('SIGINT');
  const onOther = (signal) => child.kill(signal);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onOther);
  process.on('SIGHUP', onOther);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`gameday: could not start ${command}: ${error.message}\n`);
      resolve(2);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onOther);
      process.off('SIGHUP', onOther);
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 1) : 1));
    });
  });
}

function ensureNodeModules() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const want = createHash('sha256').update(lock).digest('hex');
  const have = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (have === want) return;
  process.stderr.write('gameday: installing npm packages (npm ci)...\n');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (npm.status !== 0) {
    process.stderr.write('gameday: npm ci failed; see the output above. Check network access to the npm registry.\n');
    process.exit(2);
  }
  writeFileSync(stampFile, `${want}\n`);
  process.stderr.write('gameday: npm packages installed\n');
}
