import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  buildProbeEncodeArgs,
  buildProbeQualityArgs,
  PROBE_CRFS,
  probeFile,
  probeStats,
  type ProbeSize,
  type ProbeWindow,
} from '../../common/ffmpeg/probe-encode-args.js';
import { referenceSize } from '../../common/ffmpeg/quality-args.js';
import { buildSceneScanArgs, sceneScanFile } from '../../common/ffmpeg/scene-scan-args.js';
import { createProgressParser } from '../../common/ffmpeg/progress-parser.js';
import {
  onFrameGrid,
  parseSceneScan,
  pickProbeWindows,
  scanStretches,
  type ScanFrame,
  type SceneScanSummary,
} from '../../common/plan/scene-windows.js';
import type { SourceInfo } from '../../common/media/source-info.js';
import { planEncode, type PlanOptions } from '../../common/plan/ladder-plan.js';
import {
  boundsFromRungs,
  pickPerTitleRungs,
  type PerTitleLadder,
} from '../../common/plan/per-title-ladder.js';
import type { ProbePoint } from '../../common/plan/rate-quality-hull.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import { parsePsnrStats } from '../../common/quality/quality-stats.js';
import { StudioError } from '../../common/errors.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';

/** What video.json records of an automatic ladder: how it was chosen. */
export interface PerTitleRecord {
  mode: 'auto';
  /** How the windows were chosen: the scene scan's cuts, shots and cost. */
  scenes: SceneScanSummary & { scanSec: number };
  windows: ProbeWindow[];
  /** The size the probes were measured at, and the package's rungs are: the preset's top, as fitted. */
  reference: ProbeSize;
  points: ProbePoint[];
  top: PerTitleLadder['top'];
  rungs: PerTitleLadder['rungs'];
  predictedPsnr: number[];
  elapsedSec: number;
}

export interface PerTitleContext {
  signal?: AbortSignal;
  onCommand?: (commandLine: string) => void;
  stallTimeoutMs?: number;
  onProgress?: (ratio: number) => void;
  /** Decode the whole source for the scene scan even when it is long (the bench's measure of sampling). */
  wholeScan?: boolean;
}

/** Windows the analysis encodes: this many, spread evenly, each this long at most. */
export const PROBE_WINDOWS = 4;
export const PROBE_WINDOW_SEC = 2;

/**
 * `--ladder auto`: short probe encodes of the source at every size the preset's rungs would have and
 * three CRF values, measured against the source, give the rate-quality points; the rungs are picked
 * along their hull inside the preset's bounds (per-title-ladder.ts). The windows are chosen by a fast
 * decode with scene detection (scene-windows.ts: shots at motion quantiles) of the whole source, or of
 * evenly spaced stretches of a long one. Cost: that decode, which grows with the length up to 80
 * stretches, plus 4 × 2 s of source encoded at each size and CRF and measured once, whatever the length.
 */
