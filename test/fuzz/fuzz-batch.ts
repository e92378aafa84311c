import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** What the CLI said about one input file of a batch. */
export interface FileOutcome {
  file: string;
  status: 'packaged' | 'failed' | 'silent';
  /** The error message of a failed file, as the user reads it. */
  message?: string;
  code?: string;
  packageDir?: string;
  valid?: boolean;
  /** From the end of the previous file's run (or the start) to this file's last event. */
  elapsedMs?: number;
}

export interface BatchResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  wallMs: number;
  stdout: string;
  stderr: string;
  outcomes: FileOutcome[];
}

/**
 * Runs `hls-studio encode <files…> --json` as a user would (a real process, TypeScript through tsx so the
 * current source is what runs) and sorts its event lines by file. The whole process group is killed at
 * `timeoutMs`, which then counts as a hang.
 */
export function runEncodeBatch(options: {
  files: string[];
  outDir: string;
  presetFile: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}): Promise<BatchResult> {
  const started = performance.now();
  const args = ['--import', 'tsx', MAIN, 'encode', '--json', '--preset', options.presetFile];
  args.push('--out', options.outDir, '--', ...options.files);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    const outcomes = new Outcomes(options.files, started);
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) outcomes.take(line);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, options.timeoutMs);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        timedOut,
        wallMs: performance.now() - started,
        stdout,
        stderr,
        outcomes: outcomes.list(),
      });
    });
  });
}

/** Sorts event lines by file as they arrive, timing each file from the previous one's end. */
class Outcomes {
  private byFile: Map<string, FileOutcome>;
  private lastEnd: number;

  constructor(files: string[], started: number) {
    this.byFile = new Map(files.map((f) => [f, { file: f, status: 'silent' }]));
    this.lastEnd = started;
  }

  take(line: string): void {
    if (!line.startsWith('{')) return;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const outcome = this.byFile.get(event.file as string);
    if (!outcome) return;
    if (event.type === 'failed') {
      const error = event.error as { code?: string; message?: string };
      Object.assign(outcome, { status: 'failed', message: error.message, code: error.code });
    } else if (event.type === 'done') {
      const result = event.result as { packageDir: string; validation: { valid: boolean } };
      Object.assign(outcome, {
        status: 'packaged',
        packageDir: result.packageDir,
        valid: result.validation.valid,
      });
    } else {
      return;
    }
    const now = performance.now();
    outcome.elapsedMs = now - this.lastEnd;
    this.lastEnd = now;
  }

  list(): FileOutcome[] {
    return [...this.byFile.values()];
  }
}
