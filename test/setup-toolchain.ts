// Integration tests drive the real k6, Prometheus and Alertmanager. Install what is missing
// (with progress) before any test file starts; never skip a test because a binary is absent.
import { ensureToolchain } from '../verifier/toolchain/index.ts';

export default async function setup(): Promise<void> {
  const tools = await ensureToolchain();
  for (const [name, path] of Object.entries(tools)) process.env[`GAMEDAY_${name.toUpperCase()}`] = path;
}
