/**
 * Runs one command and measures its whole process tree: wall time, CPU (user + system, children
 * included), the peak of the tree's summed resident memory, and the largest single process's peak.
 *
 * CPU and the single-process peak come from GNU time (`/usr/bin/time -f`: the rusage of the waited-for
 * command, which includes every descendant it waited for, so ffmpeg under `hls-studio` is counted).
 * Without GNU time, CPU comes from this process's cutime + cstime (same rusage, read from /proc) and the
 * single-process peak is missing. The tree sum is sampled from /proc every RSS_SAMPLE_MS: GNU time's %M is
 * the largest process, not node + ffmpeg together, and the product's footprint is the sum. Linux only.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const GNU_TIME = '/usr/bin/time';
const TIME_TAG = 'ladder-bench-time';
const RSS_SAMPLE_MS = 200;
const STDERR_TAIL_CHARS = 4000;

export interface Measured {
  wallSec: number;
  /** user + system, the whole tree. */
  cpuSec: number;
  /** Largest sum of VmRSS over the process tree seen at one sample. */
  peakTreeRssBytes: number;
  /** ru_maxrss of the largest single process in the tree (GNU time %M); undefined without GNU time. */
  maxProcessRssBytes?: number;
  exitCode: number | null;
  stderrTail: string;
}

export interface RunOptions {
  cwd?: string;
  /** Each stdout line as it arrives, with seconds since the command started. Without it stdout is dropped. */
  onLine?: (line: string, atSec: number) => void;
}

export const hasGnuTime = existsSync(GNU_TIME);

/** Root pids of the commands running now, for stopActiveTrees. */
const active = new Set<number>();

export async function runMeasured(bin: string, args: string[], options: RunOptions = {}): Promise<Measured> {
  const timeDir = hasGnuTime ? await mkdtemp(path.join(os.tmpdir(), 'ladder-bench-time-')) : undefined;
  const timeFile = timeDir && path.join(timeDir, 'time.txt');
  const [command, commandArgs] = timeFile
    ? [GNU_TIME, ['-f', `${TIME_TAG} %U %S %M`, '-o', timeFile, bin, ...args]]
    : [bin, args];
  const cpuBefore = await childCpuSeconds();
  const started = performance.now();
  const child = spawn(command, commandArgs, {
    cwd: options.cwd,
    stdio: ['ignore', options.onLine ? 'pipe' : 'ignore', 'pipe'],
  });
  if (child.pid !== undefined) active.add(child.pid);
  const sampler = sampleTreeRss(child.pid);
  let stderrTail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  if (options.onLine && child.stdout) {
    const onLine = options.onLine;
    createInterface({ input: child.stdout }).on('line', (line) =>
      onLine(line, (performance.now() - started) / 1000),
    );
  }
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null)));
  });
  const wallSec = (performance.now() - started) / 1000;
  if (child.pid !== undefined) active.delete(child.pid);
  const peakTreeRssBytes = sampler.stop();
  try {
    if (timeFile) {
      const text = await readFile(timeFile, 'utf8').catch(() => '');
      const match = new RegExp(`^${TIME_TAG} ([\\d.]+) ([\\d.]+) (\\d+)$`, 'm').exec(text);
      if (match) {
        return {
          wallSec,
          cpuSec: Number(match[1]) + Number(match[2]),
          peakTreeRssBytes,
          maxProcessRssBytes: Number(match[3]) * 1024,
          exitCode,
          stderrTail,
        };
      }
    }
    return { wallSec, cpuSec: (await childCpuSeconds()) - cpuBefore, peakTreeRssBytes, exitCode, stderrTail };
  } finally {
    if (timeDir) await rm(timeDir, { recursive: true, force: true });
  }
}

/** Adds up the measurements of steps run one after another (a contestant made of several commands). */
export function sumMeasured(steps: Measured[]): Omit<Measured, 'exitCode' | 'stderrTail'> {
  const maxes = steps.map((s) => s.maxProcessRssBytes);
  return {
    wallSec: steps.reduce((t, s) => t + s.wallSec, 0),
    cpuSec: steps.reduce((t, s) => t + s.cpuSec, 0),
    peakTreeRssBytes: Math.max(0, ...steps.map((s) => s.peakTreeRssBytes)),
    maxProcessRssBytes: maxes.every((m) => m !== undefined) ? Math.max(0, ...maxes) : undefined,
  };
}

/**
 * SIGTERM to every process of every running command's tree, deepest first, for a bench that is being
 * interrupted: GNU time does not pass signals on, so killing it alone would leave ffmpeg running.
 */
export function stopActiveTrees(): void {
  for (const root of active) {
    for (const pid of treePids(root, childrenByParent(readdirSync('/proc'), readStatSync)).reverse()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;

/** cutime + cstime of this process: every child it has reaped, with their reaped descendants. */
async function childCpuSeconds(): Promise<number> {
  const fields = afterComm(await readFile('/proc/self/stat', 'utf8'));
  // Fields 16 and 17 (cutime, cstime), counted from 1; afterComm starts at field 3.
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

/** /proc/<pid>/stat fields from field 3 on; comm (field 2) may hold spaces and parentheses. */
function afterComm(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function sampleTreeRss(rootPid: number | undefined): { stop: () => number } {
  let peak = 0;
  let busy = false;
  const sample = () => {
    if (busy || rootPid === undefined) return;
    busy = true;
    void treeRssBytes(rootPid)
      .then((bytes) => (peak = Math.max(peak, bytes)))
      .catch(() => {})
      .finally(() => (busy = false));
  };
  sample();
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

async function treeRssBytes(rootPid: number): Promise<number> {
  const names = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  const stats = new Map<string, string>();
  await Promise.all(
    names.map(async (n) => stats.set(n, await readFile(`/proc/${n}/stat`, 'utf8').catch(() => ''))),
  );
  const resident = await Promise.all(
    treePids(
      rootPid,
      childrenByParent(names, (n) => stats.get(n) ?? ''),
    ).map(async (pid) => {
      const statm = await readFile(`/proc/${pid}/statm`, 'utf8').catch(() => '');
      return Number(statm.split(' ')[1] ?? 0) * PAGE_BYTES;
    }),
  );
  return resident.reduce((t, r) => t + r, 0);
}

function readStatSync(name: string): string {
  try {
    return readFileSync(`/proc/${name}/stat`, 'utf8');
  } catch {
    return '';
  }
}

/** Parent pid → child pids, from the entries of /proc and a reader of /proc/<pid>/stat. */
function childrenByParent(procEntries: string[], readStat: (pid: string) => string): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of procEntries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (!stat) continue;
    const ppid = Number(afterComm(stat)[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  return children;
}

/** The root and its descendants, parents before children. */
function treePids(rootPid: number, children: Map<number, number[]>): number[] {
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}
