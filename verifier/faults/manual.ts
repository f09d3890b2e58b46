// The manual injector: a step a person does (edit /etc/hosts, revoke a grant, kill instances from
// a laptop). gameday cannot do it, only show what to do and wait for someone to say it is done:
// the mark's time, not the moment the instructions were shown, is when the fault is in place.

import { InjectorError } from '../errors.ts';
import type { ManualInjector } from '../plan/types.ts';
import type { InjectorKind } from './injector.ts';

export const manualInjector: InjectorKind<ManualInjector> = {
  describe: (injector) => `by hand: ${firstLine(injector.instructions)}`,

  async run(injector, context) {
    const mark = context.env['GAMEDAY_ACTION'] === 'revert' ? 'restored' : 'injected';
    if (context.awaitMark === undefined) {
      throw new InjectorError(`a manual step no one here can mark: do it by hand now: ${injector.instructions.trim()}`);
    }
    const received = await context.awaitMark({
      mark,
      instructions: injector.instructions,
      timeoutSeconds: injector.timeoutSeconds,
    });
    const note = received.note === undefined ? '' : ` (${received.note})`;
    const how = received.by === 'cli' ? 'gameday mark' : 'Enter on the terminal';
    return `marked ${mark} at ${received.markedAt} by ${how}${note}`;
  },

  async check(injector, { field }) {
    if (injector.instructions.trim() === '') {
      return { status: 'fail', detail: 'manual step without instructions', hint: `write what to do in ${field}.manual.instructions` };
    }
    const wait = injector.timeoutSeconds === undefined ? "for the fault's duration" : `${injector.timeoutSeconds}s`;
    return { status: 'ok', detail: `by hand (waits ${wait} for the mark): ${firstLine(injector.instructions)}` };
  },
};

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
