import { copyFile, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { StudioError } from '../../common/errors.js';

/** What `readStateFile` found: the value, and if the main file was rejected, why and what was used. */
export interface StateRead<T> {
  /** undefined when there is no state yet, or neither the file nor its backup could be used. */
  value: T | undefined;
  recoveredFrom?: 'backup';
  /** Why the main file was rejected (and the backup too, when value is undefined). */
  problem?: string;
}

/** Serialised, coalesced writes of one state file. */
export interface StateWriter<T> {
  /** Asks for `value` to be written; returns at once. Only the latest value of a burst reaches disk. */
  write(value: T): void;
  /** Resolves when everything asked for so far is on disk; rejects if the latest value could not be written. */
  flush(): Promise<void>;
}

type Candidate<T> = { kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'corrupt'; problem: string };

/**
 * Reads a state file written by `writeStateFile`. Corrupt content (bad JSON, a truncated file, a schema
 * mismatch) never throws: the `.bak` copy is tried and the reason is reported, so the app starts with
 * the last good state and can tell the user what happened. A missing file means "no state yet".
 * @throws StudioError IO_ERROR when a file exists but cannot be read (permissions, a folder in its place).
 */
export async function readStateFile<T>(file: string, schema: z.ZodType<T>): Promise<StateRead<T>> {
  const main = await readCandidate(file, schema);
  if (main.kind === 'ok') return { value: main.value };
  if (main.kind === 'missing') return { value: undefined };
  const backup = await readCandidate(backupPath(file), schema);
  if (backup.kind === 'ok') return { value: backup.value, recoveredFrom: 'backup', problem: main.problem };
  const why = backup.kind === 'missing' ? 'there is no backup' : backup.problem;
  return { value: undefined, problem: `${main.problem}; ${why}` };
}

/**
 * `readStateFile` for an app starting up: when the file was rejected, a copy of it is kept beside it
 * (`<file>.rejected-<time>`) before the app's next write replaces it, and `report` says what happened.
 */
export async function loadStateFile<T>(
  file: string,
  schema: z.ZodType<T>,
  report: (message: string) => void,
): Promise<T | undefined> {
  const read = await readStateFile(file, schema);
  if (read.problem) {
    const kept = `${file}.rejected-${Date.now()}`;
    await copyFile(file, kept).catch(() => undefined);
    report(
      `${read.problem}; ${read.recoveredFrom ? 'the backup was used' : 'starting empty'} (the rejected file is kept as ${kept})`,
    );
  }
  return read.value;
}

async function readCandidate<T>(file: string, schema: z.ZodType<T>): Promise<Candidate<T>> {
  const text = await readText(file);
  if (text === undefined) return { kind: 'missing' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const what = text.trim() === '' ? 'is empty' : `is not valid JSON (${(error as Error).message})`;
    return { kind: 'corrupt', problem: `${file} ${what}` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { kind: 'ok', value: result.data };
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { kind: 'corrupt', problem: `${file} does not hold the expected data (${issues.join('; ')})` };
}

let tempCounter = 0;

/**
 * Replaces `file` with `value` as JSON so that a crash at any moment leaves either the old or the new
 * content, never a mix: the new text goes to a temp file in the same folder (rename is only atomic
 * within one filesystem), is fsynced, and is renamed over the old one. The previous good file is kept
 * as `file.bak` for `readStateFile` to fall back on. Mode 0o600: state may name private paths.
 */
export async function writeStateFile(
  file: string,
  value: unknown,
  options: { backup?: boolean } = {},
): Promise<void> {
  const text = JSON.stringify(value, null, 2);
  if (text === undefined) throw new StudioError('INVALID_ARGUMENT', `${file}: cannot store ${typeof value}`);
  const dir = path.dirname(file);
  await io(file, () => mkdir(dir, { recursive: true }));
  const temp = `${file}.${process.pid}-${++tempCounter}.tmp`;
  try {
    await io(temp, async () => {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(text + '\n', 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    if (options.backup !== false) await keepBackup(file);
    await io(file, () => renameOver(temp, file));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

/** Copies the current file to `.bak` only if it parses, so a corrupt file never replaces a good backup. */
async function keepBackup(file: string): Promise<void> {
  const current = await readText(file);
  if (current === undefined || !parses(current)) return;
  // Copied under a temp name and renamed, so the backup itself is never half written.
  const temp = `${file}.${process.pid}-${++tempCounter}.bak.tmp`;
  try {
    await io(file, () => copyFile(file, temp));
    await io(backupPath(file), () => renameOver(temp, backupPath(file)));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Windows refuses to rename over a file another process (an indexer, an antivirus) has open for a
 * moment (EPERM/EBUSY); graceful-fs retries for the same reason.
 */
async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const transient = process.platform === 'win32' && (code === 'EPERM' || code === 'EBUSY');
      if (!transient || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}

/** On POSIX a rename is only durable once the folder is synced; Windows cannot open folders for this. */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close().catch(() => undefined);
}

/**
 * A writer for state that changes many times a second (the queue): one write at a time, the first of a
 * burst at once, then at most one per `minIntervalMs`, always ending with the latest value.
 * `onError` hears failed writes; the next `write` tries again with its value.
 */
export function createStateWriter<T>(
  file: string,
  options: { minIntervalMs: number; onError?: (error: unknown) => void },
): StateWriter<T> {
  let pending: { value: T } | undefined;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastStart = -Infinity;
  let failure: { error: unknown } | undefined;

  const start = () => {
    timer = undefined;
    const next = pending;
    if (!next) return;
    pending = undefined;
    lastStart = Date.now();
    running = writeStateFile(file, next.value)
      .then(
        () => void (failure = undefined),
        (error: unknown) => {
          failure = { error };
          options.onError?.(error);
        },
      )
      .finally(() => {
        running = undefined;
        schedule();
      });
  };

  const schedule = () => {
    if (!pending || running || timer) return;
    const wait = lastStart + options.minIntervalMs - Date.now();
    if (wait <= 0) start();
    else timer = setTimeout(start, wait);
  };

  return {
    write(value) {
      pending = { value };
      schedule();
    },
    async flush() {
      while (pending || running) {
        // A flush (e.g. on quit) does not wait out the interval.
        if (!running) {
          clearTimeout(timer);
          start();
        }
        await running;
      }
      if (failure) throw failure.error;
    },
  };
}

function backupPath(file: string): string {
  return `${file}.bak`;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The file's text, or undefined when it does not exist. */
async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(file, error);
  }
}

async function io<R>(file: string, action: () => Promise<R>): Promise<R> {
  try {
    return await action();
  } catch (error) {
    throw error instanceof StudioError ? error : ioError(file, error);
  }
}

function ioError(file: string, cause: unknown): StudioError {
  const code = (cause as NodeJS.ErrnoException).code;
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (cause as Error).message;
  return new StudioError('IO_ERROR', `${file}: cannot read or write the state file (${reason})`, {
    file,
    cause,
  });
}
