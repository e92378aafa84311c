/**
 * The long-film half of the farm bench: one film encoded by `hls-studio encode --json` in one pass and
 * with `--chunks C` (chunked films through BullMQ flows are not built, so this is the local chunked
 * path: its parts run as many at a time as the machine has cores, then are stitched).
 *
 * The chunked run records what each part took in a note of its result (chunked-run.ts):
 *   "chunk timings (2 at a time): film-long audio 3.1 s, chunks 9.8/9.6 s, stitch 0.4 s"
 * From it: the stitch's share of the run, and a projection of one film on C machines, one part each:
 * the longest part + the stitch, against the one-pass wall time. The projection leaves out probing,
 * planning, transfers and the finishing steps after the stitch (assembly, validation), and the part
 * times were measured while the parts shared this machine's cores, so it is a rough figure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMeasured } from './measured-process.js';

export interface PartTimings {
  concurrency: number;
  filmTrackSec: number;
  chunkSec: number[];
  stitchSec: number;
}

export interface FilmRun {
  chunks: number;
  rep: number;
  wallSec: number;
  cpuSec: number;
  peakTreeRssMiB: number;
  /** The encode's own elapsedSec (its result), without the CLI's start-up. */
  encodeSec?: number;
  parts?: PartTimings;
  load: number;
}

const TIMINGS =
  /chunk timings \((\d+) at a time\): film-long audio ([\d.]+) s, chunks ([\d./]+) s, stitch ([\d.]+) s/;

export function parsePartTimings(notes: string[]): PartTimings | undefined {
  for (const note of notes) {
    const m = TIMINGS.exec(note);
    if (m)
      return {
        concurrency: Number(m[1]),
        filmTrackSec: Number(m[2]),
        chunkSec: m[3]!.split('/').map(Number),
        stitchSec: Number(m[4]),
      };
  }
  return undefined;
}

export async function encodeFilm(
  cli: string,
  film: string,
  preset: string,
  chunks: number,
  rep: number,
): Promise<FilmRun> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'farm-bench-film-'));
  let result: { notes?: string[]; elapsedSec?: number } | undefined;
  try {
    const load = os.loadavg()[0]!;
    const measured = await runMeasured(
      cli,
      [
        'encode',
        film,
        '--out',
        out,
        '--preset',
        preset,
        '--no-quality',
        '--json',
        ...(chunks > 1 ? ['--chunks', String(chunks)] : []),
      ],
      {
        onLine: (line) => {
          if (!line.includes('"done"')) return;
          const event = JSON.parse(line) as { type?: string; result?: typeof result };
          if (event.type === 'done') result = event.result;
        },
      },
    );
    if (measured.exitCode !== 0)
      throw new Error(`encode --chunks ${chunks} failed (${measured.exitCode}):\n${measured.stderrTail}`);
    const parts = parsePartTimings(result?.notes ?? []);
    if (chunks > 1 && !parts)
      throw new Error(`no chunk timings in the notes: ${JSON.stringify(result?.notes)}`);
    return {
      chunks,
      rep,
      wallSec: measured.wallSec,
      cpuSec: measured.cpuSec,
      peakTreeRssMiB: measured.peakTreeRssBytes / 2 ** 20,
      encodeSec: result?.elapsedSec,
      parts,
      load,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export interface FilmSummary {
  chunks: number;
  wallSec: number;
  cpuSec: number;
  /** CPU beyond the one-pass run's: what cutting and stitching cost in work. */
  extraCpuPct?: number;
  stitchSec?: number;
  stitchPctOfWall?: number;
  longestPartSec?: number;
  /** One-pass wall / (longest part + stitch). */
  projectedSpeedup?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export function summarizeFilm(runs: FilmRun[]): FilmSummary[] {
  const byChunks = [...new Set(runs.map((r) => r.chunks))].sort((a, b) => a - b);
  const onePass = runs.filter((r) => r.chunks === 1);
  const baseWall = onePass.length ? median(onePass.map((r) => r.wallSec)) : undefined;
  const baseCpu = onePass.length ? median(onePass.map((r) => r.cpuSec)) : undefined;
  return byChunks.map((chunks) => {
    const these = runs.filter((r) => r.chunks === chunks);
    const wallSec = median(these.map((r) => r.wallSec));
    const cpuSec = median(these.map((r) => r.cpuSec));
    const parts = these.flatMap((r) => (r.parts ? [r.parts] : []));
    const summary: FilmSummary = {
      chunks,
      wallSec,
      cpuSec,
      extraCpuPct: baseCpu && chunks > 1 ? (cpuSec / baseCpu - 1) * 100 : undefined,
    };
    if (parts.length) {
      const stitchSec = median(parts.map((p) => p.stitchSec));
      const longestPartSec = median(parts.map((p) => Math.max(p.filmTrackSec, ...p.chunkSec)));
      summary.stitchSec = stitchSec;
      summary.stitchPctOfWall = (stitchSec / wallSec) * 100;
      summary.longestPartSec = longestPartSec;
      if (baseWall) summary.projectedSpeedup = baseWall / (longestPartSec + stitchSec);
    }
    return summary;
  });
}
