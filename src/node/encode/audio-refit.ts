import { rm } from 'node:fs/promises';
import path from 'node:path';
import { buildAudioRefitArgs } from '../../common/ffmpeg/hls-args.js';
import { audioRefitEndSec } from '../../common/package/package-steps.js';
import type { EncodePlan } from '../../common/plan/encode-plan.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import { renditionSpan } from '../package/media-playlist-reader.js';

export interface AudioRefitContext {
  packageDir: string;
  file: string;
  signal?: AbortSignal;
  onCommand?: (commandLine: string) => void;
  stallTimeoutMs?: number;
}

/**
 * After the main run: when a damaged source's audio ended more than a segment away from its encoded
 * picture, the audio renditions are encoded again, alone, to end exactly with the picture (issue 13:
 * a spliced transport stream gave 1.8 s of audio under 2.9 s of video, a cut iPhone file 2.4 s of
 * audio over 1.3 s of video, and both packages failed RFC 8216 6.2.4). Returns the warning that says
 * so, or nothing when the streams already end together. Costs one audio-only pass over the source,
 * and only for such sources. A rendition the first run left with a missing or empty segment is not
 * papered over with silence: the assembler reports it (the source has no decodable audio).
 */
export async function refitAudio(plan: EncodePlan, ctx: AudioRefitContext): Promise<string | undefined> {
  const rungs = plan.video?.rungs ?? [];
  if (rungs.length === 0 || plan.audio.length === 0) return undefined;
  const spans = (ids: string[]) => Promise.all(ids.map((id) => renditionSpan(ctx.packageDir, id)));
  const [video, audio] = await Promise.all([
    spans(rungs.map((r) => r.id)),
    spans(plan.audio.map((a) => a.id)),
  ]);
  if (![...video, ...audio].every((s) => s.complete)) return undefined;
  const videoSec = video.map((s) => s.seconds);
  const audioSec = audio.map((s) => s.seconds);
  const endSec = audioRefitEndSec(videoSec, audioSec, plan.segmentDurationSec);
  if (endSec === undefined) return undefined;

  // The first run's files go, so no old segment outlives the new playlist.
  await Promise.all(
    plan.audio.map((a) => rm(path.join(ctx.packageDir, a.id), { recursive: true, force: true })),
  );
  const { ffmpeg } = await binaries();
  await runProcess({
    bin: ffmpeg.path,
    args: buildAudioRefitArgs(plan, endSec),
    cwd: ctx.packageDir,
    signal: ctx.signal,
    onCommand: ctx.onCommand,
    stallTimeoutMs: ctx.stallTimeoutMs,
    file: ctx.file,
  });
  const shortest = Math.min(...audioSec);
  const how = shortest < endSec ? 'silence was added to its end' : 'the rest was cut';
  return (
    `the audio lasted ${audioSec.map((s) => s.toFixed(1)).join('/')} s and the picture ${endSec.toFixed(1)} s: ` +
    `the audio was encoded again to end with the picture (${how})`
  );
}
