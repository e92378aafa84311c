import { mkdir, open, realpath, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import type { ValidationReport } from '../../common/validate/validation-report.js';
import type { FileAccess } from './package-reader.js';
import { validatePackage } from './validate-package.js';

/**
 * Issue 13, defect 2: "every path a playlist names must resolve inside the package (or, for a URL, under
 * the same origin and base), else a failed rule that says so" — and the file is never opened.
 * The packages here are written by hand (no media needed): only confinement is looked at.
 */

const rule = (report: ValidationReport, id: string) => report.results.find((r) => r.id === id);

/** Records every path the validator's file reader opens or resolves. */
function recordingFiles() {
  const opened: string[] = [];
  const resolved: string[] = [];
  const files: FileAccess = {
    open: (file, flags) => {
      opened.push(file);
      return open(file, flags);
    },
    realpath: (file) => {
      resolved.push(file);
      return realpath(file);
    },
  };
  return { files, opened, resolved };
}

const within = (dir: string, file: string) => {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** A file outside the package whose access time shows whether anyone (ffprobe included) read it. */
async function sentinel(file: string, content: string | Buffer = 'SECRET outside the package\n') {
  await writeFile(file, content);
  // relatime updates atime on a read when atime <= mtime: an atime of 1970 moves on any read.
  await utimes(file, new Date(0), new Date());
  return file;
}
const untouched = async (file: string) => (await stat(file)).atimeMs === 0;

const MASTER = (variant: string, extra = '') =>
  '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
  extra +
  '#EXT-X-STREAM-INF:BANDWIDTH=100000,AVERAGE-BANDWIDTH=100000,CODECS="avc1.64000d",RESOLUTION=320x180,FRAME-RATE=30.000\n' +
  `${variant}\n`;
const MEDIA = (lines: string[]) =>
  '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n' +
  lines.join('\n') +
  '\n#EXT-X-ENDLIST\n';

let root: string;
let secret: string;
/** A package `<root>/<name>` with one media playlist `v0/index.m3u8` of the given lines. */
async function makePackage(name: string, mediaLines: string[], master = MASTER('v0/index.m3u8')) {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, 'v0'), { recursive: true });
  await writeFile(path.join(dir, 'master.m3u8'), master);
  await writeFile(path.join(dir, 'v0/index.m3u8'), MEDIA(mediaLines));
  await writeFile(path.join(dir, 'v0/seg_0.ts'), Buffer.alloc(1880, 0x47));
  return dir;
}

beforeAll(async () => {
  root = await realpath(await scratchDir('confined-'));
  secret = await sentinel(path.join(root, 'secret.ts'));
});

