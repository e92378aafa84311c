import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StudioError } from '../../common/errors.js';
import { scratchDir } from '../../../test/helpers/clips.js';
import { createStateWriter, readStateFile, writeStateFile } from './state-file.js';

const queueSchema = z.object({ n: z.number(), items: z.array(z.string()) });
const item = (n: number, size = 20) => `item-${String(n).padStart(6, '0')}-${'x'.repeat(size)}`;
const queue = (n: number, length = 3, size = 20) => ({
  n,
  items: Array.from({ length }, () => item(n, size)),
});

async function stateFile(): Promise<string> {
  return path.join(await scratchDir('state-file-'), 'nested/queue.json');
}

describe('writeStateFile / readStateFile', () => {
  it('round-trips a value, private to the user, leaving no temp files', async () => {
    const file = await stateFile();
    expect(await readStateFile(file, queueSchema)).toEqual({ value: undefined });
    await writeStateFile(file, queue(1));
    expect(await readStateFile(file, queueSchema)).toEqual({ value: queue(1) });
    expect(await readdir(path.dirname(file))).toEqual(['queue.json']);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps the previous good file as .bak', async () => {
    const file = await stateFile();
    await writeStateFile(file, queue(1));
    await writeStateFile(file, queue(2));
    expect(JSON.parse(await readFile(`${file}.bak`, 'utf8'))).toEqual(queue(1));
    expect((await readdir(path.dirname(file))).sort()).toEqual(['queue.json', 'queue.json.bak']);
  });

  it('falls back to the backup when the main file is not JSON, and says why', async () => {
    const file = await stateFile();
    await writeStateFile(file, queue(1));
    await writeStateFile(file, queue(2));
    await writeFile(file, '{ "n": 2, oops');
    const read = await readStateFile(file, queueSchema);
    expect(read.value).toEqual(queue(1));
    expect(read.recoveredFrom).toBe('backup');
    expect(read.problem).toContain(file);
    expect(read.problem).toContain('not valid JSON');
  });

  it('falls back to the backup when the main file was truncated', async () => {
    const file = await stateFile();
    await writeStateFile(file, queue(1, 100));
    await writeStateFile(file, queue(2, 100));
    await truncate(file, Math.floor((await stat(file)).size / 2));
    const read = await readStateFile(file, queueSchema);
    expect(read).toMatchObject({ value: queue(1, 100), recoveredFrom: 'backup' });
    expect(read.problem).toMatch(/not valid JSON/);

    await truncate(file, 0);
    expect((await readStateFile(file, queueSchema)).problem).toBe(`${file} is empty`);
  });

  it('rejects a file that fails the schema, naming the field', async () => {
    const file = await stateFile();
    await writeStateFile(file, queue(1));
    await writeStateFile(file, { n: 'two', items: [] });
    const read = await readStateFile(file, queueSchema);
    expect(read).toMatchObject({ value: queue(1), recoveredFrom: 'backup' });
    expect(read.problem).toMatch(/does not hold the expected data \(n: /);
  });

  it('returns no value, and both reasons, when the backup is missing or corrupt too', async () => {
    const file = await stateFile();
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '[');
    const noBackup = await readStateFile(file, queueSchema);
    expect(noBackup.value).toBeUndefined();
    expect(noBackup.recoveredFrom).toBeUndefined();
    expect(noBackup.problem).toMatch(/not valid JSON.*; there is no backup$/);

    await writeFile(`${file}.bak`, '{"n": 1}');
    const badBackup = await readStateFile(file, queueSchema);
    expect(badBackup.value).toBeUndefined();
    expect(badBackup.problem).toContain(`${file}.bak does not hold the expected data (items: `);
  });

  it('never lets a corrupt main file replace a good backup', async () => {
    const file = await stateFile();
    await writeStateFile(file, queue(1));
    await writeStateFile(file, queue(2));
    await writeFile(file, 'garbage');
    await writeStateFile(file, queue(3));
    expect(JSON.parse(await readFile(`${file}.bak`, 'utf8'))).toEqual(queue(1));
    expect(await readStateFile(file, queueSchema)).toEqual({ value: queue(3) });
  });

  it('throws IO_ERROR naming the file when it exists but cannot be read', async () => {
    const file = await stateFile();
    await mkdir(file, { recursive: true });
    const error = await readStateFile(file, queueSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect(error).toMatchObject({ code: 'IO_ERROR', file });
  });
});

describe('createStateWriter', () => {
  it('coalesces a burst: the first value at once, then only the latest', async () => {
    const file = await stateFile();
    const writer = createStateWriter<ReturnType<typeof queue>>(file, { minIntervalMs: 10_000 });
    for (let n = 1; n <= 100; n++) writer.write(queue(n));
    await writer.flush();
    expect(await readStateFile(file, queueSchema)).toEqual({ value: queue(100) });
    // The backup is the file before the last write: the burst took exactly two writes.
    expect(JSON.parse(await readFile(`${file}.bak`, 'utf8'))).toEqual(queue(1));
  });

  it('ends with the last value when writes keep arriving while others are on disk', async () => {
    const file = await stateFile();
    const writer = createStateWriter<ReturnType<typeof queue>>(file, { minIntervalMs: 15 });
    await writer.flush();
    for (let n = 1; n <= 60; n++) {
      writer.write(queue(n, 50));
      if (n % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Eventually written even without a flush.
    expect(await readStateFile(file, queueSchema)).toEqual({ value: queue(60, 50) });
    writer.write(queue(61));
    await writer.flush();
    expect(await readStateFile(file, queueSchema)).toEqual({ value: queue(61) });
  });

  it('reports a failed write and rejects flush until a later write succeeds', async () => {
    const dir = await scratchDir('state-file-');
    await writeFile(path.join(dir, 'blocker'), '');
    const errors: unknown[] = [];
    const writer = createStateWriter(path.join(dir, 'blocker/queue.json'), {
      minIntervalMs: 0,
      onError: (e) => errors.push(e),
    });
    writer.write(queue(1));
    await expect(writer.flush()).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(errors).toHaveLength(1);
  });
});

describe('a crash while writing', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const moduleUrl = pathToFileURL(fileURLToPath(new URL('./state-file.ts', import.meta.url))).href;
  // About a megabyte, so one write takes several syscalls; every value has the same size (see `item`).
  const [length, size] = [500, 4000];
  const big = (n: number) => queue(n, length, size);
  const bigSchema = queueSchema.refine(
    (q) => q.items.length === length && q.items.every((i) => i === item(q.n, size)),
  );

  /**
   * A child writes n = 1, 2, 3… in a loop and is killed with SIGKILL. The kill is aimed at the moment the
   * file is seen with a size no complete value has (what an in-place write shows half way); if that never
   * happens, as it should, it comes at a random moment instead.
   */
  async function writeUntilKilled(file: string): Promise<number> {
    const script = `
      import { writeStateFile } from ${JSON.stringify(moduleUrl)};
      const item = ${item.toString()};
      for (let n = 1; ; n++) {
        await writeStateFile(${JSON.stringify(file)}, { n, items: Array.from({ length: ${length} }, () => item(n, ${size})) });
        process.stdout.write(n + '\\n');
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited with ${code}`)),
      );
    });
    const written = () => Number(output.slice(0, output.lastIndexOf('\n')).split('\n').pop() ?? 0);
    while (written() < 2) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5))]);
    const completeSize = (await stat(file)).size;
    const deadline = Date.now() + Math.random() * 200;
    while (Date.now() < deadline) {
      const size = await stat(file).then(
        (s) => s.size,
        () => -1,
      );
      if (size !== completeSize) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    child.kill('SIGKILL');
    await exited;
    return written();
  }

  it('leaves a file that reads back as one complete value', async () => {
    const file = await stateFile();
    for (let round = 0; round < 3; round++) {
      const written = await writeUntilKilled(file);
      const read = await readStateFile(file, bigSchema);
      expect(read.problem).toBeUndefined();
      expect(read.value?.n).toBeGreaterThanOrEqual(written);
      expect(read.value).toEqual(big(read.value!.n));
    }
  }, 20_000);
});
