// What one load generator cost: whole-process CPU seconds and peak resident set.
//
// CPU comes from this process's own /proc/self/stat: the kernel adds a child's user and system
// time to its parent's cutime/cstime when the parent reaps it, so the difference across one
// generator's life is exactly that generator's CPU, start-up and summary included (the bench runs
// one generator at a time, and nginx, its other child, lives throughout). Peak RSS is the
// kernel's own high-water mark (VmHWM), read until the process is gone.

import { readFile } from 'node:fs/promises';

/** USER_HZ: the unit of /proc times; 100 on every Linux gameday runs on (`getconf CLK_TCK`). */
const ticksPerSecond = 100;

export interface GeneratorCost {
  cpuSeconds: number;
  peakRssMb: number | null;
}

/** Reaped children's CPU seconds (cutime + cstime) from a /proc/<pid>/stat line. */
export function reapedChildrenCpuSeconds(stat: string): number {
  // The command name (field 2) may contain spaces: count fields after its ')'. fields[0] is
  // field 3, so cutime (16) and cstime (17) are fields[13] and fields[14].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) throw new Error(`cannot read cutime/cstime from ${JSON.stringify(stat)}`);
  return (cutime + cstime) / ticksPerSecond;
}

async function childrenCpu(): Promise<number> {
  return reapedChildrenCpuSeconds(await readFile('/proc/self/stat', 'utf8'));
}

async function vmHwmBytes(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = status === undefined ? undefined : /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

export interface Watched<T> {
  pids: () => number[];
  /** Settles once every process has exited and been reaped. */
  done: Promise<T>;
}

/**
 * Runs `start`, samples the peak RSS of its processes every `intervalMs` until `done` settles,
 * and returns the CPU they used. With several processes, peak RSS is the sum of their peaks.
 */
export async function measure<T>(start: () => Promise<Watched<T>>, intervalMs = 200): Promise<{ value: T; cost: GeneratorCost }> {
  const cpuBefore = await childrenCpu();
  const watched = await start();
  const peaks = new Map<number, number>();
  const sample = async () => {
    for (const pid of watched.pids()) {
      const hwm = await vmHwmBytes(pid);
      if (hwm !== undefined) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, hwm));
    }
  };
  let sampling = sample();
  const timer = setInterval(() => {
    sampling = sampling.then(sample);
  }, intervalMs);
  try {
    const value = await watched.done;
    return {
      value,
      cost: {
        cpuSeconds: (await childrenCpu()) - cpuBefore,
        peakRssMb: peaks.size === 0 ? null : [...peaks.values()].reduce((a, b) => a + b, 0) / 2 ** 20,
      },
    };
  } finally {
    clearInterval(timer);
    await sampling;
  }
}
