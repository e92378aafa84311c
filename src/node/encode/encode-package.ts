import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EncodeEvent, PackageResult, PackagedVariant } from '../../common/encode-events.js';
import { StudioError, toErrorData } from '../../common/errors.js';
import { buildHlsArgs, PACKAGE_NAMES } from '../../common/ffmpeg/hls-args.js';
import { formatCommandLine } from '../../common/ffmpeg/command-line.js';
import { failureReason, looksTruncated } from '../../common/ffmpeg/failure-reason.js';
import { createProgressParser, estimateProgress } from '../../common/ffmpeg/progress-parser.js';
import { addBitrates, measureBitrate } from '../../common/hls/bitrate-measure.js';
import { writeMultivariantPlaylist } from '../../common/hls/multivariant-writer.js';
import { toNumber } from '../../common/media/rational.js';
import type { SourceInfo } from '../../common/media/source-info.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import { planEncode, type PlanOptions } from '../../common/plan/ladder-plan.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import {
  mergeShortTail,
  readMediaPlaylist,
  unifyTargetDuration,
  type MediaPlaylistFacts,
} from '../package/media-playlist-reader.js';
import { createStagingDir } from '../package/staging-dir.js';
import { audioCodecString, videoCodecString } from '../package/stream-codecs.js';
import { probeSource } from '../probe/probe-source.js';

export interface EncodeRequest {
  input: string;
  /** The package folder to create (it must not exist unless `overwrite`). */
  packageDir: string;
  preset: Preset;
  planOptions?: PlanOptions;
  overwrite?: boolean;
}

export interface EncodeContext {
  signal?: AbortSignal;
  onEvent?: (event: EncodeEvent) => void;
  /** Every command line run, for the log a user can replay. */
  onCommand?: (commandLine: string) => void;
}

/** ffmpeg prints a progress block every ~0.5 s; this long a silence means it is stuck. */
const STALL_TIMEOUT_MS = 120_000;

/**
 * Source file → finished HLS package: probe, plan, one ffmpeg run for the whole ladder, measure, write the
 * multivariant playlist, then move the package into place. On any failure nothing is left under the name.
 */
export async function encodePackage(
  request: EncodeRequest,
  context: EncodeContext = {},
): Promise<PackageResult> {
  const emit = context.onEvent ?? (() => {});
  const started = performance.now();
  try {
    const source = await probeSource(request.input, { signal: context.signal });
    emit({ type: 'probed', source });
    const plan = planEncode(source, request.preset, request.planOptions);
    const result = await encodePlanned(source, plan, request, context, started);
    emit({ type: 'done', result });
    return result;
  } catch (error) {
    emit({ type: 'failed', error: toErrorData(error) });
    throw error;
  }
}

async function encodePlanned(
  source: SourceInfo,
  plan: EncodePlan,
  request: EncodeRequest,
  context: EncodeContext,
  started: number,
): Promise<PackageResult> {
  const emit = context.onEvent ?? (() => {});
  const { ffmpeg } = await binaries();
  const args = buildHlsArgs(plan);
  const commandLine = formatCommandLine(ffmpeg.path, args);
  emit({ type: 'planned', plan, commandLine });

  const staging = await createStagingDir(path.resolve(request.packageDir), { overwrite: request.overwrite });
  try {
    const parser = createProgressParser((p) => {
      const { ratio, etaSec } = estimateProgress(p, plan.durationSec);
      emit({ type: 'progress', ratio, etaSec, outTimeSec: p.outTimeSec, fps: p.fps, speed: p.speed });
    });
    await runProcess({
      bin: ffmpeg.path,
      args,
      cwd: staging.path,
      signal: context.signal,
      stallTimeoutMs: STALL_TIMEOUT_MS,
      onStdout: (chunk) => parser.push(chunk),
      onCommand: context.onCommand,
      file: source.file,
    });
    emit({ type: 'packaging' });
    const packaged = await writeMultivariant(staging.path, plan, context.signal);
    const warnings = [...source.warnings];
    const missingSec = source.durationSec - packaged.durationSec;
    if (missingSec > Math.max(1, source.durationSec * 0.1)) {
      warnings.push(
        `only ${packaged.durationSec.toFixed(1)} s of the source's ${source.durationSec.toFixed(1)} s could be decoded`,
      );
    }
    if (context.signal?.aborted)
      throw new StudioError('CANCELLED', `${source.file}: cancelled`, { file: source.file });
    await staging.commit();
    return {
      source: source.file,
      packageDir: staging.finalPath,
      multivariantPlaylist: path.join(staging.finalPath, PACKAGE_NAMES.multivariantPlaylist),
      ...packaged,
      sizeBytes: await folderSize(staging.finalPath),
      elapsedSec: (performance.now() - started) / 1000,
      notes: plan.notes,
      warnings,
      commandLine,
    };
  } catch (error) {
    await staging.discard();
    throw explainEncodeFailure(source.file, error);
  }
}

