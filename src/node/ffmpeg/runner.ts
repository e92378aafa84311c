import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { StudioError } from '../../common/errors.js';
import { formatCommandLine } from '../../common/ffmpeg/command-line.js';
import { failureReason, isNoise } from '../../common/ffmpeg/failure-reason.js';
import { parentDeathWrapper } from './parent-death.js';

export interface RunOptions {
  bin: string;
  args: string[];
  cwd?: string;
  signal?: AbortSignal;
  /**
   * Kill the process when it has done no work for this long: printed nothing and, where the system
   * tells (Linux /proc), used no CPU time. A hung decoder or a stuck network mount is killed; a busy
   * encoder whose progress reports are held back is not.
   */
  stallTimeoutMs?: number;
  /** Hard limit on the whole run. */
  timeoutMs?: number;
  onStdout?: (chunk: string) => void;
  /** Called with the exact command line before the process starts. */
  onCommand?: (commandLine: string) => void;
  /** Keep stdout in the result (ffprobe's JSON); capped at 64 MiB. */
  captureStdout?: boolean;
  /** Keep all of stderr in the result (trace_headers output); capped at 16 MiB. */
  captureStderr?: boolean;
  /** The user's file this run is about, for error messages. */
  file?: string;
}

export interface RunResult {
  commandLine: string;
  stdout: string;
  stderr: string;
  /** The last lines of stderr: what an error message shows. */
  stderrTail: string[];
}

/** How many processes this Node process has started: diagnostics, and the tests' bound on packaging. */
export const processCounter = { started: 0 };

const STDERR_TAIL_LINES = 30;
const STDOUT_CAP = 64 * 1024 * 1024;
const STDERR_CAP = 16 * 1024 * 1024;
const KILL_GRACE_MS = 1500;
/** ffmpeg's exit when decoding errors exceed `-max_error_rate` (2/3 of the frames by default). */
const DECODE_ERROR_EXIT = 69;

/**
 * The only place that starts a process. Argument array, no shell, stdin closed; its own process group so
 * cancel, stall and timeout kill the whole tree; killed with its parent where the system allows
 * (parent-death.ts); rejects with a StudioError carrying stderr's last lines.
 */
export function runProcess(options: RunOptions): Promise<RunResult> {
  const commandLine = formatCommandLine(options.bin, options.args);
  options.onCommand?.(commandLine);
  const what = options.file ? `${options.file}: ` : '';

  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new StudioError('CANCELLED', `${what}cancelled`, { file: options.file }));
      return;
    }
    processCounter.started++;
    // The logged command line stays the binary's own; the wrapper only ties the child's life to ours.
    const wrapper = parentDeathWrapper();
    const [bin, args] = wrapper
      ? [wrapper.bin, [...wrapper.args, options.bin, ...options.args]]
      : [options.bin, options.args];
    const child = spawn(bin, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
      shell: false,
    });
    let stdout = '';
    let stderr = '';
    let tail: string[] = [];
    let partialLine = '';
    let failure: StudioError | undefined;
    let stallTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const kill = (reason: StudioError) => {
      if (failure) return;
      failure = reason;
      killTree(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killTree(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const armStall = () => {
      if (!options.stallTimeoutMs) return;
      clearTimeout(stallTimer);
      stallTimer = setTimeout(
        () =>
          kill(
            new StudioError(
              'FFMPEG_STALLED',
              `${what}ffmpeg did no work for ${options.stallTimeoutMs! / 1000} s (no output, no CPU time)`,
              {
                file: options.file,
                detail: tail.join('\n'),
              },
            ),
          ),
        options.stallTimeoutMs,
      );
    };
    const hardTimer = options.timeoutMs
      ? setTimeout(
          () =>
            kill(
              new StudioError('FFMPEG_STALLED', `${what}gave up after ${options.timeoutMs! / 1000} s`, {
                file: options.file,
                detail: tail.join('\n'),
              }),
            ),
          options.timeoutMs,
        )
      : undefined;
    const onAbort = () => kill(new StudioError('CANCELLED', `${what}cancelled`, { file: options.file }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    armStall();
    // CPU time is real work even when the process prints nothing (ffmpeg holds `-progress` back until
    // every output has a frame): sample it a few times per stall window.
    let cpu = cpuTicks(child.pid);
    const cpuTimer =
      options.stallTimeoutMs && cpu !== undefined
        ? setInterval(
            () => {
              const now = cpuTicks(child.pid);
              if (now !== undefined && now !== cpu) armStall();
              cpu = now;
            },
            Math.max(50, Math.min(5000, options.stallTimeoutMs / 4)),
          )
        : undefined;

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      armStall();
      if (options.captureStdout && stdout.length < STDOUT_CAP) stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      armStall();
      if (options.captureStderr && stderr.length < STDERR_CAP) stderr += chunk;
      const lines = (partialLine + chunk).split(/\r?\n/);
      partialLine = lines.pop() ?? '';
      // Noise (one swscaler line per rung) would push the real errors out of the window.
      tail = [...tail, ...lines.filter((l) => l.trim() !== '' && !isNoise(l))].slice(-STDERR_TAIL_LINES);
    });

    const cleanUp = () => {
      clearTimeout(stallTimer);
      clearInterval(cpuTimer);
      clearTimeout(hardTimer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      const code = error.code === 'ENOENT' || error.code === 'EACCES' ? 'FFMPEG_MISSING' : 'FFMPEG_FAILED';
      reject(
        new StudioError(code, `could not start ${options.bin}: ${error.message}`, {
          file: options.file,
          cause: error,
        }),
      );
    });
    child.on('close', (exitCode, signal) => {
      cleanUp();
      if (partialLine.trim()) tail = [...tail, partialLine].slice(-STDERR_TAIL_LINES);
      if (failure) return reject(failure);
      if (exitCode === 0) return resolve({ commandLine, stdout, stderr, stderrTail: tail });
      const execFailure =
        wrapper && exitCode !== null && exitCode >= 126 && tail.find((l) => /^setpriv: /.test(l));
      if (execFailure) {
        return reject(
          new StudioError(
            'FFMPEG_MISSING',
            `could not start ${options.bin}: ${execFailure.replace(/^setpriv: /, '')}`,
            {
              file: options.file,
            },
          ),
        );
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
      const reason = tail.length > 0 ? failureReason(tail) : how;
      if (exitCode === DECODE_ERROR_EXIT) {
        // ffmpeg logs the error count only at debug level: the exit code is the one sign.
        return reject(
          new StudioError(
            'UNDECODABLE',
            `${what}the file is damaged: too many of its frames could not be decoded (the last error: ${reason})`,
            { file: options.file, detail: [commandLine, `(${how})`, ...tail].join('\n') },
          ),
        );
      }
      reject(
        new StudioError('FFMPEG_FAILED', `${what}ffmpeg failed: ${reason}`, {
          file: options.file,
          detail: [`${commandLine}`, `(${how})`, ...tail].join('\n'),
        }),
      );
    });
  });
}

/**
 * User + system CPU ticks of a process and its waited-for children (/proc/PID/stat fields 14-17), or
 * undefined where there is no /proc (macOS, Windows: output alone then shows liveness).
 */
function cpuTicks(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0);
  } catch {
    return undefined;
  }
}

function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true });
    } else {
      process.kill(-pid, signal); // the whole process group (spawned detached)
    }
  } catch {
    // already gone
  }
}
