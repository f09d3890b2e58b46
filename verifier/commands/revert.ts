// `gameday revert <run-folder>`: after a crash or `kill -9`, revert every fault the journal shows in
// place, stop the k6 processes it left running, delete the Toxiproxy proxies it created and stop the
// toxiproxy-server it started. A second revert is a no-op.

import { EXIT } from '../errors.ts';
import { revertFromJournal } from '../run/recover.ts';
import { type Command, defineCommand, writeLine } from './command.ts';

export const revertCommand: Command = defineCommand({
  name: 'revert',
  usage: 'revert <run-folder>',
  summary: 'revert every fault the journal shows in place (after a crash)',
  options: {},
  positionals: { min: 1, max: 1, what: 'run folder' },
  async run({ positionals: [runDir] }, io) {
    const outcome = await revertFromJournal(runDir ?? '', { log: (line) => writeLine(io.stderr, line) });
    const stopped = outcome.stoppedLoads.length > 0 ? `; stopped k6: ${outcome.stoppedLoads.join(', ')}` : '';
    const toxiproxy = outcome.toxiproxy.length > 0 ? `; Toxiproxy: ${outcome.toxiproxy.join(', ')} gone` : '';
    io.stdout.write(
      outcome.alreadyClean ? 'nothing to revert\n' : `reverted: ${outcome.reverted.join(', ') || 'none'}${stopped}${toxiproxy}\n`,
    );
    return EXIT.ok;
  },
});
