// CPU and memory of processes from Linux /proc, sampled while a benchmark runs, to tell whether
// a rate was lost to the load generator, the target, or the rest of the machine.

import { readdir, readFile } from 'node:fs/promises';

/** USER_HZ: the unit of /proc times; 100 on every Linux gameday runs on (`getconf CLK_TCK`). */
const ticksPerSecond = 100;

export interface CpuSample {
  /** Seconds since the sampler started. */
  at: number;
  /** CPU used over the last interval, in % of one core (200 = two cores busy). */
  k6: number;
  target: number;
  /** Everything else on the machine, the kernel included. */
  other: number;
  /** All cores together. */
  machineBusy: number;
}

export interface CpuSummary {
  cores: number;
  samples: CpuSample[];
  /** k6's peak resident set (VmHWM), in bytes; null if never read. */
  k6PeakRssBytes: number | null;
}

export interface ProcessGroups {
  /** The k6 process (single pid; k6 has no children). */
  k6: () => number | undefined;
  /** Root of the target's process tree (all descendants count). */
  targetRoot: number;
}

export interface Sampler {
  stop(): Promise<CpuSummary>;
}

/** Samples every `intervalMs` until stop(). */
export function startCpuSampler(groups: ProcessGroups, cores: number, intervalMs = 1000): Sampler {
  const started = Date.now();
  const samples: CpuSample[] = [];
  let k6PeakRssBytes: number | null = null;
  let previous: Snapshot | undefined;
  let running = Promise.resolve();

  const tick = async () => {
    const k6Pid = groups.k6();
    const snapshot = await takeSnapshot(k6Pid, groups.targetRoot);
    if (k6Pid !== undefined) {
      const hwm = await peakRss(k6Pid);
      if (hwm !== null) k6PeakRssBytes = Math.max(k6PeakRssBytes ?? 0, hwm);
    }
    if (previous !== undefined) {
      const seconds = (snapshot.wallMs - previous.wallMs) / 1000;
      const pct = (ticks: number) => Math.max(0, (ticks / ticksPerSecond / seconds) * 100);
      const k6 = pct(snapshot.k6 - previous.k6);
      const target = pct(snapshot.target - previous.target);
      const machineBusy = pct(snapshot.machineBusy - previous.machineBusy);
      samples.push({
        at: (snapshot.wallMs - started) / 1000,
        k6,
        target,
        other: Math.max(0, machineBusy - k6 - target),
        machineBusy,
      });
    }
    previous = snapshot;
  };

  const timer = setInterval(() => {
    running = running.then(tick).catch(() => undefined);
  }, intervalMs);
  running = running.then(tick).catch(() => undefined);

  return {
    async stop() {
      clearInterval(timer);
      await running;
      return { cores, samples, k6PeakRssBytes };
    },
  };
}

interface Snapshot {
  wallMs: number;
  k6: number;
  target: number;
  machineBusy: number;
}

async function takeSnapshot(k6Pid: number | undefined, targetRoot: number): Promise<Snapshot> {
  const processes = await allProcesses();
  const tree = descendants(processes, targetRoot);
  let target = 0;
  for (const pid of tree) target += processes.get(pid)?.ticks ?? 0;
  return {
    wallMs: Date.now(),
    k6: k6Pid === undefined ? 0 : (processes.get(k6Pid)?.ticks ?? 0),
    target,
    machineBusy: await machineBusyTicks(),
  };
}

interface ProcInfo {
  ppid: number;
  /** utime + stime in ticks. Reaped children's time (cutime) is left out: it would count twice. */
  ticks: number;
}

async function allProcesses(): Promise<Map<number, ProcInfo>> {
  const out = new Map<number, ProcInfo>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue;
    const info = parseStat(stat);
    if (info !== undefined) out.set(Number(entry), info);
  }
  return out;
}

/** /proc/<pid>/stat; the command name (field 2) may contain spaces, so parse after its ')'. */
export function parseStat(stat: string): ProcInfo | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime and stime are fields 14 and 15.
  const [ppid, utime, stime] = [1, 11, 12].map((i) => Number(fields[i]));
  if (ppid === undefined || utime === undefined || stime === undefined) return undefined;
  if (![ppid, utime, stime].every(Number.isFinite)) return undefined;
  return { ppid, ticks: utime + stime };
}

function descendants(processes: Map<number, ProcInfo>, root: number): Set<number> {
  const tree = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, info] of processes) {
      if (!tree.has(pid) && tree.has(info.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return tree;
}

async function machineBusyTicks(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
  const [, ...values] = line.trim().split(/\s+/);
  const n = values.map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = n;
  return user + nice + system + irq + softirq + steal;
}

async function peakRss(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = status === undefined ? undefined : /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? null : Number(kb) * 1024;
}
