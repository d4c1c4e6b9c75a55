/**
 * CPU time of the Chromium that this process launched (every descendant process whose name starts with
 * "chrom"), per thread, from Linux's /proc. Over a generation it tells how many cores the browser actually got
 * (CPU time / wall time) and which threads did the work: a second wasm thread that really runs shows up as a
 * second busy thread, even on a machine too loaded to give it a core of its own.
 */
import { readFileSync, readdirSync } from "node:fs";

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU used so far, per thread (`pid/tid` → name and ms). Empty without /proc. */
export type CpuSnapshot = Map<string, { readonly name: string; readonly ms: number }>;

interface Stat {
  readonly ppid: number;
  readonly name: string;
  readonly ms: number;
}

/** Parses a /proc stat file: "pid (name) state ppid … utime stime …" (the name may hold spaces). */
function readStat(path: string): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined; // it ended while we looked
  }
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  const [ppid = 0, utime = 0, stime = 0] = [fields[1], fields[11], fields[12]].map(Number);
  const ms = ((utime + stime) * 1000) / TICKS_PER_SECOND;
  return { ppid, name: text.slice(text.indexOf("(") + 1, close), ms };
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/** The Chromium processes below this one (pids). */
function chromiumPids(): string[] {
  const children = new Map<number, { pid: string; name: string }[]>();
  for (const pid of list("/proc")) {
    const stat = readStat(`/proc/${pid}/stat`);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), { pid, name: stat.name }]);
  }
  const found: string[] = [];
  const queue = [...(children.get(process.pid) ?? [])];
  for (let p = queue.shift(); p; p = queue.shift()) {
    if (p.name.startsWith("chrom")) found.push(p.pid);
    queue.push(...(children.get(Number(p.pid)) ?? []));
  }
  return found;
}

/** Every thread of this process's Chromium, with the CPU it has used so far. */
export function chromiumCpu(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const pid of chromiumPids()) {
    for (const tid of list(`/proc/${pid}/task`)) {
      const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (stat) snapshot.set(`${pid}/${tid}`, { name: stat.name, ms: stat.ms });
    }
  }
  return snapshot;
}

/** What Chromium did between two snapshots. */
export interface CpuUse {
  /** CPU ms of all its threads. */
  readonly totalMs: number;
  /** Names of the threads that ran for at least `share` of `wallMs`, busiest first. */
  readonly busyThreads: string[];
}

/** The CPU used from `before` to `after`; threads busy for at least `share` (default a quarter) of `wallMs`. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, wallMs: number, share = 0.25): CpuUse {
  const used = [...after].map(([key, t]) => ({ name: t.name, ms: t.ms - (before.get(key)?.ms ?? 0) }));
  const busy = used.filter((t) => t.ms >= share * wallMs).sort((a, b) => b.ms - a.ms);
  return { totalMs: used.reduce((sum, t) => sum + t.ms, 0), busyThreads: busy.map((t) => t.name) };
}
