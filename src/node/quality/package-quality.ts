import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { planEncode } from '../../common/plan/ladder-plan.js';
import { probeSource } from '../probe/probe-source.js';
import { readVideoJson } from '../package/read-video-json.js';
import type { VideoJson } from '../package/video-json.js';
import { measureQuality, summarizeQuality, type QualityPassContext } from './quality-pass.js';

/**
 * `hls-studio quality <package> <source>`: measures a finished package against its source and writes
 * the figures into its video.json (which lists no hash of itself). The source is planned again with the
 * package's own preset, so the reference is made the way the rungs were (pre-filters, frame rates); a
 * package whose rungs do not match that plan was not made from this source and is refused, as are
 * encrypted packages (their segments cannot be read back without the keys' URLs).
 */
export async function measurePackageQuality(
  packageDir: string,
  sourceFile: string,
  ctx: Pick<
    QualityPassContext,
    'signal' | 'onCommand' | 'onProgress' | 'sampleEvery' | 'stallTimeoutMs'
  > = {},
): Promise<VideoJson> {
  const video = await readVideoJson(packageDir);
  if (video.encryption)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${packageDir}: the package is encrypted; measure quality while encoding (hls-studio encode --quality)`,
    );
  const source = await probeSource(path.resolve(sourceFile), { signal: ctx.signal });
  const ids = video.variants.map((v) => path.posix.dirname(v.uri));
  const fmp4 = await access(path.join(packageDir, ids[0] ?? '', PACKAGE_NAMES.initSegment)).then(
    () => true,
    () => false,
  );
  // A per-title package was made with the rungs its analysis picked, recorded beside the preset.
  const preset = video.ladder ? { ...video.preset, rungs: video.ladder.rungs } : video.preset;
  const plan = planEncode(source, preset, {
    excerpt: video.excerpt,
    format: fmp4 ? 'fmp4' : 'ts',
    codec: fmp4 && preset.video.codec === 'hevc' ? 'hevc' : undefined,
  });
  // An older per-title package (no recorded reference) is measured at its own top rung, as it was made.
  if (plan.video && video.ladder?.reference) plan.video.qualityReference = video.ladder.reference;
  const rungs = plan.video?.rungs ?? [];
  const matches =
    rungs.length === video.variants.length &&
    rungs.every(
      (r, i) =>
        r.id === ids[i] && r.width === video.variants[i]!.width && r.height === video.variants[i]!.height,
    );
  if (!matches)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${sourceFile}: its ladder with the package's preset (${rungs.map((r) => `${r.width}x${r.height}`).join(', ') || 'no video'}) ` +
        `is not the package's (${video.variants.map((v) => `${v.width}x${v.height}`).join(', ')}): was the package made from this file?`,
    );
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'hls-studio-quality-'));
  try {
    const frames = await measureQuality(plan, { ...ctx, packageDir, workDir, file: source.file });
    const byRung = await summarizeQuality(packageDir, frames);
    const updated: VideoJson = {
      ...video,
      variants: video.variants.map((v) => ({ ...v, quality: byRung.get(path.posix.dirname(v.uri)) })),
      quality: frames.method,
    };
    await writeFile(path.join(packageDir, PACKAGE_NAMES.videoJson), JSON.stringify(updated, null, 2) + '\n');
    return updated;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
