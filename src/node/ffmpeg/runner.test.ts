import { describe, expect, it } from 'vitest';
import { binaries } from './binaries.js';
import { runProcess } from './runner.js';

/** An ffmpeg that would run for a minute: a 60 s lavfi source into the null muxer, slowed to real time. */
const endless = [
  '-hide_banner',
  '-nostdin',
  '-re',
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=160x90:rate=10:duration=60',
  '-f',
  'null',
  '-',
];

describe('runProcess (real ffmpeg)', () => {
  it('resolves with stdout of a successful run and logs the exact command line', async () => {
    const { ffmpeg } = await binaries();
    const commands: string[] = [];
    const result = await runProcess({
      bin: ffmpeg.path,
      args: ['-hide_banner', '-version'],
      captureStdout: true,
      onCommand: (c) => commands.push(c),
    });
    expect(result.stdout).toMatch(/^ffmpeg version/);
    expect(commands).toEqual([`${ffmpeg.path} -hide_banner -version`]);
  });

  it('a failing run rejects with FFMPEG_FAILED, the file, and stderr’s last lines as detail', async () => {
    const { ffmpeg } = await binaries();
    const error = await runProcess({
      bin: ffmpeg.path,
      args: ['-hide_banner', '-nostdin', '-i', 'file:/nonexistent/x.mp4', '-f', 'null', '-'],
      file: '/nonexistent/x.mp4',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FFMPEG_FAILED', file: '/nonexistent/x.mp4' });
    expect((error as { detail: string }).detail).toMatch(/No such file or directory/);
  });

  it('cancel through AbortSignal kills the process promptly', async () => {
    const { ffmpeg } = await binaries();
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 300);
    await expect(
      runProcess({ bin: ffmpeg.path, args: endless, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('the stall watchdog spares a process that prints nothing but works (its CPU time grows)', async () => {
    // Like ffmpeg 5.1 holding `-progress` back until every output has a frame: silent, but busy.
    const busy = 'const t = Date.now(); while (Date.now() - t < 1500) {}';
    await expect(
      runProcess({ bin: process.execPath, args: ['-e', busy], stallTimeoutMs: 400 }),
    ).resolves.toMatchObject({ stdout: '' });
  });

  it('the stall watchdog kills a process that prints nothing', async () => {
    const started = performance.now();
    await expect(runProcess({ bin: 'sleep', args: ['30'], stallTimeoutMs: 300 })).rejects.toMatchObject({
      code: 'FFMPEG_STALLED',
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a missing binary is FFMPEG_MISSING', async () => {
    await expect(runProcess({ bin: '/nonexistent/ffmpeg', args: [] })).rejects.toMatchObject({
      code: 'FFMPEG_MISSING',
    });
  });

  it('runs without a shell: shell syntax in an argument is just text', async () => {
    const result = await runProcess({
      bin: 'echo',
      args: ['$(touch /tmp/pwned)', '; rm -rf /'],
      captureStdout: true,
    });
    expect(result.stdout.trim()).toBe('$(touch /tmp/pwned) ; rm -rf /');
  });
});
