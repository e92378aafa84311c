import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import { buildMetricSelfTestArgs, metricSelfTestFile } from '../../common/ffmpeg/quality-args.js';
import {
  METRIC_FILTERS,
  MISSING_FILTER,
  selfTestVerdict,
  type SelfTestRun,
} from '../../common/quality/metric-self-test.js';
import { EXTRA_METRICS, type ExtraMetric } from '../../common/quality/quality-report.js';
import { binaries, probeCapabilities } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';

/** Which extra metrics the quality run adds, and why the others are left out. */
export interface MetricSupport {
  run: ExtraMetric[];
  unavailable: string[];
}

/** A self-test is five QCIF frames: a run this long is stuck, not busy. */
const SELF_TEST_TIMEOUT_MS = 30_000;

let cached: Promise<MetricSupport> | undefined;
/**
 * VMAF and XPSNR where this ffmpeg really computes them, found once per process: having the filter is
 * not enough (libvmaf v1, ffmpeg 4, needs a model file on disk that static builds do not ship), so each
 * present filter must pass a tiny self-test.
 */
export function metricSupport(): Promise<MetricSupport> {
  cached ??= findMetricSupport();
  cached.catch(() => (cached = undefined));
  return cached;
}

async function findMetricSupport(): Promise<MetricSupport> {
  const bins = await binaries();
  const { filters } = await probeCapabilities(bins);
  const support: MetricSupport = { run: [], unavailable: [] };
  for (const metric of EXTRA_METRICS) {
    const reason = filters.includes(METRIC_FILTERS[metric])
      ? selfTestVerdict(metric, await selfTest(bins.ffmpeg.path, metric))
      : MISSING_FILTER[metric];
    if (reason) support.unavailable.push(reason);
    else support.run.push(metric);
  }
  return support;
}

/** Runs one self-test in a folder of its own and reports what it left. */
export async function selfTest(ffmpeg: string, metric: ExtraMetric): Promise<SelfTestRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hls-studio-metric-test-'));
  const stdout: string[] = [];
  try {
    let failure: StudioError | undefined;
    try {
      await runProcess({
        bin: ffmpeg,
        args: buildMetricSelfTestArgs(metric),
        cwd: dir,
        timeoutMs: SELF_TEST_TIMEOUT_MS,
        onStdout: (chunk) => stdout.push(chunk),
      });
    } catch (error) {
      if (!(error instanceof StudioError)) throw error;
      failure = error;
    }
    const log = await readFile(path.join(dir, metricSelfTestFile(metric)), 'utf8').catch(() => undefined);
    return {
      log,
      output: [...stdout.join('').split(/\r?\n/), ...(failure ? stderrOf(failure) : [])].filter(
        (l) => l.trim() !== '',
      ),
      failure: failure?.message,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The stderr lines a runner's failure carries (its detail: the command line, how it ended, the tail). */
export function stderrOf(error: StudioError): string[] {
  const lines = error.detail?.split('\n') ?? [];
  return /^\((exited with code|was killed by)/.test(lines[1] ?? '') ? lines.slice(2) : lines;
}
