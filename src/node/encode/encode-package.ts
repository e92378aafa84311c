import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EncodeEvent, PackageResult } from '../../common/encode-events.js';
import { StudioError, toErrorData } from '../../common/errors.js';
import { formatCommandLine } from '../../common/ffmpeg/command-line.js';
import { failureReason, looksTruncated } from '../../common/ffmpeg/failure-reason.js';
import { buildHlsArgs } from '../../common/ffmpeg/hls-args.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import {
  createEtaEstimator,
  createProgressParser,
  estimateProgress,
} from '../../common/ffmpeg/progress-parser.js';
import type { SourceInfo } from '../../common/media/source-info.js';
import type { EncodePlan, ImagesPlan } from '../../common/plan/encode-plan.js';
import { planEncode, type PlanOptions } from '../../common/plan/ladder-plan.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import { binaries, binaryVersion } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import { stallTimeoutSec } from '../ffmpeg/watchdog.js';
import { makeImages } from '../images/images-pass.js';
import { assemblePackage } from '../package/package-assembler.js';
import { createStagingDir } from '../package/staging-dir.js';
import { writeVideoJson } from '../package/video-json.js';
import { probeSource } from '../probe/probe-source.js';
import { validatePackage } from '../validate/validate-package.js';
import { EmptyRenditionError } from '../package/media-playlist-reader.js';
import { measureQuality, summarizeQuality, type QualityPassContext } from '../quality/quality-pass.js';
import { analyzePerTitle, type PerTitleRecord } from '../per-title/per-title-analysis.js';
import { refitAudio } from './audio-refit.js';
import { prepareInputs } from './prepare-inputs.js';
import { chunkedRun } from '../chunks/chunked-run.js';

export interface EncodeRequest {
  input: string;
  /** The package folder to create (it must not exist unless `overwrite`). */
  packageDir: string;
  preset: Preset;
  planOptions?: PlanOptions;
  overwrite?: boolean;
  /** The watchdog: seconds without any work (output, CPU time) before ffmpeg is killed. */
  stallTimeoutSec?: number;
  /** Measure every rung against the source (PSNR, SSIM); `sampleEvery` overrides the sampling. */
  quality?: boolean | { sampleEvery?: number };
  /** 'auto': rungs picked for this source from probe encodes inside the preset's bounds (per-title). */
  ladder?: 'fixed' | 'auto';
  /** Above 1: the video is encoded in this many segment-aligned windows and stitched (chunked-run.ts). */
  chunks?: number;
  /** What writes the media instead (a farm's stitch job: stitch-run.ts); `chunks` is then ignored. */
  mediaRun?: MediaRun;
}

export interface EncodeContext {
  signal?: AbortSignal;
  onEvent?: (event: EncodeEvent) => void;
  /** Every command line run, for the log a user can replay. */
  onCommand?: (commandLine: string) => void;
}

/**
 * Source file → finished HLS package: probe, plan, one ffmpeg run for the whole ladder and its images,
 * assemble (I-frames, subtitles, storyboard, encryption, measured multivariant playlist), validate, write
 * video.json, then move the package into place. On any failure nothing is left under the name.
 */
export async function encodePackage(
  request: EncodeRequest,
  context: EncodeContext = {},
): Promise<PackageResult> {
  const emit = context.onEvent ?? (() => {});
  const started = performance.now();
  try {
    const { source, plan, ladder } = await planPackage(request, context);
    const result = await encodePlanned(source, plan, request, context, started, ladder);
    emit({ type: 'done', result });
    return result;
  } catch (error) {
    emit({ type: 'failed', error: toErrorData(error) });
    throw error;
  }
}

export interface PlannedPackage {
  source: SourceInfo;
  plan: EncodePlan;
  ladder?: PerTitleRecord;
}

/**
 * The probe and the plan of an encode (the per-title analysis first, for `ladder: 'auto'`): the same
 * source, preset and options give the same plan, so every worker of a chunked farm job (chunk-job.ts)
 * encodes its part of one plan.
 */
