import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags } from './flags.ts';

const spec = { 'state-dir': 'string', 'admin-port': 'port', 'api-ports': 'ports' } as const;

describe('parseFlags', () => {
  it('reads both flag forms', () => {
    expect(parseFlags(['--state-dir', '/tmp/s', '--admin-port=28099', '--api-ports', '28081,28082'], spec)).toEqual({
      'state-dir': '/tmp/s',
      'admin-port': 28099,
      'api-ports': [28081, 28082],
    });
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      parseFlags(['--admin-port', 'x', '--nope', '1', '--api-ports', '1,99999', '--state-dir'], spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlagError);
    expect((error as FlagError).problems).toEqual([
      'invalid flag --admin-port; reason: expected a port number 1-65535, got "x"',
      'unknown flag --nope; known flags: --state-dir, --admin-port, --api-ports',
      'invalid flag --api-ports; reason: expected comma-separated port numbers such as 18081,18082, got "1,99999"',
      'invalid flag --state-dir; reason: expected a value, got nothing',
    ]);
  });
});
