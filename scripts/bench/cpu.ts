/**
 * CPU time used by the processes the bench started, read from /proc (Linux): what each server
 * burns per completed review. Elsewhere it reports nothing rather than guess.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime of the process and of its children it has waited for, in clock ticks. */
  ticks: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is state (field 3): utime is field 14, stime 15, cutime 16, cstime 17.
    const n = (field: number) => Number(fields[field - 3]);
    return { pid, ppid: n(4), comm, ticks: n(14) + n(15) + n(16) + n(17) };
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * CPU seconds so far of `root`'s descendants (and `root` itself), by component: the name that
 * `label` gives a process (default: its command name), told the name it gave the process's parent
 * (undefined for `root`), so that a server's own children can be counted as that server.
 */
export function cpuSeconds(
  root: number,
  label: (p: { pid: number; comm: string }, parent: string | undefined) => string = (p) => p.comm,
): Map<string, number> {
  const totals = new Map<string, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return totals;
  }
  const stats = entries.filter((e) => /^\d+$/.test(e)).flatMap((e) => readStat(Number(e)) ?? []);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const rootStat = stats.find((s) => s.pid === root);
  const queue: { s: ProcStat; parent: string | undefined }[] = rootStat ? [{ s: rootStat, parent: undefined }] : [];
  while (queue.length > 0) {
    const { s, parent } = queue.shift()!;
    const name = label(s, parent);
    totals.set(name, (totals.get(name) ?? 0) + s.ticks / clockTicks());
    queue.push(...(children.get(s.pid) ?? []).map((c) => ({ s: c, parent: name })));
  }
  return totals;
}

/** What each component used between two readings. */
export function cpuBetween(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([name, s]) => [name, s - (before.get(name) ?? 0)]));
}