export async function planPackage(
  request: Pick<EncodeRequest, 'input' | 'preset' | 'planOptions' | 'ladder' | 'stallTimeoutSec'>,
  context: EncodeContext = {},
): Promise<PlannedPackage> {
  const emit = context.onEvent ?? (() => {});
  const source = await probeSource(request.input, { signal: context.signal });
  emit({ type: 'probed', source });
  const ladder =
    request.ladder === 'auto' && source.video
      ? await analyzePerTitle(source, request.preset, request.planOptions ?? {}, {
          signal: context.signal,
          onCommand: context.onCommand,
          stallTimeoutMs: stallTimeoutSec(request.stallTimeoutSec) * 1000,
          onProgress: (ratio) => emit({ type: 'analyzing', ratio }),
        })
      : undefined;
  const plan = planEncode(
    source,
    ladder ? { ...request.preset, rungs: ladder.rungs } : request.preset,
    request.planOptions,
  );
  // The rungs are measured where the probes were: at the preset's top size, like a fixed ladder.
  if (ladder && plan.video) plan.video.qualityReference = ladder.reference;
  if (ladder)
    plan.notes.unshift(
      `per-title ladder: ${ladder.rungs.length} rung(s), top ${ladder.top.kbps} kb/s (${ladder.top.reason}), ` +
        `from ${ladder.points.length} probe encodes in ${ladder.elapsedSec.toFixed(1)} s`,
    );
  return { source, plan, ...(ladder ? { ladder } : {}) };
}

async function encodePlanned(
  source: SourceInfo,
  initialPlan: EncodePlan,
  request: EncodeRequest,
  context: EncodeContext,
  started: number,
  ladder: PerTitleRecord | undefined,
): Promise<PackageResult> {
  const emit = context.onEvent ?? (() => {});
  const commands: string[] = [];
  const onCommand = (line: string) => {
    commands.push(line);
    context.onCommand?.(line);
  };
  const { ffmpeg } = await binaries();
  const staging = await createStagingDir(path.resolve(request.packageDir), { overwrite: request.overwrite });
  const workDir = path.join(staging.path, PACKAGE_NAMES.workDir);
  // What the main run printed although it succeeded: the cause when a rendition turns out empty.
  let mainRunTail: string[] = [];
  try {
    const plan = await prepareInputs(initialPlan, {
      packageDir: staging.path,
      workDir,
      signal: context.signal,
      onCommand,
    });
    const stallTimeoutMs = stallTimeoutSec(request.stallTimeoutSec) * 1000;
    const encodeStarted = performance.now();
    const mediaRun =
      request.mediaRun ?? ((request.chunks ?? 1) > 1 && plan.video ? chunkedRun(request.chunks!) : oneRun);
    const mainRun = await mediaRun(plan, {
      source,
      stagingDir: staging.path,
      workDir,
      signal: context.signal,
      emit,
      onCommand,
      stallTimeoutMs,
    });
    mainRunTail = mainRun.stderrTail;
    const encodeSec = (performance.now() - encodeStarted) / 1000;

    emit({ type: 'packaging' });
    const warnings = [...source.warnings];
    const refit = await refitAudio(plan, {
      packageDir: staging.path,
      file: source.file,
      signal: context.signal,
      onCommand,
      stallTimeoutMs,
    });
    if (refit) warnings.push(refit);
    emit({ type: 'media-settled' });
    const frames = request.quality
      ? await measureOrWarn(plan, {
          packageDir: staging.path,
          file: source.file,
          signal: context.signal,
          onCommand,
          stallTimeoutMs,
          sampleEvery: typeof request.quality === 'object' ? request.quality.sampleEvery : undefined,
          onProgress: (ratio) => emit({ type: 'measuring', ratio }),
          warnings,
        })
      : undefined;
    const images = plan.images
      ? await optionalImages(plan.images, {
          packageDir: staging.path,
          signal: context.signal,
          onCommand,
          stallTimeoutMs,
          file: source.file,
          warnings,
        })
      : undefined;
    const packageName = path.basename(staging.finalPath);
    emit({ type: 'assembling' });
    const assembly = await assemblePackage(
      { ...plan, images },
      {
        packageDir: staging.path,
        workDir,
        keysDir: staging.keysPath,
        packageName,
        signal: context.signal,
        onCommand,
      },
    );
    const byRung = frames ? await summarizeQuality(staging.path, frames) : undefined;
    const assembled = {
      ...assembly,
      variants: assembly.variants.map((v) => ({ ...v, quality: byRung?.get(path.dirname(v.uri)) })),
    };
    const quality = frames && {
      ...frames.method,
      shareOfEncode: Math.round((frames.method.elapsedSec / encodeSec) * 1000) / 1000,
    };
    // The validator's copies of segments stay inside the staging folder: a killed run leaves them only
    // there, and the next run's stale-staging sweep takes them with it (issue 13).
    const validation = await validatePackage(staging.path, {
      signal: context.signal,
      keysDir: staging.keysPath,
      tempDir: workDir,
    });
    await rm(workDir, { recursive: true, force: true });
    emit({ type: 'validated', report: validation });

    // Against the plan's duration: an excerpt is meant to be shorter than its source.
    const expectedSec = plan.durationSec;
    const missingSec = expectedSec - assembled.durationSec;
    if (missingSec > Math.max(1, expectedSec * 0.1)) {
      const of = plan.inputWindow ? 'excerpt' : 'source';
      warnings.push(
        `only ${assembled.durationSec.toFixed(1)} s of the ${of}'s ${expectedSec.toFixed(1)} s could be decoded`,
      );
    }
    await writeVideoJson(staging.path, {
      title: path.basename(source.file).replace(/\.[^.]+$/, ''),
      source: {
        fileName: path.basename(source.file),
        sizeBytes: source.sizeBytes,
        durationSec: source.durationSec,
        container: source.formatName,
        video: source.video,
        audio: source.audio,
        subtitles: source.subtitles,
      },
      durationSec: assembled.durationSec,
      excerpt: plan.inputWindow,
      multivariantPlaylist: PACKAGE_NAMES.multivariantPlaylist,
      variants: assembled.variants,
      audio: assembled.audio,
      subtitles: assembled.subtitles,
      images: assembled.images,
      ...(quality ? { quality } : {}),
      ...(ladder ? { ladder } : {}),
      encryption: plan.encryption
        ? { method: 'AES-128', keys: assembled.keyCount, keyUriTemplate: plan.encryption.keyUriTemplate }
        : undefined,
      preset: request.preset,
      ...(warnings.length > 0 ? { warnings } : {}),
      recipe: commands,
      ffmpegVersion: await binaryVersion(ffmpeg),
      validation,
    });
    if (context.signal?.aborted)
      throw new StudioError('CANCELLED', `${source.file}: cancelled`, { file: source.file });
    await staging.commit();
    return {
      source: source.file,
      packageDir: staging.finalPath,
      multivariantPlaylist: path.join(staging.finalPath, PACKAGE_NAMES.multivariantPlaylist),
      videoJson: path.join(staging.finalPath, PACKAGE_NAMES.videoJson),
      durationSec: assembled.durationSec,
      targetDurationSec: assembled.targetDurationSec,
      variants: assembled.variants,
      audio: assembled.audio,
      subtitles: assembled.subtitles,
      images: assembled.images,
      keysDir: plan.encryption ? staging.finalKeysPath : undefined,
      validation: { ...validation, target: staging.finalPath },
      quality,
      sizeBytes: await folderSize(staging.finalPath),
      elapsedSec: (performance.now() - started) / 1000,
      notes: plan.notes,
      warnings,
      commands,
    };
  } catch (error) {
    await staging.discard();
    throw explainEncodeFailure(source.file, error, mainRunTail, staging.path);
  }
}

