// Every alert of the demo links a runbook that ships with it: `runbook_url` is relative to the
// demo's folder (the plan's folder, which reports resolve runbook paths against).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parse } from 'yaml';

const demoDir = fileURLToPath(new URL('.', import.meta.url));

it('every demo alert has a runbook_url that names a file in the demo folder', async () => {
  const rules = parse(await readFile(join(demoDir, 'rules.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert?: string; annotations?: Record<string, string> }> }>;
  };
  const alerts = rules.groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined);
  expect(alerts.length).toBeGreaterThan(5);
  for (const rule of alerts) {
    const url = rule.annotations?.runbook_url;
    expect(url, `${rule.alert} has no runbook_url`).toBeDefined();
    expect(existsSync(join(demoDir, url ?? '')), `${rule.alert}: ${url} is not in examples/demo/`).toBe(true);
  }
});
