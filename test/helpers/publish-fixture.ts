import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scratchDir } from './clips.js';

export interface FakePackageOptions {
  name?: string;
  rungs?: number;
  segments?: number;
  /** Average segment size; sizes vary ±25 % so no two files share one. */
  segmentBytes?: number;
  /** AES-128 keys in `<name>.keys` beside the package, named by relative URIs (as `encode --encrypt` does). */
  encrypted?: boolean;
  /** Add a big `preview.webp` of this many bytes (multipart tests). */
  bigFileBytes?: number;
}

export interface FakePackage {
  root: string;
  packageDir: string;
  name: string;
  keysDir?: string;
  /** Every file, relative to the package root (keys as `../<name>.keys/key-N.key`). */
  files: string[];
}

/**
 * A package with the real layout (multivariant playlist, rung folders with media and I-frame playlists,
 * audio and subtitle renditions, poster, preview, storyboard, video.json with sizes and hashes) but
 * random bytes for media: publishing does not look inside segments, and it is made in milliseconds.
 */
const made: string[] = [];

/** Removes every package this process made (call from afterAll). */
export async function removeFakePackages(): Promise<void> {
  await Promise.all(made.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

export async function makeFakePackage(options: FakePackageOptions = {}): Promise<FakePackage> {
  const name = options.name ?? 'pkg';
  const rungs = options.rungs ?? 3;
  const segments = options.segments ?? 4;
  const segmentBytes = options.segmentBytes ?? 16_000;
  const root = await scratchDir('publish-fixture-');
  made.push(root);
  const dir = path.join(root, name);
  const keysDir = options.encrypted ? path.join(root, `${name}.keys`) : undefined;
  const put = async (rel: string, data: string | Buffer) => {
    const file = path.join(dir, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
  };
  const size = (i: number) => Math.round(segmentBytes * (0.75 + ((i * 7919) % 100) / 200));
  let serial = 0;
  if (keysDir) {
    await mkdir(keysDir, { recursive: true });
    await writeFile(path.join(keysDir, 'key-0.key'), randomBytes(16));
  }
  const keyLine = keysDir
    ? `#EXT-X-KEY:METHOD=AES-128,URI="../../${name}.keys/key-0.key",IV=0x${randomBytes(16).toString('hex')}\n`
    : '';
  const mediaPlaylist = (names: string[], extra = '') =>
    '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n' +
    extra +
    keyLine +
    names.map((n) => `#EXTINF:2.000000,\n${n}\n`).join('') +
    '#EXT-X-ENDLIST\n';

  const master = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS'];
  master.push(
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio-0/index.m3u8"',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="sub-0/index.m3u8"',
  );
  for (let r = 0; r < rungs; r++) {
    const folder = `v${r}-${180 + 90 * r}p`;
    const segs = Array.from({ length: segments }, (_, i) => `seg_${String(i).padStart(5, '0')}.ts`);
    const iframes = segs.map((s) => s.replace('seg_', 'iframe_'));
    for (const s of segs) await put(`${folder}/${s}`, randomBytes(size(serial++)));
    for (const s of iframes) await put(`${folder}/${s}`, randomBytes(Math.round(size(serial++) / 10)));
    await put(`${folder}/index.m3u8`, mediaPlaylist(segs));
    await put(`${folder}/iframes.m3u8`, mediaPlaylist(iframes, '#EXT-X-I-FRAMES-ONLY\n'));
    master.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${500_000 * (r + 1)},AVERAGE-BANDWIDTH=${450_000 * (r + 1)},CODECS="avc1.42c01e,mp4a.40.2",RESOLUTION=${320 * (r + 1)}x${180 * (r + 1)},FRAME-RATE=30.000,AUDIO="audio",SUBTITLES="subs"`,
      `${folder}/index.m3u8`,
    );
    master.push(
      `#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=${50_000 * (r + 1)},URI="${folder}/iframes.m3u8",CODECS="avc1.42c01e",RESOLUTION=${320 * (r + 1)}x${180 * (r + 1)}`,
    );
  }
  const audio = Array.from({ length: segments }, (_, i) => `seg_${String(i).padStart(5, '0')}.ts`);
  for (const s of audio) await put(`audio-0/${s}`, randomBytes(Math.round(size(serial++) / 4)));
  await put('audio-0/index.m3u8', mediaPlaylist(audio));
  const subs = Array.from({ length: segments }, (_, i) => `seg_${String(i).padStart(5, '0')}.vtt`);
  for (const [i, s] of subs.entries())
    await put(
      `sub-0/${s}`,
      `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n00:00:0${i * 2}.000 --> 00:00:0${i * 2 + 1}.000\nline ${i}\n`,
    );
  await put('sub-0/index.m3u8', mediaPlaylist(subs).replace(keyLine, ''));
  await put('poster.jpg', randomBytes(9_000));
  await put('poster.webp', randomBytes(6_000));
  await put('preview.webp', randomBytes(options.bigFileBytes ?? 20_000));
  await put('storyboard/sprite_000.jpg', randomBytes(7_000));
  await put(
    'storyboard/thumbnails.vtt',
    'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsprite_000.jpg#xywh=0,0,160,90\n',
  );
  await put('master.m3u8', master.join('\n') + '\n');

  const files = await listRelative(dir);
  const entries = await Promise.all(
    files.map(async (f) => {
      const data = await readFile(path.join(dir, f));
      return { path: f, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    }),
  );
  // Written last, as the packager does: its mtime vouches for the hashes it lists.
  await put(
    'video.json',
    JSON.stringify(
      {
        schema: 'hls-studio/video@1',
        title: name,
        validation: { valid: true, failures: [] },
        files: entries,
      },
      null,
      2,
    ),
  );
  const all = [...files, 'video.json'].sort();
  if (keysDir) all.push(`../${name}.keys/key-0.key`);
  return { root, packageDir: dir, name, ...(keysDir ? { keysDir } : {}), files: all };
}

async function listRelative(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Bytes and SHA-256 of a fixture file, for comparing with what came back. */
export async function fileSha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}