/** What runs ffmpeg for the package's media between preparing the inputs and packaging what it wrote. */
export type MediaRun = (plan: EncodePlan, ctx: MediaRunContext) => Promise<{ stderrTail: string[] }>;

export interface MediaRunContext {
  source: SourceInfo;
  /** The package's staging folder: what the run writes there is packaged as ffmpeg's one run would be. */
  stagingDir: string;
  workDir: string;
  signal?: AbortSignal;
  emit: (event: EncodeEvent) => void;
  onCommand: (commandLine: string) => void;
  stallTimeoutMs: number;
}

/** One ffmpeg run for the whole ladder, the audio and the image frames (buildHlsArgs). */
const oneRun: MediaRun = async (plan, ctx) => {
  const { ffmpeg } = await binaries();
  const args = buildHlsArgs(plan);
  ctx.emit({
    type: 'planned',
    plan,
    commandLine: formatCommandLine(ffmpeg.path, args),
    stagingDir: ctx.stagingDir,
  });
  let done = 0;
  const eta = createEtaEstimator(plan.durationSec);
  const encodeStarted = performance.now();
  const parser = createProgressParser((p) => {
    const estimate = estimateProgress(p, plan.durationSec);
    const { ratio } = estimate;
    const etaSec = p.end
      ? 0
      : (eta((performance.now() - encodeStarted) / 1000, p.outTimeSec) ?? estimate.etaSec);
    // A progress bar never goes back (out_time can dip while a lagging output catches up).
    done = Math.max(done, ratio);
    ctx.emit({ type: 'progress', ratio: done, etaSec, outTimeSec: p.outTimeSec, fps: p.fps, speed: p.speed });
  });
  return runProcess({
    bin: ffmpeg.path,
    args,
    cwd: ctx.stagingDir,
    signal: ctx.signal,
    stallTimeoutMs: ctx.stallTimeoutMs,
    onStdout: (chunk) => parser.push(chunk),
    onCommand: ctx.onCommand,
    file: ctx.source.file,
  });
};

/**
 * Quality figures are an extra too: a measuring run that fails (a rung the HLS demuxer cannot read back,
 * a filter this ffmpeg lacks) costs the figures and a warning, never the package.
 */
