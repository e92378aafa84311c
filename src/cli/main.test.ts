import { execFile } from 'node:child_process';
import { copyFile, cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../../test/helpers/clips.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Runs the real CLI (TypeScript through tsx) and gives its exit code and output. */
function cli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * One `encode --json` of the small clip, run on first use: the encode test reads its events, the validate
 * test a copy of its package (one CLI encode fewer; every call costs a Node start with tsx).
 */
let encoded: Promise<{ out: string; run: Awaited<ReturnType<typeof cli>> }> | undefined;
function encodeOnce() {
  return (encoded ??= (async () => {
    const input = await clip('cli.mp4', { width: 320, height: 180, durationSec: 2 });
    const out = await scratchDir('cli-');
    const run = await cli([
      'encode',
      input,
      '--preset',
      'mobile-light',
      '--out',
      out,
      '--speed',
      'ultrafast',
      '--json',
    ]);
    return { out, run };
  })());
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('hls-studio CLI', () => {
  it('encode --json: events as JSON lines, a summary, exit 0, the package under --out', async () => {
    const {
      out,
      run: { code, stdout },
    } = await encodeOnce();
    expect(code).toBe(0);
    const events = jsonLines(stdout);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['probed', 'planned', 'progress', 'done', 'summary']),
    );
    expect(events.at(-1)).toMatchObject({ type: 'summary', packaged: 1, failed: 0 });
    expect(await readdir(path.join(out, 'cli'))).toContain('master.m3u8');
  });

  it('several files: one bad, one good → exit 3 (partial) and a summary naming both', async () => {
    const input = await clip('cli.mp4', { width: 320, height: 180, durationSec: 2 });
    const out = await scratchDir('cli-');
    const bad = path.join(out, 'broken.mp4');
    await writeFile(bad, 'not a video');
    const { code, stdout } = await cli([
      'encode',
      bad,
      input,
      '--preset',
      'mobile-light',
      '--out',
      path.join(out, 'pk'),
      '--speed',
      'ultrafast',
      // Not this test's subject, and a third of a small encode's time (the encode test keeps the default).
      '--no-quality',
    ]);
    expect(code).toBe(3);
    expect(stdout).toMatch(/1 packaged, 1 failed/);
    expect(stdout).toContain(`✗ ${bad}: NOT_MEDIA`);
    expect(await readdir(path.join(out, 'pk'))).toEqual(['cli']);
  });

  it('a missing file → exit 1 with the file named; an unknown preset → exit 2', async () => {
    const missing = await cli(['encode', '/nonexistent/-x.mp4', '--out', await scratchDir('cli-')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('/nonexistent/-x.mp4: no such file');
    const preset = await cli(['encode', '/nonexistent/a.mp4', '--preset', 'nope']);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/no preset named "nope"/);
  });

  it('a bad option value is a usage error (exit 2)', async () => {
    const { code, stderr } = await cli(['encode', 'a.mp4', '--format', 'avi']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Allowed choices are ts, fmp4/);
  });

  it('validate: a table with the rule ids; --json; exit 5 when a MUST fails', async () => {
    const { out, run } = await encodeOnce();
    expect(run.code).toBe(0);
    // A copy under the same name: this test breaks it.
    const pkg = path.join(await scratchDir('cli-'), 'cli');
    await cp(path.join(out, 'cli'), pkg, { recursive: true });
    const info = await cli(['info', pkg]);
    expect(info.stdout).toMatch(/^cli — 0:02, \d+ files/);
    expect(info.stdout).toMatch(/valid$/m);
    const ok = await cli(['validate', pkg]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✓ MUST\s+apple-7\.4\s+every video segment starts with a keyframe/);
    await writeFile(
      path.join(pkg, 'master.m3u8'),
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nmissing/index.m3u8\n',
    );
    const bad = await cli(['validate', pkg, '--json']);
    expect(bad.code).toBe(5);
    const report = JSON.parse(bad.stdout) as { valid: boolean; results: { id: string; status: string }[] };
    expect(report.valid).toBe(false);
    expect(report.results[0]).toMatchObject({ status: 'fail' });
  });

  it('presets, probe and doctor answer in JSON', async () => {
    const presets = JSON.parse((await cli(['presets', '--json'])).stdout) as { id: string }[];
    expect(presets.map((p) => p.id)).toContain('apple-h264');
    const input = await clip('cli.mp4', { width: 320, height: 180, durationSec: 2 });
    const probe = JSON.parse((await cli(['probe', input, '--json'])).stdout) as {
      source: { video: { width: number } };
    };
    expect(probe.source.video.width).toBe(320);
    const doctor = JSON.parse((await cli(['doctor', '--json'])).stdout) as {
      encoders: string[];
      ffmpeg: { path: string };
    };
    expect(doctor.encoders).toContain('libx264');
  });

  it('probe prints the ladder checks the preset editor shows: a bits inversion is a problem', async () => {
    const input = await clip('cli.mp4', { width: 320, height: 180, durationSec: 2 });
    const file = path.join(await scratchDir('cli-preset-'), 'inverted.json');
    const rungs = [
      { width: 320, height: 180, bitrateKbps: 900, maxFrameRate: 30 },
      { width: 640, height: 360, bitrateKbps: 400, maxFrameRate: 30 },
    ];
    await writeFile(file, JSON.stringify({ id: 'inverted', name: 'Inverted', rungs }));
    const { code, stdout } = await cli(['probe', input, '--preset', file]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '  problem: Rung 1 (320x180, 900 kb/s) gets more bits than the larger rung 2 (640x360, 400 kb/s)',
    );
    expect(stdout).toMatch(/^ {2}note: Rung 2 above the 320x180 source will be skipped/m);
  });

  it('--version (and -V) prints the version in package.json, exit 0', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await cli([flag]);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(version);
    }
  });

  it('a file named -y.mp4 read as an option: the error says how to pass it (issue 13)', async () => {
    const dir = await scratchDir('cli-dash-');
    const bare = await cli(['encode', '-y.mp4', '--out', dir]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(
      "error: unknown option '-y.mp4'\n-y.mp4 looks like a file: write ./-y.mp4 or put it after --",
    );
    // Not every unknown option is a file: no hint for a misspelt flag.
    const flag = await cli(['encode', '--presett', 'x', 'a.mp4']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).not.toContain('looks like a file');
    // The two ways the hint gives both reach the file (here: a one-frame clip under that name).
    const input = path.join(dir, '-y.mp4');
    await copyFile(await clip('cli.mp4', { width: 320, height: 180, durationSec: 2 }), input);
    const afterDashes = await cli([
      'encode',
      '--out',
      dir,
      '--preset',
      'mobile-light',
      '--speed',
      'ultrafast',
      '--no-quality',
      '--',
      input,
    ]);
    expect(afterDashes.code, afterDashes.stderr).toBe(0);
    expect(await readdir(dir)).toContain('y'); // package names drop a leading dash
  }, 120_000);
});
