import { firstFailureLine } from '../ffmpeg/failure-reason.js';
import type { ExtraMetric } from './quality-report.js';
import { parseVmafLog, parseXpsnrStats } from './quality-stats.js';

/** The ffmpeg filter each extra metric needs (`ffmpeg -filters`). */
export const METRIC_FILTERS: Record<ExtraMetric, string> = { vmaf: 'libvmaf', xpsnr: 'xpsnr' };

/** Why a metric is not measured when this ffmpeg lacks its filter. */
export const MISSING_FILTER: Record<ExtraMetric, string> = {
  vmaf: 'vmaf: this ffmpeg has no libvmaf',
  xpsnr: 'xpsnr: needs ffmpeg 7.1 or newer',
};

const PRESENT: Record<ExtraMetric, string> = {
  vmaf: 'vmaf: libvmaf is present',
  xpsnr: 'xpsnr: the xpsnr filter is present',
};

/** What one self-test run (quality-args.ts buildMetricSelfTestArgs) left behind. */
export interface SelfTestRun {
  /** The metric's log file, when it was written. */
  log?: string;
  /** What ffmpeg printed: stdout first (libvmaf v1 prints its own errors there), then stderr's tail. */
  output: string[];
  /** The runner's message when the run failed (exit code, timeout). */
  failure?: string;
}

/**
 * Undefined when the self-test proved the metric works (the run succeeded and its log holds at least
 * one per-frame value a parser reads), else why not, for QualityMethod.unavailable:
 * "vmaf: libvmaf is present but failed its self-test: Input model at … cannot be read successfully."
 */
export function selfTestVerdict(metric: ExtraMetric, run: SelfTestRun): string | undefined {
  const values =
    run.log === undefined ? [] : metric === 'vmaf' ? parseVmafLog(run.log) : parseXpsnrStats(run.log);
  if (!run.failure && values.length > 0 && values.every(Number.isFinite)) return undefined;
  const cause = firstFailureLine(run.output) ?? run.failure ?? 'it wrote no per-frame value';
  return `${PRESENT[metric]} but failed its self-test: ${cause}`;
}
