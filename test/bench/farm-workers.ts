/**
 * `hls-studio worker` processes for the farm bench, each under GNU time so its CPU (user + system of
 * the worker and every ffmpeg it waited for) and the peak RSS of the largest process in its tree are
 * known when it exits. Stopping sends SIGTERM to the worker itself, not to GNU time (which would die
 * without reporting and leave the worker running): the worker finishes or hands back its job and exits 0.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const GNU_TIME = '/usr/bin/time';
const TIME_TAG = 'farm-bench-time';
const STOP_TIMEOUT_MS = 60_000;

export interface WorkerUsage {
  cpuSec: number;
  /** GNU time %M: the largest single process of the worker's tree (node or one ffmpeg). */
  maxProcessRssBytes: number;
  exitCode: number | null;
}

export interface BenchWorker {
  /** SIGTERM to the worker; resolves with its usage once it and GNU time have exited. */
  stop(): Promise<WorkerUsage>;
  output(): string;
}

export function startWorker(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<BenchWorker> {
  return (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'farm-bench-time-'));
    const timeFile = path.join(dir, 'time.txt');
    const child = spawn(GNU_TIME, ['-f', `${TIME_TAG} %U %S %M`, '-o', timeFile, cli, 'worker', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const keep = (d: Buffer) => (text = (text + d.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const workerPid = await childPid(child);
    return {
      output: () => text,
      stop: async () => {
        try {
          process.kill(workerPid, 'SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          const exitCode = await exited;
          clearTimeout(timer);
          const match = new RegExp(`^${TIME_TAG} ([\\d.]+) ([\\d.]+) (\\d+)$`, 'm').exec(
            await readFile(timeFile, 'utf8').catch(() => ''),
          );
          if (!match) throw new Error(`no GNU time report for the worker:\n${text}`);
          return {
            cpuSec: Number(match[1]) + Number(match[2]),
            maxProcessRssBytes: Number(match[3]) * 1024,
            exitCode,
          };
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  })();
}

/** The pid GNU time started (its only child), once it exists. */
async function childPid(time: ChildProcess): Promise<number> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const children = await readFile(`/proc/${time.pid}/task/${time.pid}/children`, 'utf8').catch(() => '');
    const pid = Number(children.trim().split(' ')[0]);
    if (pid > 0) return pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the worker process did not start');
}

/** Runs the built CLI to completion; stdout, or an error with both streams. */
export async function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(cli, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`hls-studio ${args[0]} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
      cause: error,
    });
  }
}
