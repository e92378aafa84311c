import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallResult, JobView } from '../../src/common/api/studio-api.js';
import { clip, scratchDir } from '../helpers/clips.js';
import { testPreset } from '../helpers/encode.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = 'crash-test-token-0123456789abcdef';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** `hls-studio serve` from the sources, in its own process group, as a user would run it. */
async function serve(stateDir: string, outDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--state-dir', stateDir, '--out', outDir],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HLS_STUDIO_TOKEN: TOKEN } },
  );
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const base = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}):\n${output}`);
      return /is at (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
    },
    'serve to start',
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  return { child, base };
}

async function call<T>(base: string, method: string, payload: object = {}): Promise<T> {
  const response = await fetch(`${base}/api/call/${method}?token=${TOKEN}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const result = (await response.json()) as CallResult;
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

describe('a queue that survives a kill', () => {
  it('kill -9 in the middle of an encode: after a restart the job comes back and completes; nothing half-written is done', async () => {
    const work = await scratchDir('crash-');
    const stateDir = path.join(work, 'state');
    const outDir = path.join(work, 'out');
    await mkdir(path.join(stateDir, 'presets'), { recursive: true });
    // Slow enough to be killed half-way: a 20 s source, three rungs at veryfast.
    const slow = {
      ...testPreset({ video: { speedPreset: 'veryfast' } }),
      id: 'slow-test',
      name: 'Slow test',
    };
    await writeFile(path.join(stateDir, 'presets', 'slow-test.json'), JSON.stringify(slow));
    const input = await clip('crash-source.mp4', { width: 640, height: 360, durationSec: 20 });

    const first = await serve(stateDir, outDir);
    const [job] = await call<JobView[]>(first.base, 'addJobs', { paths: [input], presetId: 'slow-test' });
    await waitFor(
      async () => {
        const jobs = await call<JobView[]>(first.base, 'listJobs');
        const j = jobs.find((x) => x.id === job!.id);
        return j?.status === 'encoding' && (j.progress?.ratio ?? 0) > 0.15;
      },
      'the encode to be under way',
      60_000,
    );
    process.kill(-first.child.pid!, 'SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    // What the kill left: a partial staging folder, no finished package.
    const left = await readdir(outDir);
    expect(left.every((e) => e.startsWith('.'))).toBe(true);

    const second = await serve(stateDir, outDir);
    const restored = (await call<JobView[]>(second.base, 'listJobs')).find((x) => x.id === job!.id);
    expect(restored).toMatchObject({ interrupted: true });
    expect(restored!.status).not.toBe('done');

    const done = await waitFor(
      async () => {
        const j = (await call<JobView[]>(second.base, 'listJobs')).find((x) => x.id === job!.id);
        if (j?.status === 'failed') throw new Error(`the re-run failed: ${j.error?.message}`);
        return j?.status === 'done' ? j : undefined;
      },
      'the re-run to finish',
      120_000,
      250,
    );
    expect(done.result?.validation.valid).toBe(true);
    const master = await fetch(`${second.base}${done.result!.baseUrl}master.m3u8?token=${TOKEN}`);
    expect(master.status).toBe(200);
    // One finished package, and no staging leftovers beside it.
    // Named as the source was (README: `<out>/<name>/`), with no suffix nobody chose.
    expect(await readdir(outDir)).toEqual(['crash-source']);
    process.kill(-second.child.pid!, 'SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});