/** A run that died on a cut-off input is reported as TRUNCATED: the file, not the settings, is at fault. */
function explainEncodeFailure(file: string, error: unknown): unknown {
  if (!(error instanceof StudioError) || error.code !== 'FFMPEG_FAILED') return error;
  const tail = (error.detail ?? '').split('\n');
  if (!looksTruncated(tail)) return error;
  return new StudioError('TRUNCATED', `${file}: the file is truncated or damaged (${failureReason(tail)})`, {
    file,
    detail: error.detail,
  });
}

type Packaged = Pick<PackageResult, 'durationSec' | 'targetDurationSec' | 'variants' | 'audio'>;

async function writeMultivariant(dir: string, plan: EncodePlan, signal?: AbortSignal): Promise<Packaged> {
  const playlistUri = (id: string) => `${id}/${PACKAGE_NAMES.mediaPlaylist}`;
  const rungs = plan.video?.rungs ?? [];
  const videoPlaylists = await Promise.all(rungs.map((r) => readMediaPlaylist(dir, playlistUri(r.id))));
  const audioPlaylist = plan.audio ? await readMediaPlaylist(dir, playlistUri(plan.audio.id)) : undefined;
  const all = [...videoPlaylists, ...(audioPlaylist ? [audioPlaylist] : [])];
  for (const p of all) await mergeShortTail(dir, p, plan.segmentDurationSec);
  const targetDurationSec = await unifyTargetDuration(dir, all);

  const codecFile = (p: MediaPlaylistFacts) => path.join(dir, p.initUri ?? p.segments[0]!.uri);
  const audioCodec = audioPlaylist ? await audioCodecString(codecFile(audioPlaylist), signal) : undefined;
  const audioBitrate = audioPlaylist ? measureBitrate(audioPlaylist.segments) : undefined;

  const variants: PackagedVariant[] = [];
  for (const [i, rung] of rungs.entries()) {
    const playlist = videoPlaylists[i]!;
    const videoCodec = await videoCodecString(codecFile(playlist), plan.codec, signal);
    const bitrate = addBitrates(measureBitrate(playlist.segments), audioBitrate);
    variants.push({
      uri: playlist.uri,
      width: rung.width,
      height: rung.height,
      frameRate: toNumber(rung.frameRate),
      codecs: audioCodec ? [videoCodec, audioCodec] : [videoCodec],
      averageBandwidth: bitrate.average,
      peakBandwidth: bitrate.peak,
      segments: playlist.segments.length,
    });
  }
  if (variants.length === 0 && audioPlaylist && audioCodec && audioBitrate) {
    // Audio-only package: the audio playlist is the one variant (no RESOLUTION, no AUDIO group).
    variants.push({
      uri: audioPlaylist.uri,
      codecs: [audioCodec],
      averageBandwidth: audioBitrate.average,
      peakBandwidth: audioBitrate.peak,
      segments: audioPlaylist.segments.length,
    });
  }
  const hasVideo = rungs.length > 0;
  const text = writeMultivariantPlaylist({
    version: Math.max(...all.map((p) => p.version)),
    startBitrate: plan.startBitrateKbps * 1000,
    variants: variants.map((v) => ({
      uri: v.uri,
      bitrate: { average: v.averageBandwidth, peak: v.peakBandwidth },
      codecs: v.codecs,
      resolution: v.width && v.height ? { width: v.width, height: v.height } : undefined,
      frameRate: v.frameRate,
      // Apple 9.16: VIDEO-RANGE may be left out when all is SDR; we tone-map everything to SDR.
      videoRange: hasVideo ? 'SDR' : undefined,
    })),
    audio:
      hasVideo && plan.audio && audioPlaylist
        ? [
            {
              uri: audioPlaylist.uri,
              groupId: 'audio',
              name: plan.audio.name,
              language: plan.audio.language,
              channels: plan.audio.channels,
              isDefault: true,
            },
          ]
        : [],
  });
  await writeFile(path.join(dir, PACKAGE_NAMES.multivariantPlaylist), text);
  const durationSec = Math.max(...all.map((p) => p.durationSec));
  return {
    durationSec,
    targetDurationSec,
    variants,
    audio:
      plan.audio && audioPlaylist && audioCodec && audioBitrate
        ? {
            uri: audioPlaylist.uri,
            codec: audioCodec,
            averageBandwidth: audioBitrate.average,
            peakBandwidth: audioBitrate.peak,
            name: plan.audio.name,
            language: plan.audio.language,
          }
        : undefined,
  };
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}
