import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { StudioError } from '../../common/errors.js';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

export type BinarySource = 'env' | 'bundled' | 'sibling' | 'path';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

export interface FfmpegBinaries {
  ffmpeg: ResolvedBinary;
  ffprobe: ResolvedBinary;
}

const exe = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name);

/**
 * Finds ffmpeg and ffprobe once: env override (FFMPEG_PATH / FFPROBE_PATH) → the binary an npm package
 * bundles (ffmpeg-static; @ffprobe-installer/ffprobe) → PATH. ffprobe prefers the one beside the chosen
 * ffmpeg so both come from the same build. In a packaged Electron app the binaries live outside the asar.
 */
export async function resolveBinaries(env: NodeJS.ProcessEnv = process.env): Promise<FfmpegBinaries> {
  const ffmpeg =
    (await fromEnv(env.FFMPEG_PATH, 'FFMPEG_PATH')) ??
    (await fromPackage('ffmpeg-static', (m) => (typeof m === 'string' ? m : undefined))) ??
    (await fromPath(exe('ffmpeg'), env));
  if (!ffmpeg) {
    throw new StudioError(
      'FFMPEG_MISSING',
      'ffmpeg was not found. Install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or set FFMPEG_PATH.',
    );
  }
  const sibling = path.join(path.dirname(ffmpeg.path), exe('ffprobe'));
  const ffprobe =
    (await fromEnv(env.FFPROBE_PATH, 'FFPROBE_PATH')) ??
    ((await isExecutable(sibling)) ? { path: sibling, source: 'sibling' as const } : undefined) ??
    (await fromPackage('@ffprobe-installer/ffprobe', (m) => (m as { path?: string } | undefined)?.path)) ??
    (await fromPath(exe('ffprobe'), env));
  if (!ffprobe) {
    throw new StudioError(
      'FFMPEG_MISSING',
      'ffprobe was not found next to ffmpeg or on PATH. Set FFPROBE_PATH.',
    );
  }
  return { ffmpeg, ffprobe };
}

let cached: Promise<FfmpegBinaries> | undefined;
/** The binaries for this process, resolved on first use. */
export function binaries(): Promise<FfmpegBinaries> {
  cached ??= resolveBinaries();
  cached.catch(() => (cached = undefined));
  return cached;
}

async function fromEnv(value: string | undefined, name: string): Promise<ResolvedBinary | undefined> {
  if (!value) return undefined;
  if (!(await isExecutable(value))) {
    throw new StudioError('FFMPEG_MISSING', `${name} is set to ${value}, which is not an executable file.`);
  }
  return { path: path.resolve(value), source: 'env' };
}

async function fromPackage(
  name: string,
  pick: (m: unknown) => string | undefined,
): Promise<ResolvedBinary | undefined> {
  let candidate: string | undefined;
  try {
    candidate = pick(require(name));
  } catch {
    return undefined; // optional dependency not installed (its download failed or was skipped)
  }
  if (!candidate) return undefined;
  // electron-builder unpacks binaries next to the asar: app.asar/… → app.asar.unpacked/…
  const unpacked = candidate.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  return (await isExecutable(unpacked)) ? { path: unpacked, source: 'bundled' } : undefined;
}

async function fromPath(name: string, env: NodeJS.ProcessEnv): Promise<ResolvedBinary | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return { path: candidate, source: 'path' };
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface FfmpegCapabilities {
  version: string;
  ffprobeVersion: string;
  /** Video encoders of interest that this build has. */
  encoders: string[];
  /** Filters the planner may use that this build has. */
  filters: string[];
}

const INTERESTING_ENCODERS = [
  'libx264',
  'libx265',
  'h264_videotoolbox',
  'hevc_videotoolbox',
  'h264_nvenc',
  'hevc_nvenc',
  'h264_qsv',
  'hevc_qsv',
  'h264_vaapi',
  'hevc_vaapi',
  'libsvtav1',
  'libaom-av1',
  'aac',
  'libwebp',
  'mjpeg',
];
const INTERESTING_FILTERS = [
  'zscale',
  'tonemap',
  'bwdif',
  'yadif',
  'thumbnail',
  'tile',
  'ebur128',
  'loudnorm',
  'subtitles',
  'psnr',
  'ssim',
  'libvmaf',
  'xpsnr',
];

/** What `hls-studio doctor` reports: versions, and which encoders and filters the build offers. */
export async function probeCapabilities(bins: FfmpegBinaries): Promise<FfmpegCapabilities> {
  const run = async (bin: string, args: string[]) =>
    (await execFileAsync(bin, args, { maxBuffer: 8 * 1024 * 1024, timeout: 15_000 })).stdout;
  const [version, ffprobeVersion, encoders, filters] = await Promise.all([
    run(bins.ffmpeg.path, ['-hide_banner', '-version']),
    run(bins.ffprobe.path, ['-hide_banner', '-version']),
    run(bins.ffmpeg.path, ['-hide_banner', '-encoders']),
    run(bins.ffmpeg.path, ['-hide_banner', '-filters']),
  ]);
  const names = (text: string, column: number) =>
    new Set(text.split('\n').map((line) => line.trim().split(/\s+/)[column] ?? ''));
  const encoderNames = names(encoders, 1);
  const filterNames = names(filters, 1);
  return {
    version: firstLine(version),
    ffprobeVersion: firstLine(ffprobeVersion),
    encoders: INTERESTING_ENCODERS.filter((e) => encoderNames.has(e)),
    filters: INTERESTING_FILTERS.filter((f) => filterNames.has(f)),
  };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/ Copyright.*$/, '').trim();
}

const versions = new Map<string, Promise<string>>();
/** The first line of `ffmpeg -version` ("ffmpeg version 5.1.9-0+deb12u1"), once per binary. */
export function binaryVersion(bin: ResolvedBinary): Promise<string> {
  let version = versions.get(bin.path);
  if (!version) {
    version = execFileAsync(bin.path, ['-hide_banner', '-version'], { timeout: 15_000 }).then((r) =>
      firstLine(r.stdout),
    );
    versions.set(bin.path, version);
  }
  return version;
}