describe('rfc8216-10-confined: a folder package', () => {
  const hostile = [
    '../../../../../../../../etc/passwd',
    '/etc/passwd',
    'file:///etc/passwd',
    '../../secret.ts',
    '../secret.ts',
    'SECRET_ABSOLUTE',
    'SECRET_URL',
    '..%2F..%2Fsecret.ts',
    'http://127.0.0.1:9/seg.ts',
  ];

  it('segments naming /etc/passwd, ../ paths, file:// URLs or another scheme fail the rule; none is opened', async () => {
    const uris = hostile.map((u) =>
      u === 'SECRET_ABSOLUTE' ? secret : u === 'SECRET_URL' ? pathToFileURL(secret).href : u,
    );
    const dir = await makePackage('segments', [
      '#EXTINF:2.0,',
      'seg_0.ts',
      ...uris.flatMap((u) => ['#EXTINF:2.0,', u]),
    ]);
    const { files, opened, resolved } = recordingFiles();
    const report = await validatePackage(dir, { files });

    const confined = rule(report, 'rfc8216-10-confined')!;
    expect(confined.status).toBe('fail');
    expect(confined.message).toContain('"/etc/passwd": outside the package folder');
    expect(confined.message).toContain('(+'); // more than five named
    expect(report.valid).toBe(false);
    // Every path opened or resolved is the package's own; /etc/passwd and the sentinel never were.
    expect(opened.length).toBeGreaterThan(0);
    for (const file of [...opened, ...resolved]) expect(within(dir, file), file).toBe(true);
    expect(await untouched(secret)).toBe(true);
    // The one good segment is still checked; the refused ones are not "missing" or "present".
    const exists = rule(report, 'rfc8216-6.2.1')!;
    expect(exists.message ?? '').not.toContain('passwd');
  });

  it('a variant, an I-frame playlist, a rendition, a map, a key and a byte-range file pointing outside: refused, never opened', async () => {
    const dir = await makePackage(
      'everything',
      [
        `#EXT-X-MAP:URI="${secret}"`,
        `#EXT-X-KEY:METHOD=AES-128,URI="file:///etc/passwd"`,
        '#EXTINF:2.0,',
        '#EXT-X-BYTERANGE:100@0',
        '../../secret.ts',
      ],
      MASTER(
        'v0/index.m3u8',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x",DEFAULT=YES,AUTOSELECT=YES,URI="../secret.ts"\n' +
          '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1000,CODECS="avc1.64000d",RESOLUTION=320x180,URI="/etc/passwd"\n' +
          '#EXT-X-STREAM-INF:BANDWIDTH=100000,AVERAGE-BANDWIDTH=100000,CODECS="avc1.64000d,mp4a.40.2",RESOLUTION=320x180,FRAME-RATE=30.000,AUDIO="a"\n' +
          'file:///etc/passwd\n',
      ),
    );
    const { files, opened, resolved } = recordingFiles();
    const report = await validatePackage(dir, { files });
    const message = rule(report, 'rfc8216-10-confined')!.message!;
    expect(rule(report, 'rfc8216-10-confined')!.status).toBe('fail');
    expect(message).toMatch(/master\.m3u8 names "\.\.\/secret\.ts": outside the package folder/);
    expect(message).toMatch(/names "\/etc\/passwd"/);
    // No internal error instead of a finding ("Cannot destructure property 'name' …" before the fix).
    for (const r of report.results) expect(r.message ?? '').not.toMatch(/Cannot|undefined|TypeError/);
    for (const file of [...opened, ...resolved]) expect(within(dir, file), file).toBe(true);
    expect(await untouched(secret)).toBe(true);
  });

  it('a symlinked segment leading out of the package is refused; one within the package is followed', async () => {
    const dir = await makePackage('links', [
      '#EXTINF:2.0,',
      'inside-link.ts',
      '#EXTINF:2.0,',
      'outside-link.ts',
    ]);
    await symlink(path.join(dir, 'v0/seg_0.ts'), path.join(dir, 'v0/inside-link.ts'));
    await symlink(secret, path.join(dir, 'v0/outside-link.ts'));
    const { files, opened } = recordingFiles();
    const report = await validatePackage(dir, { files });
    const confined = rule(report, 'rfc8216-10-confined')!;
    expect(confined.status).toBe('fail');
    expect(confined.message).toContain(`"outside-link.ts": a symlink to ${secret}, outside the package`);
    expect(confined.message).not.toContain('inside-link');
    // Opened by its real path (links resolved first), and only inside.
    expect(opened).toContain(path.join(dir, 'v0/seg_0.ts'));
    for (const file of opened) expect(within(dir, file), file).toBe(true);
    expect(await untouched(secret)).toBe(true);
  });

  it('a "segment" that is really a playlist naming an outside file is not handed to ffprobe (whose HLS demuxer would follow it)', async () => {
    const dir = await makePackage('nested-playlist', ['#EXTINF:2.0,', 'seg_0.ts']);
    await writeFile(
      path.join(dir, 'v0/seg_0.ts'),
      `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n${secret}\n#EXT-X-ENDLIST\n`,
    );
    const report = await validatePackage(dir);
    expect(rule(report, 'apple-7.4')!.status).toBe('fail');
    expect(await untouched(secret)).toBe(true);
  });

  it('keys in the package’s own <name>.keys folder beside it are allowed; a key elsewhere is not', async () => {
    const dir = await makePackage('keyed', [
      '#EXT-X-KEY:METHOD=AES-128,URI="../../keyed.keys/key-0.key"',
      '#EXTINF:2.0,',
      'seg_0.ts',
      '#EXT-X-KEY:METHOD=AES-128,URI="../../other.keys/key-0.key"',
      '#EXTINF:2.0,',
      'seg_0.ts',
    ]);
    for (const folder of ['keyed.keys', 'other.keys']) {
      await mkdir(path.join(root, folder), { recursive: true });
      await sentinel(path.join(root, folder, 'key-0.key'), Buffer.alloc(16, 7));
    }
    const report = await validatePackage(dir);
    const confined = rule(report, 'rfc8216-10-confined')!;
    expect(confined.message).toContain('"../../other.keys/key-0.key": outside the package folder');
    expect(confined.message).not.toContain('keyed.keys');
    expect(await untouched(path.join(root, 'other.keys/key-0.key'))).toBe(true);
    expect(await untouched(path.join(root, 'keyed.keys/key-0.key'))).toBe(false);
  });
});

describe('rfc8216-10-confined: a URL package', () => {
  let server: Server;
  let other: Server;
  let base: string;
  const hits: string[] = [];
  let otherHits = 0;

  beforeAll(async () => {
    other = createServer((_req, res) => {
      otherHits++;
      res.writeHead(200, { 'content-length': 1880 }).end(Buffer.alloc(1880, 0x47));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const playlists: Record<string, string> = {
      '/site/pkg/master.m3u8': MASTER('v0/index.m3u8'),
      '/site/pkg/v0/index.m3u8': MEDIA([
        '#EXTINF:2.0,',
        'seg_0.ts',
        '#EXTINF:2.0,',
        '../../secret.ts',
        '#EXTINF:2.0,',
        '/secret.ts',
        '#EXTINF:2.0,',
        `${otherUrl}/seg.ts`,
        '#EXTINF:2.0,',
        'redirect.ts',
        '#EXTINF:2.0,',
        '..%2F..%2Fsecret.ts',
      ]),
    };
    server = createServer((req, res) => {
      const p = new URL(req.url!, 'http://x').pathname;
      hits.push(p);
      if (playlists[p]) return res.writeHead(200).end(playlists[p]);
      if (p === '/site/pkg/v0/redirect.ts') return res.writeHead(302, { location: '/secret.ts' }).end();
      if (p === '/site/pkg/v0/seg_0.ts')
        return res.writeHead(200, { 'content-length': 1880 }).end(Buffer.alloc(1880, 0x47));
      res.writeHead(200, { 'content-length': 6 }).end('SECRET');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/site/pkg`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  it('another origin, a path above the package, encoded separators and a redirect out: refused, never requested', async () => {
    const report = await validatePackage(`${base}/master.m3u8`);
    const confined = rule(report, 'rfc8216-10-confined')!;
    expect(confined.status).toBe('fail');
    expect(confined.message).toContain('"../../secret.ts": outside the package (not under');
    expect(confined.message).toContain('outside the package (another origin');
    expect(otherHits).toBe(0);
    expect(hits.filter((p) => !p.startsWith('/site/pkg/'))).toEqual([]);
    // The redirect was asked for (its target was unknown until then) but not followed out.
    expect(rule(report, 'rfc8216-6.2.1')!.message).toMatch(/redirect\.ts is unreadable \(redirected to/);
  });
});
