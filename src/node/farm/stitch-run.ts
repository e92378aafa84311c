import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import { formatCommandLine } from '../../common/ffmpeg/command-line.js';
import { planChunks } from '../../common/plan/chunk-plan.js';
import { chunkArgs } from '../chunks/chunk-encode.js';
import { partFingerprint, partName, type ChunkPart } from '../chunks/chunk-parts.js';
import { stitchChunks } from '../chunks/chunk-stitch.js';
import type { MediaRun } from '../encode/encode-package.js';
import { binaries } from '../ffmpeg/binaries.js';
import type { PartStore } from './part-store.js';

/**
 * The stitch job's media run (encodePackage's `mediaRun`): instead of running ffmpeg it fetches the
 * parts the flow's part jobs left in the store (part-job.ts), checks each was cut from this very plan
 * (its fingerprint), and stitches them into the staging folder as `encode --chunks` does on one
 * machine. Packaging, the quality pass, validation and publishing then run as for any encode.
 */
export function stitchedRun(parts: PartStore, prefix: string, chunks: number): MediaRun {
  return async (plan, ctx) => {
    const windows = planChunks(plan, chunks);
    const { ffmpeg } = await binaries();
    ctx.emit({
      type: 'planned',
      plan,
      commandLine: formatCommandLine(ffmpeg.path, chunkArgs(plan, windows[0]!, windows)),
      stagingDir: ctx.stagingDir,
    });
    const root = path.join(ctx.workDir, 'chunks');
    const all: ChunkPart[] = ['film', ...windows];
    const encodeSec: number[] = [];
    for (const [k, part] of all.entries()) {
      const name = partName(part);
      const manifest = await parts.get(`${prefix}${name}/`, path.join(root, name));
      if (manifest.fingerprint !== partFingerprint(plan, part, windows))
        throw new StudioError(
          'PACKAGE_INVALID',
          `${ctx.source.file}: part ${name} was encoded from another plan than the stitch's ` +
            `(a different source, preset or hls-studio version on its worker); it cannot be joined`,
          { file: ctx.source.file },
        );
      encodeSec.push(manifest.encodeSec);
      ctx.emit({ type: 'progress', ratio: (k + 1) / all.length, outTimeSec: 0, etaSec: undefined });
    }
    await stitchChunks(
      plan,
      {
        windows,
        chunkDirs: windows.map((w) => path.join(root, partName(w))),
        filmDir: path.join(root, 'film'),
      },
      ctx.stagingDir,
    );
    const fmt = (sec: number | undefined) => (sec ?? 0).toFixed(1);
    plan.notes.push(
      `encoded in ${windows.length} chunks of ${windows.map((w) => w.segmentCount).join('/')} segments by farm workers`,
      `part timings: film-long audio ${fmt(encodeSec[0])} s, chunks ${encodeSec.slice(1).map(fmt).join('/')} s`,
    );
    return { stderrTail: [] };
  };
}
