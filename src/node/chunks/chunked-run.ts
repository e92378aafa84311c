import { availableParallelism } from 'node:os';
import path from 'node:path';
import { formatCommandLine } from '../../common/ffmpeg/command-line.js';
import { createEtaEstimator } from '../../common/ffmpeg/progress-parser.js';
import { planChunks } from '../../common/plan/chunk-plan.js';
import type { MediaRun } from '../encode/encode-package.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runLimited } from '../publish/upload-pool.js';
import { chunkArgs, encodeChunk, encodeFilmTrack } from './chunk-encode.js';
import { partName } from './chunk-parts.js';
import { stitchChunks } from './chunk-stitch.js';

/**
 * The film-long part (the audio renditions) decodes no picture: its share of the work next to the
 * video's, for the progress bar (audio of a whole film encodes in a few seconds; docs/chunked-encoding.md).
 */
const FILM_TRACK_WEIGHT = 0.05;

/**
 * `encode --chunks N` on one machine: the film-long part and N segment-aligned windows of the video
 * (chunk-plan.ts), run at most `concurrency` at a time (default: the machine's cores), then stitched
 * into the staging folder, where the package is assembled as after a one-pass run. Progress is over
 * the whole film. The first part to fail cancels the others.
 */
export function chunkedRun(chunks: number, concurrency = availableParallelism()): MediaRun {
  return async (plan, ctx) => {
    const windows = planChunks(plan, chunks);
    const root = path.join(ctx.workDir, 'chunks');
    const chunkDirs = windows.map((w) => path.join(root, partName(w)));
    const filmDir = path.join(root, partName('film'));
    plan.notes.push(
      `encoded in ${windows.length} chunks of ${windows.map((w) => w.segmentCount).join('/')} segments`,
    );
    const { ffmpeg } = await binaries();
    ctx.emit({
      type: 'planned',
      plan,
      commandLine: formatCommandLine(ffmpeg.path, chunkArgs(plan, windows[0]!, windows)),
      stagingDir: ctx.stagingDir,
    });

    const total = plan.durationSec * (1 + FILM_TRACK_WEIGHT);
    const doneSec = new Map<string, number>();
    const eta = createEtaEstimator(total);
    const started = performance.now();
    let shown = 0;
    const report = (part: string, sec: number) => {
      doneSec.set(part, sec);
      const sum = [...doneSec.values()].reduce((a, b) => a + b, 0);
      // Rounded so that every part done is exactly 1.
      const ratio = total > 0 ? Math.min(1, Math.round((sum / total) * 1e6) / 1e6) : 0;
      if (ratio <= shown && ratio < 1) return;
      shown = ratio;
      const etaSec = eta((performance.now() - started) / 1000, sum);
      ctx.emit({ type: 'progress', ratio, outTimeSec: sum / (1 + FILM_TRACK_WEIGHT), etaSec });
    };

    const abort = new AbortController();
    const onAbort = () => abort.abort();
    ctx.signal?.addEventListener('abort', onAbort);
    const partCtx = (part: string, weightSec: number) => ({
      signal: abort.signal,
      onCommand: ctx.onCommand,
      stallTimeoutMs: ctx.stallTimeoutMs,
      file: ctx.source.file,
      onProgress: (r: number) => report(part, r * weightSec),
    });
    // Seconds each part took: the per-chunk cost a farm's speed-up is projected from.
    const seconds: number[] = [];
    const timed = (i: number, run: () => Promise<{ stderrTail: string[] } | undefined>) => async () => {
      const t0 = performance.now();
      const result = await run();
      seconds[i] = (performance.now() - t0) / 1000;
      return result;
    };
    const jobs = [
      timed(0, () => encodeFilmTrack(plan, filmDir, partCtx('film', plan.durationSec * FILM_TRACK_WEIGHT))),
      ...windows.map((w, k) =>
        timed(k + 1, () =>
          encodeChunk(plan, w, windows, chunkDirs[k]!, {
            ...partCtx(`chunk ${k}`, w.durationSec),
            preparedDir: ctx.stagingDir,
          }),
        ),
      ),
    ];
    try {
      const results = await runLimited(jobs, Math.max(1, concurrency), (job) =>
        job().catch((error: unknown) => {
          // The first failure stops the parts still running: their work is wasted anyway.
          abort.abort();
          throw error;
        }),
      );
      const t0 = performance.now();
      await stitchChunks(plan, { windows, chunkDirs, filmDir }, ctx.stagingDir);
      const fmt = (sec: number | undefined) => (sec ?? 0).toFixed(1);
      plan.notes.push(
        `chunk timings (${Math.max(1, concurrency)} at a time): film-long audio ${fmt(seconds[0])} s, ` +
          `chunks ${seconds.slice(1).map(fmt).join('/')} s, stitch ${fmt((performance.now() - t0) / 1000)} s`,
      );
      return { stderrTail: results.flatMap((r) => r?.stderrTail ?? []) };
    } finally {
      ctx.signal?.removeEventListener('abort', onAbort);
    }
  };
}