export async function analyzePerTitle(
  source: SourceInfo,
  preset: Preset,
  options: PlanOptions,
  ctx: PerTitleContext = {},
): Promise<PerTitleRecord> {
  const started = performance.now();
  const plan = planEncode(source, preset, options);
  if (!plan.video)
    throw new StudioError('INVALID_ARGUMENT', `${source.file}: no video: a per-title ladder needs a picture`);
  // Each preset rung as the planner fits it to this source (the one source of ladder rules).
  const candidates = new Map<string, { preset: ProbeSize; fitted: ProbeSize }>();
  for (const r of preset.rungs) {
    const fitted = planEncode(source, { ...preset, rungs: [r] }, options).video!.rungs[0]!;
    const key = `${fitted.width}x${fitted.height}`;
    if (!candidates.has(key)) candidates.set(key, { preset: { width: r.width, height: r.height }, fitted });
  }
  const sizes = [...candidates.values()];
  const span = plan.inputWindow ?? { startSec: 0, durationSec: plan.durationSec };
  const length = Math.min(PROBE_WINDOW_SEC, span.durationSec / PROBE_WINDOWS);
  // Shares of the work for progress: the decode of the scanned stretches against the probes (3
  // CPU-seconds per second of window, size and CRF, as measured on 1080p; see docs/per-title.md).
  const stretches = ctx.wholeScan ? [span] : scanStretches(span);
  const scannedSec = stretches.reduce((sum, w) => sum + w.durationSec, 0);
  const scanShare = scannedSec / (scannedSec + PROBE_WINDOWS * length * sizes.length * PROBE_CRFS.length * 3);
  const { ffmpeg } = await binaries();
  const work = await mkdtemp(path.join(os.tmpdir(), 'hls-studio-per-title-'));
  const totals = new Map<string, { kbps: number; psnr: number }>();
  let windows: ProbeWindow[];
  let scenes: PerTitleRecord['scenes'];
  try {
    const scanStarted = performance.now();
    const frames: ScanFrame[] = [];
    let doneSec = 0;
    for (const [k, stretch] of stretches.entries()) {
      const progress = createProgressParser((p) =>
        ctx.onProgress?.(
          (scanShare * (doneSec + Math.min(stretch.durationSec, p.outTimeSec))) / Math.max(scannedSec, 0.001),
        ),
      );
      await runProcess({
        bin: ffmpeg.path,
        args: buildSceneScanArgs(plan, stretch, k),
        cwd: work,
        signal: ctx.signal,
        onCommand: ctx.onCommand,
        stallTimeoutMs: ctx.stallTimeoutMs,
        file: source.file,
        onStdout: (chunk) => progress.push(chunk),
      });
      // The seek restarts the clock at 0; a stretch's first frame has nothing before it to differ from.
      const text = await readFile(path.join(work, sceneScanFile(k)), 'utf8').catch(() => '');
      for (const f of parseSceneScan(text).slice(1))
        frames.push({ ...f, timeSec: f.timeSec + stretch.startSec });
      doneSec += stretch.durationSec;
    }
    const picked = pickProbeWindows(frames, span, PROBE_WINDOWS, length, stretches);
    const rate = plan.video.rungs[plan.video.rungs.length - 1]!.frameRate;
    windows = picked.windows.map((w) => onFrameGrid(w, rate));
    scenes = { ...picked.summary, scanSec: round((performance.now() - scanStarted) / 1000) };
    for (const [k, w] of windows.entries()) {
      const fitted = sizes.map((s) => s.fitted);
      for (const args of [
        buildProbeEncodeArgs(plan, w, k, fitted),
        buildProbeQualityArgs(plan, w, k, fitted),
      ])
        await runProcess({
          bin: ffmpeg.path,
          args,
          cwd: work,
          signal: ctx.signal,
          onCommand: ctx.onCommand,
          stallTimeoutMs: ctx.stallTimeoutMs,
          file: source.file,
        });
      for (const [s] of sizes.entries())
        for (const crf of PROBE_CRFS) {
          const bytes = (await stat(path.join(work, probeFile(k, s, crf)))).size;
          const values = parsePsnrStats(await readFile(path.join(work, probeStats(k, s, crf)), 'utf8'));
          const psnr = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
          const key = `${s}/${crf}`;
          const sum = totals.get(key) ?? { kbps: 0, psnr: 0 };
          totals.set(key, { kbps: sum.kbps + (bytes * 8) / w.durationSec / 1000, psnr: sum.psnr + psnr });
        }
      ctx.onProgress?.(scanShare + ((1 - scanShare) * (k + 1)) / windows.length);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const points: ProbePoint[] = sizes.flatMap((size, s) =>
    PROBE_CRFS.map((crf) => {
      const t = totals.get(`${s}/${crf}`)!;
      return {
        ...size.preset,
        crf,
        kbps: round(t.kbps / windows.length),
        psnr: round(t.psnr / windows.length),
      };
    }),
  );
  const ladder = pickPerTitleRungs(points, boundsFromRungs(preset.rungs), preset.rungs);
  return {
    mode: 'auto',
    scenes,
    windows,
    reference: referenceSize(sizes.map((s) => s.fitted)),
    points,
    top: ladder.top,
    rungs: ladder.rungs,
    predictedPsnr: ladder.predictedPsnr,
    elapsedSec: round((performance.now() - started) / 1000),
  };
}

const round = (v: number) => Math.round(v * 100) / 100;
