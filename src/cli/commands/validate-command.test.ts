import { execFile } from 'node:child_process';
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import { EXIT } from '../exit-codes.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let root: string;
beforeAll(async () => {
  root = await scratchDir('validate-cli-');
});

describe('hls-studio validate on something that is no package (issue 13, defect 8)', () => {
  const cases: [string, () => Promise<string>, RegExp][] = [
    ['a missing path', async () => path.join(root, 'nowhere'), /nowhere does not exist$/],
    [
      'an empty folder',
      async () => {
        const dir = path.join(root, 'empty');
        await mkdir(dir, { recursive: true });
        return dir;
      },
      /no master\.m3u8 in .*empty: not a package folder$/,
    ],
    [
      'a folder of other things',
      async () => {
        const dir = path.join(root, 'photos');
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, 'a.jpg'), 'x');
        return dir;
      },
      /no master\.m3u8 in .*photos: not a package folder$/,
    ],
    [
      'a plain file',
      async () => {
        const file = path.join(root, 'movie.mp4');
        await writeFile(file, 'not a playlist');
        return file;
      },
      /movie\.mp4 is not a folder or playlist/,
    ],
  ];
  it.each(cases)(
    '%s: one line naming the path and the problem, the bad-input exit code',
    async (_, make, line) => {
      const target = await make();
      const { code, stdout, stderr } = await cli(['validate', target]);
      expect(code).toBe(EXIT.USAGE);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr.trim()).toMatch(line);
      expect(stderr).toContain(path.basename(target));
    },
  );

  it('--json: the same as an error object', async () => {
    const { code, stdout } = await cli(['validate', path.join(root, 'nowhere'), '--json']);
    expect(code).toBe(EXIT.USAGE);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'error', error: { code: 'INVALID_ARGUMENT' } });
  });
});

describe('hls-studio validate on a hostile package (issue 13, defect 2)', () => {
  it('segments and a variant naming /etc/passwd, ../ and file:// paths: a failed rule, no stack trace, no JS error, the outside file untouched', async () => {
    const dir = path.join(root, 'evil');
    await mkdir(path.join(dir, 'v0'), { recursive: true });
    const secret = path.join(root, 'secret.ts');
    await writeFile(secret, 'SECRET');
    await utimes(secret, new Date(0), new Date()); // any read moves atime (relatime)
    await writeFile(
      path.join(dir, 'master.m3u8'),
      '#EXTM3U\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=1000,AVERAGE-BANDWIDTH=1000,CODECS="avc1.64000d",RESOLUTION=320x180,FRAME-RATE=30\nv0/index.m3u8\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=2000,AVERAGE-BANDWIDTH=2000,CODECS="avc1.64000d",RESOLUTION=640x360,FRAME-RATE=30\n/etc/passwd\n',
    );
    await writeFile(
      path.join(dir, 'v0/index.m3u8'),
      '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n' +
        ['../../../../../../../../etc/passwd', '/etc/passwd', 'file:///etc/passwd', '../../secret.ts']
          .map((u) => `#EXTINF:2.0,\n${u}\n`)
          .join('') +
        '#EXT-X-ENDLIST\n',
    );
    const { code, stdout, stderr } = await cli(['validate', dir]);
    expect(code).toBe(EXIT.INVALID);
    expect(stdout).toMatch(/✗ MUST {3}rfc8216-10-confined .*"\/etc\/passwd": outside the package folder/);
    expect(stdout).toContain('"../../secret.ts": outside the package folder');
    expect(stdout).not.toMatch(/✓ MUST {3}rfc8216-6\.2\.1/); // "segment exists" is not claimed for any of them
    expect(`${stdout}${stderr}`).not.toMatch(/Cannot destructure|TypeError|\n\s+at .*\.(ts|js):\d+/);
    expect(stderr).toBe('');
    expect((await stat(secret)).atimeMs).toBe(0);
  });
});
