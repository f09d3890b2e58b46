// The demo plan (examples/demo/plan.yaml) rewritten for a demo stack started with a port offset:
// every demo port shifted, and the exec injectors pointed at that stack's state folder, so a
// recording or a test can run the real demo game day beside another one.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { DEFAULT_PORTS, type DemoPorts, demoDir } from '../examples/demo/stack.ts';

/**
 * The top of a test plan for a demo stack on shifted ports: version, name, window, target and the
 * monitoring (Prometheus, Alertmanager, webhook, watchdog), ending with a 1 req/s trace. The test
 * adds its bursts and faults below.
 */
export function shiftedPlanHead(options: { name: string; window: string; ports: DemoPorts }): string {
  const { ports } = options;
  return `
version: 1
name: ${options.name}
window: ${options.window}
target: { baseUrl: http://127.0.0.1:${ports.gateway} }
monitoring:
  prometheus: { url: http://127.0.0.1:${ports.prometheus} }
  alertmanager: { url: http://127.0.0.1:${ports.alertmanager} }
  webhookListen: 127.0.0.1:${ports.webhook}
  watchdog: Watchdog
trace: { rate: 1 }
`;
}

/**
 * The demo plan's own `trace:` section (its journeys), as YAML text ending with a newline: a test
 * puts it in place of the head's default trace to run what `npm run demo` runs.
 */
export async function demoTraceSection(): Promise<string> {
  const document = parseDocument(await readFile(join(demoDir, 'plan.yaml'), 'utf8'));
  const trace = new Document({ trace: document.toJS().trace as unknown });
  return trace.toString();
}

export interface ShiftedPlanOptions {
  offset: number;
  /** The stack's state folder (`DemoStack.target.stateDir`). */
  stateDir: string;
  /** Replaces the plan's `name` (runs of one plan share it; `gameday compare` relies on that). */
  name?: string;
}

export async function shiftedDemoPlan(options: ShiftedPlanOptions): Promise<string> {
  const defaults = new Set(Object.values(DEFAULT_PORTS).flat());
  const text = (await readFile(join(demoDir, 'plan.yaml'), 'utf8')).replace(/127\.0\.0\.1:(\d{4,5})/g, (whole, port: string) =>
    defaults.has(Number(port)) ? `127.0.0.1:${Number(port) + options.offset}` : whole,
  );
  const document = parseDocument(text);
  if (options.name) document.set('name', options.name);
  // A toxiproxy fault has no revert written (it is derived).
  const faults = document.toJS().faults as Array<{
    inject: { exec?: unknown; signal?: { pidFile?: string } };
    revert?: { exec?: unknown };
  }>;
  faults.forEach((fault, index) => {
    // The signal injector's pid files are in the stack's own state folder.
    const pidFile = fault.inject.signal?.pidFile;
    if (pidFile?.startsWith('.state/')) {
      document.setIn(['faults', index, 'inject', 'signal', 'pidFile'], join(options.stateDir, pidFile.slice('.state/'.length)));
    }
    for (const action of ['inject', 'revert'] as const) {
      const exec = fault[action]?.exec as { command: string[] } | undefined;
      if (!exec) continue;
      // Relative paths resolve against the plan's folder, which is no longer examples/demo.
      const command = exec.command.map((arg) =>
        arg.startsWith('.state/')
          ? join(options.stateDir, arg.slice('.state/'.length))
          : /^(faults|config)\//.test(arg)
            ? join(demoDir, arg)
            : arg,
      );
      document.setIn(['faults', index, action, 'exec'], { command, env: { GAMEDAY_DEMO_STATE: options.stateDir } });
    }
  });
  return document.toString();
}
