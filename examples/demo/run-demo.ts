// `npm run demo`: a whole game day on one machine. Installs what is missing (k6, Prometheus,
// Alertmanager), starts the demo target, Prometheus and Alertmanager on loopback with temporary
// data folders, runs `examples/demo/plan.yaml`, prints the per-fault table, and stops everything
// it started, whatever happens.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, runPlanFile } from '../../verifier/index.ts';
import { ensureToolchain } from '../../verifier/toolchain/index.ts';
import { GamedayError, RevertError } from '../../verifier/errors.ts';
import { startDemoStack } from './stack.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  say('demo: checking the toolchain (k6, Prometheus, Alertmanager)');
  await ensureToolchain({ log: say });

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return say(`${signal} again: still cleaning up, please wait`);
    say(`\n${signal}: stopping the demo; faults are reverted and the report is written first`);
    controller.abort(new Error(`${signal} received`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const dir = await mkdtemp(join(tmpdir(), 'gameday-demo-'));
  const stops: Array<() => Promise<void>> = [];
  let keepLogs = true;
  try {
    say(`demo: starting the target service, Prometheus and Alertmanager (logs in ${dir})`);
    const stack = await startDemoStack({ dir });
    stops.push(() => stack.stop());
    const { monitoring, target } = stack;
    say(`demo: Prometheus ${monitoring.prometheus.url}, Alertmanager ${monitoring.alertmanager.url}, target ${target.url}`);

    const outcome = await runPlanFile(join(here, 'plan.yaml'), {
      signal: controller.signal,
      log: say,
      // Live progress on stderr; gameday's own metrics where the demo Prometheus scrapes them.
      progress: process.stderr,
      metricsListen: `127.0.0.1:${stack.ports.gamedayMetrics}`,
    });
    process.stdout.write(`\n${outcome.consoleTable}\n\nreports: ${outcome.reportFiles.join(', ')}\n`);
    keepLogs = outcome.exitCode !== EXIT.ok;
    return outcome.exitCode;
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => say(`demo: cleanup: ${error.message}`));
    if (keepLogs) say(`demo: logs of the target, Prometheus and Alertmanager kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main().catch((error: unknown) => {
  if (error instanceof RevertError) {
    say(`demo: FAULTS MAY STILL BE IN PLACE: ${error.faults.join(', ')}: ${error.message}`);
    return EXIT.revertFailed;
  }
  say(`demo: ${error instanceof GamedayError ? error.message : ((error as Error).stack ?? String(error))}`);
  return EXIT.badInput;
});
