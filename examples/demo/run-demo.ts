// `npm run demo`: the same as `gameday demo` (verifier/commands/demo.ts), from the clone.

import { main } from '../../verifier/cli.ts';

process.exitCode = await main(['demo', ...process.argv.slice(2)]);
