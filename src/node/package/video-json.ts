import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  PackagedAudio,
  PackagedImages,
  PackagedSubtitle,
  PackagedVariant,
} from '../../common/encode-events.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import type { SourceInfo } from '../../common/media/source-info.js';
import type { QualityMethod } from '../../common/quality/quality-report.js';
import type { PerTitleRecord } from '../per-title/per-title-analysis.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import type { ValidationReport } from '../../common/validate/validation-report.js';
import { toolVersion } from '../tool-version.js';

/** The delivery description a CMS reads: what a delivery API would return for the video. */
export interface VideoJson {
  schema: 'hls-studio/video@1';
  id: string;
  title: string;
  createdAt: string;
  tool: { name: string; version: string; ffmpeg: string };
  source: {
    fileName: string;
    sizeBytes: number;
    durationSec: number;
    container: string;
    video?: SourceInfo['video'];
    audio: SourceInfo['audio'];
    subtitles: SourceInfo['subtitles'];
  };
  durationSec: number;
  /** Set when only this window of the source was encoded (a try, not the delivery). */
  excerpt?: { startSec: number; durationSec: number };
  multivariantPlaylist: string;
  variants: PackagedVariant[];
  audio: PackagedAudio[];
  subtitles: PackagedSubtitle[];
  images?: PackagedImages;
  /** How each variant's `quality` was measured (present when the encode measured it). */
  quality?: QualityMethod;
  /** How the rungs were chosen when the ladder was per-title (`--ladder auto`). */
  ladder?: PerTitleRecord;
  encryption?: { method: 'AES-128'; keys: number; keyUriTemplate: string };
  preset: Preset;
  /** What the package lacks or got wrong that a person should know (a skipped preview, a short decode). */
  warnings?: string[];
  /** Every command that made the package, in order. */
  recipe: string[];
  validation: Pick<ValidationReport, 'valid' | 'mustFailures' | 'shouldFailures' | 'checkedAt'> & {
    failures: { id: string; level: string; message?: string }[];
  };
  totalBytes: number;
  files: { path: string; bytes: number; sha256: string }[];
}

export type VideoJsonInput = Omit<
  VideoJson,
  'schema' | 'id' | 'createdAt' | 'tool' | 'files' | 'totalBytes' | 'validation'
> & {
  ffmpegVersion: string;
  validation: ValidationReport;
};

/** Writes video.json last, with the size and sha256 of every other file in the package. */
export async function writeVideoJson(packageDir: string, input: VideoJsonInput): Promise<VideoJson> {
  const files = await hashFiles(packageDir);
  const { ffmpegVersion, validation, ...rest } = input;
  const json: VideoJson = {
    schema: 'hls-studio/video@1',
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    tool: { name: 'hls-studio', version: await toolVersion(), ffmpeg: ffmpegVersion },
    ...rest,
    validation: {
      valid: validation.valid,
      mustFailures: validation.mustFailures,
      shouldFailures: validation.shouldFailures,
      checkedAt: validation.checkedAt,
      failures: validation.results
        .filter((r) => r.status === 'fail')
        .map((r) => ({ id: r.id, level: r.level, message: r.message })),
    },
    totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    files,
  };
  await writeFile(path.join(packageDir, PACKAGE_NAMES.videoJson), JSON.stringify(json, null, 2) + '\n');
  return json;
}

async function hashFiles(dir: string): Promise<VideoJson['files']> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => f !== PACKAGE_NAMES.videoJson && !f.startsWith('.'))
    .sort();
  return Promise.all(
    files.map(async (f) => {
      const full = path.join(dir, f);
      return { path: f, bytes: (await stat(full)).size, sha256: await sha256File(full) };
    }),
  );
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
