// `gameday init`: a starter plan from a team's live alerting. Reads the alerting rules Prometheus
// has loaded and Alertmanager's route tree, writes a commented plan with one fault stub per rule
// (`within` from the rule's detection worst case) and, for the scrape jobs with no alert on the
// absence of success, a file of suggested rules. The written plan is loaded before the command
// succeeds, so it never hands over a plan with schema errors. Exit 0 written, 2 bad input.

import { access, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative } from 'node:path';
import { readLiveAlerting } from '../audit/starter-inputs.ts';
import { type StarterEndpoint, starterPlan } from '../audit/starter-plan.ts';
import { EXIT, errorMessage, UsageError } from '../errors.ts';
import { resolveEndpoint } from '../observe/credentials.ts';
import { loadPlan } from '../plan/load.ts';
import { defineCommand } from './command.ts';

export const initCommand = defineCommand({
  name: 'init',
  usage:
    'init --prometheus URL --alertmanager URL --target URL [--out plan.yaml] [--force] ' +
    "[--header 'Name: value'…] [--header-from-env Name=VAR…] [--bearer-token-env VAR | --basic-auth-env USER_VAR:PASSWORD_VAR]",
  summary:
    'write a starter plan from the live alerting rules and routes: one fault stub per rule, within from its worst case (exit 0 written, 2 bad input)',
  options: {
    prometheus: { type: 'string' },
    alertmanager: { type: 'string' },
    target: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    header: { type: 'string', multiple: true },
    'header-from-env': { type: 'string', multiple: true },
    'bearer-token-env': { type: 'string' },
    'basic-auth-env': { type: 'string' },
  },
  positionals: { min: 0, max: 0, what: 'arguments' },
  async run({ values }, io) {
    const missing = (['prometheus', 'alertmanager', 'target'] as const).filter((flag) => values[flag] === undefined);
    if (missing.length > 0)
      throw new UsageError(
        `gameday init: ${missing.map((flag) => `--${flag} URL`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} needed`,
      );
    for (const flag of ['prometheus', 'alertmanager', 'target'] as const) {
      if (!/^https?:\/\/[^/]/.test(values[flag] ?? ''))
        throw new UsageError(`gameday init: --${flag} ${values[flag]} is not an http(s) URL`);
    }
    const out = values.out ?? 'plan.yaml';
    const rulesFile = join(dirname(out), `${basename(out, extname(out))}.absence-rules.yml`);
    if (!values.force) {
      for (const file of [out, rulesFile]) {
        if (await exists(file)) throw new UsageError(`gameday init: ${file} exists; pass --force to overwrite it, or --out another file`);
      }
    }

    const credentials = credentialsFrom(values as CredentialFlags);
    const prometheus: StarterEndpoint = { url: values.prometheus ?? '', ...credentials };
    const alertmanager: StarterEndpoint = { url: values.alertmanager ?? '', ...credentials };
    const live = await readLiveAlerting({
      prometheus: clientOptions(prometheus, 'prometheus', io.env),
      alertmanager: clientOptions(alertmanager, 'alertmanager', io.env),
    });
    const written = starterPlan({
      prometheus,
      alertmanager,
      targetUrl: values.target ?? '',
      rules: live.rules,
      watchdog: live.watchdog,
      jobsWithoutAbsence: live.jobsWithoutAbsence,
      rulesFileName: basename(rulesFile),
      readAt: new Date().toISOString(),
    });
    await write(out, written.plan);
    if (written.rules !== null) await write(rulesFile, written.rules);
    // The plan gameday wrote must load: a schema error here is gameday's bug, said as such.
    try {
      await loadPlan(out);
    } catch (error) {
      throw new UsageError(`gameday init wrote ${out}, but it does not load (a gameday bug, please report it): ${errorMessage(error)}`, {
        cause: error,
      });
    }

    const jobs = [...new Set(live.rules.map((rule) => rule.jobs[0] ?? 'unknown job'))];
    const lines = [
      `wrote ${out}: ${live.rules.length} fault stub${live.rules.length === 1 ? '' : 's'} (one per alerting rule, over ${jobs.join(', ')})` +
        (live.watchdog === null ? '' : `, watchdog ${live.watchdog}`),
      ...live.rules.map((rule) => `  ${rule.alert.padEnd(28)} within ${Math.ceil(rule.worstFiringSeconds)}s  (${rule.chainWords})`),
      written.rules === null
        ? 'every scrape job has an alert on the absence of success: no rules suggested'
        : `wrote ${rulesFile}: an absence-of-success rule for ${live.jobsWithoutAbsence.join(', ')} (review, then add it to rule_files)`,
      ...live.notes.map((note) => `note: ${note}`),
      `next: replace each TODO injector in ${relative(process.cwd(), out) || out} (gameday check fails on them), then gameday check ${out}`,
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
});

interface CredentialFlags {
  header?: string[];
  'header-from-env'?: string[];
  'bearer-token-env'?: string;
  'basic-auth-env'?: string;
}

/** The plan's endpoint credentials from the flags: names of environment variables, and plain headers. */
function credentialsFrom(flags: CredentialFlags): Omit<StarterEndpoint, 'url'> {
  const pairs = (list: string[] | undefined, separator: string, flag: string) =>
    list === undefined
      ? undefined
      : Object.fromEntries(
          list.map((item) => {
            const at = item.indexOf(separator);
            if (at <= 0)
              throw new UsageError(`gameday init: ${flag} ${item}: expected ${flag === '--header' ? "'Name: value'" : 'Name=VARIABLE'}`);
            return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
          }),
        );
  if (flags['bearer-token-env'] !== undefined && flags['basic-auth-env'] !== undefined) {
    throw new UsageError('gameday init: pass --bearer-token-env or --basic-auth-env, not both');
  }
  let auth: StarterEndpoint['auth'];
  if (flags['bearer-token-env'] !== undefined) auth = { bearerTokenEnv: flags['bearer-token-env'] };
  if (flags['basic-auth-env'] !== undefined) {
    const [usernameEnv, passwordEnv, ...rest] = flags['basic-auth-env'].split(':');
    if (!usernameEnv || !passwordEnv || rest.length > 0) {
      throw new UsageError(`gameday init: --basic-auth-env ${flags['basic-auth-env']}: expected USER_VARIABLE:PASSWORD_VARIABLE`);
    }
    auth = { basicAuth: { usernameEnv, passwordEnv } };
  }
  const headers = pairs(flags.header, ':', '--header');
  const headersFromEnv = pairs(flags['header-from-env'], '=', '--header-from-env');
  return { ...(headers && { headers }), ...(headersFromEnv && { headersFromEnv }), ...(auth && { auth }) };
}

/** Client options as a run would build them from the plan; a named variable that is not set is bad input. */
function clientOptions(endpoint: StarterEndpoint, name: string, env: NodeJS.ProcessEnv) {
  const { options, missing } = resolveEndpoint(endpoint, env, name);
  if (missing.length > 0) {
    throw new UsageError(
      `gameday init: ${[...new Set(missing.map((m) => m.variable))].join(', ')} not set (or empty); set it in gameday's environment`,
    );
  }
  return options;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function write(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new UsageError(`gameday init: cannot write ${file}: ${errorMessage(error)}`, { cause: error });
  }
}