async function measureOrWarn(
  plan: EncodePlan,
  ctx: QualityPassContext & { warnings: string[] },
): Promise<Awaited<ReturnType<typeof measureQuality>> | undefined> {
  if (!plan.video) return undefined;
  try {
    return await measureQuality(plan, ctx);
  } catch (error) {
    if (ctx.signal?.aborted || !(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
    ctx.warnings.push(`quality not measured: ${stripFile(error.message, ctx.file)}`);
    return undefined;
  }
}

/**
 * Poster, storyboard and animated preview are extras: a package is never lost for them (issue 13: a
 * one-frame video failed the whole job in the preview's encoder). On failure the preview is dropped and
 * the rest tried once more; failing that, no images, and a warning says why.
 */
export async function optionalImages(
  images: ImagesPlan,
  ctx: Parameters<typeof makeImages>[1] & { file: string; warnings: string[] },
): Promise<ImagesPlan | undefined> {
  const attempts: ImagesPlan[] = images.preview ? [images, { ...images, preview: undefined }] : [images];
  let failure = '';
  for (const attempt of attempts) {
    try {
      await makeImages(attempt, ctx);
      if (attempt !== images) ctx.warnings.push(`no animated preview: ${failure}`);
      // The pass makes no preview when its window holds no frame (a one-frame video): never claim one.
      if (
        attempt.preview &&
        !(await stat(path.join(ctx.packageDir, PACKAGE_NAMES.preview)).catch(() => false))
      ) {
        ctx.warnings.push('no animated preview: no frame was decoded in its window');
        return { ...attempt, preview: undefined };
      }
      return attempt;
    } catch (error) {
      if (ctx.signal?.aborted || !(error instanceof StudioError) || error.code === 'CANCELLED') throw error;
      failure = stripFile(error.message, ctx.file);
      await removeImageOutputs(ctx.packageDir, false);
    }
  }
  await removeImageOutputs(ctx.packageDir, true);
  ctx.warnings.push(`no poster, storyboard or preview: ${failure}`);
  return undefined;
}

const stripFile = (message: string, file: string) =>
  message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;

/** What a failed images pass may have written; the storyboard folder itself stays for another try. */
async function removeImageOutputs(dir: string, storyboardDir: boolean): Promise<void> {
  const names: string[] = [PACKAGE_NAMES.posterJpeg, PACKAGE_NAMES.posterWebp, PACKAGE_NAMES.preview];
  const sprites = path.join(dir, PACKAGE_NAMES.storyboardDir);
  if (storyboardDir) names.push(PACKAGE_NAMES.storyboardDir);
  else
    for (const f of await readdir(sprites).catch(() => [] as string[]))
      names.push(path.join(PACKAGE_NAMES.storyboardDir, f));
  await Promise.all(names.map((n) => rm(path.join(dir, n), { recursive: true, force: true })));
}

/**
 * A run that died on a cut-off input is reported as TRUNCATED: the file, not the settings, is at fault.
 * A rendition ffmpeg left empty names the input, the time and what ffmpeg said (`mainRunTail`).
 */
export function explainEncodeFailure(
  file: string,
  error: unknown,
  mainRunTail: readonly string[] = [],
  stagingDir?: string,
): unknown {
  if (error instanceof EmptyRenditionError) {
    const what = error.kind === 'audio' ? 'audio' : 'video';
    const when = error.startSec > 0 ? ` after ${formatSec(error.startSec)} s` : '';
    const said = mainRunTail.length > 0 ? `; ffmpeg said: ${failureReason(mainRunTail)}` : '';
    return new StudioError(
      'UNDECODABLE',
      `${file}: the source has no decodable ${what}${when} (ffmpeg wrote ${error.segmentUri ? `an empty segment ${error.renditionId}/${error.segmentUri}` : `no segment for ${error.renditionId}`}${said})`,
      { file, detail: [error.message, ...mainRunTail].join('\n') },
    );
  }
  if (!(error instanceof StudioError)) return error;
  const tail = (error.detail ?? '').split('\n');
  if (error.code === 'FFMPEG_FAILED' && looksTruncated(tail)) {
    return new StudioError(
      'TRUNCATED',
      `${file}: the file is truncated or damaged (${failureReason(tail)})`,
      {
        file,
        detail: error.detail,
      },
    );
  }
  // A step that read what ffmpeg wrote (a segment's codec, an I-frame) names that file: the user's file
  // is the one to name, the package's own files by their names inside it (fuzz, issue 13).
  if (stagingDir && !error.message.startsWith(`${file}:`)) {
    const inside = error.message.split(`file:${stagingDir}/`).join('').split(`${stagingDir}/`).join('');
    return new StudioError(error.code, `${file}: what ffmpeg made of it could not be packaged: ${inside}`, {
      file,
      detail: error.detail,
    });
  }
  return error;
}

const formatSec = (sec: number) => String(Number(sec.toFixed(1)));

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}
