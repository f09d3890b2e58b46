// `gameday demo`: a whole game day on the embedded demo, from a clone or an installed package.
// Installs what is missing (k6, Prometheus, Alertmanager), copies the demo's files (plan,
// configs, rules, runbooks, fault scripts) into a working folder, starts the demo target,
// Prometheus and Alertmanager on loopback, runs the plan, prints the per-fault table, and stops
// everything it started, whatever happens. The reports go to ./runs like any run's.

import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoDir, startDemoStack } from '../../examples/demo/stack.ts';
import { EXIT } from '../errors.ts';
import type { ProgressStream } from '../live/index.ts';
import { ensureToolchain, resolveTool } from '../toolchain/index.ts';
import { type Command, defineCommand, writeLine } from './command.ts';
import { runPlanFile } from './run.ts';

/** The demo's files a run needs; its TypeScript is gameday's own code and runs from where it is. */
const demoFiles = ['plan.yaml', 'prometheus.yml', 'alertmanager.yml', 'rules.yml', 'README.md', 'runbooks', 'faults', 'config'];

export const demoCommand: Command = defineCommand({
  name: 'demo',
  usage: 'demo [--runs-dir DIR] [--keep]',
  summary: 'a whole game day on the embedded demo target, with real k6, Prometheus and Alertmanager (about 5 minutes)',
  options: {
    'runs-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  positionals: { min: 0, max: 0, what: 'arguments' },
  async run({ values }, io) {
    const say = (line: string) => writeLine(io.stderr, line);
    say('demo: checking the toolchain (k6, Prometheus, Alertmanager, Redis, Toxiproxy)');
    await ensureToolchain({ log: say, env: io.env });
    // The demo's datastore and the proxies in front of it: installed here, with progress, when missing.
    for (const tool of ['redis-server', 'toxiproxy-server'] as const) await resolveTool(tool, { log: say, env: io.env });

    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) return say(`${signal} again: still cleaning up, please wait`);
      say(`\n${signal}: stopping the demo; faults are reverted and the report is written first`);
      controller.abort(new Error(`${signal} received`));
    };
    io.signals.on('SIGINT', onSignal);
    io.signals.on('SIGTERM', onSignal);

    const dir = await mkdtemp(join(tmpdir(), 'gameday-demo-'));
    const workingCopy = join(dir, 'demo');
    let keep = values.keep === true;
    let stop: (() => Promise<void>) | undefined;
    try {
      for (const name of demoFiles) await cp(join(demoDir, name), join(workingCopy, name), { recursive: true });
      say(`demo: starting the target service, Prometheus and Alertmanager (working folder and logs in ${dir})`);
      const stack = await startDemoStack({ dir, demoDir: workingCopy });
      stop = () => stack.stop();
      const { monitoring, target } = stack;
      say(`demo: Prometheus ${monitoring.prometheus.url}, Alertmanager ${monitoring.alertmanager.url}, target ${target.url}`);

      const outcome = await runPlanFile(join(workingCopy, 'plan.yaml'), {
        runsDir: resolve(values['runs-dir'] ?? 'runs'),
        signal: controller.signal,
        env: io.env,
        log: say,
        // Live progress on stderr; gameday's own metrics where the demo Prometheus scrapes them.
        progress: io.stderr as ProgressStream,
        metricsListen: `127.0.0.1:${stack.ports.gamedayMetrics}`,
      });
      io.stdout.write(`\n${outcome.consoleTable}\n\nreports: ${outcome.reportFiles.join(', ')}\n`);
      if (outcome.exitCode !== EXIT.ok) keep = true;
      return outcome.exitCode;
    } finally {
      await stop?.().catch((error: Error) => say(`demo: cleanup: ${error.message}`));
      if (keep) say(`demo: the working folder and the logs of the target, Prometheus and Alertmanager are kept in ${dir}`);
      else await rm(dir, { recursive: true, force: true });
      io.signals.off('SIGINT', onSignal);
      io.signals.off('SIGTERM', onSignal);
    }
  },
});
