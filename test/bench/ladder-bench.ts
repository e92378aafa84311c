/**
 * Ladder benchmark: what decoding the source once saves.
 *
 * Encodes one generated 1080p clip (H.264 High at 20 Mb/s, like a phone recording) with the built-in
 * 'web-compact' ladder two ways, alternated within each repetition:
 *   A  one decode      — buildHlsArgs(plan): one ffmpeg decodes once, splits, scales and encodes every rung;
 *   B  ffmpeg per rung — one ffmpeg per rung with the same settings, run one after another, each
 *                        decoding the whole source again (the audio goes with the first rung).
 *
 * Per run it prints wall seconds, CPU seconds of the ffmpeg processes (user + system, from the
 * cutime/cstime fields of /proc/self/stat, so Linux only), CPU/wall (how many cores were busy on average),
 * peak RSS of the largest ffmpeg process and the bytes written. The summary gives medians and the ratios
 * A/B: below 1 means the single decode is cheaper. The CPU ratio is the saving in work and is the more
 * stable figure; the wall ratio also depends on how many cores the machine has to spread the work over.
 *
 * Usage: npx tsx test/bench/ladder-bench.ts [--duration 20] [--reps 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildHlsArgs } from '../../src/common/ffmpeg/hls-args.js';
import { planEncode } from '../../src/common/plan/ladder-plan.js';
import type { EncodePlan } from '../../src/common/plan/encode-plan.js';
import { binaries, probeCapabilities } from '../../src/node/ffmpeg/binaries.js';
import { runProcess } from '../../src/node/ffmpeg/runner.js';
import { makeTestClip } from '../../src/node/demo/test-clip.js';
import { loadPreset } from '../../src/node/presets/preset-store.js';
import { probeSource } from '../../src/node/probe/probe-source.js';

const PRESET_ID = 'web-compact';
const SOURCE_VIDEO_ARGS = ['-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '20M', '-pix_fmt', 'yuv420p'];
const RSS_POLL_MS = 50;
const STALL_TIMEOUT_MS = 300_000;

type Way = 'A' | 'B';

interface Measurement {
  wallSec: number;
  cpuSec: number;
  /** Largest VmHWM seen among the ffmpeg processes; 0 when /proc/<pid>/task/<tid>/children is missing. */
  peakRssBytes: number;
  outputBytes: number;
}

interface Sample extends Measurement {
  rep: number;
  way: Way;
}

interface BenchOptions {
  durationSec: number;
  reps: number;
}

const WAY_NAMES: Record<Way, string> = { A: 'one decode', B: 'one ffmpeg per rung' };

async function main(): Promise<void> {
  const options = readOptions();
  const bins = await binaries();
  printMachine((await probeCapabilities(bins)).version);
  const ffmpeg = bins.ffmpeg;

  const workDir = await mkdtemp(path.join(os.tmpdir(), 'hls-ladder-bench-'));
  try {
    const plan = await prepareSource(workDir, options.durationSec);
    const samples: Sample[] = [];
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const way of ['A', 'B'] as const) {
        const runDir = path.join(workDir, `rep${rep}-${way}`);
        const measured = await measure(() =>
          way === 'A' ? runOneDecode(ffmpeg.path, plan, runDir) : runPerRung(ffmpeg.path, plan, runDir),
        );
        samples.push({ rep, way, ...measured, outputBytes: await folderBytes(runDir) });
        await rm(runDir, { recursive: true, force: true });
      }
      printRepetition(samples.filter((s) => s.rep === rep));
    }
    printSummary(samples, plan.durationSec);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function readOptions(): BenchOptions {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '20' }, reps: { type: 'string', default: '3' } },
  });
  const durationSec = Number(values.duration);
  const reps = Number(values.reps);
  if (!(durationSec > 0) || !Number.isInteger(reps) || reps < 1) {
    throw new Error('usage: ladder-bench.ts [--duration seconds > 0] [--reps integer >= 1]');
  }
  return { durationSec, reps };
}

function printMachine(ffmpegVersion: string): void {
  const cpus = os.cpus();
  console.log(ffmpegVersion);
  console.log(
    `${cpus.length} cores (${os.availableParallelism()} usable): ${cpus[0]?.model ?? 'unknown CPU'}`,
  );
  console.log(`node ${process.version}, ${os.platform()} ${os.release()}, load average ${loadAverage()}\n`);
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** Generates the clip and plans its ladder; the plan is shared by both ways so they do the same work. */
async function prepareSource(workDir: string, durationSec: number): Promise<EncodePlan> {
  const file = path.join(workDir, 'source-1080p.mp4');
  const started = performance.now();
  await makeTestClip(file, {
    width: 1920,
    height: 1080,
    frameRate: '30',
    durationSec,
    audioChannels: 2,
    videoArgs: SOURCE_VIDEO_ARGS,
  });
  const source = await probeSource(file);
  const plan = planEncode(source, await loadPreset(PRESET_ID));
  const v = source.video;
  const mbps = source.bitRate ? (source.bitRate / 1e6).toFixed(1) : '?';
  console.log(
    `source: ${v?.width}x${v?.height} ${v?.codec} ${v?.profile ?? ''}, ${source.durationSec.toFixed(1)} s, ` +
      `${mbps} Mb/s (made in ${secondsSince(started).toFixed(1)} s)`,
  );
  const rungs = plan.video?.rungs ?? [];
  console.log(`plan '${PRESET_ID}': ${rungs.map((r) => `${r.id} ${r.bitrateKbps}k`).join(', ')}`);
  console.log(`audio: ${plan.audio.map((a) => `${a.bitrateKbps}k`).join(', ') || 'none'}\n`);
  // The ladder alone: poster, storyboard and preview ride on the one decode but have no per-rung twin.
  return { ...plan, images: undefined };
}

async function runOneDecode(ffmpeg: string, plan: EncodePlan, runDir: string): Promise<void> {
  await runFfmpeg(ffmpeg, buildHlsArgs(plan), runDir);
}

async function runPerRung(ffmpeg: string, plan: EncodePlan, runDir: string): Promise<void> {
  for (const [index, rungPlan] of perRungPlans(plan).entries()) {
    await runFfmpeg(ffmpeg, buildHlsArgs(rungPlan), path.join(runDir, `rung${index}`));
  }
}

/** The same plan cut into one plan per rung; the audio rides with the first so it is encoded once. */
function perRungPlans(plan: EncodePlan): EncodePlan[] {
  const video = plan.video;
  if (!video) throw new Error('the source has no video: nothing to compare');
  return video.rungs.map((r, index) => ({
    ...plan,
    video: { ...video, rungs: [r] },
    audio: index === 0 ? plan.audio : [],
  }));
}

/** Outputs are relative: each run gets a fresh empty folder as its working directory. */
async function runFfmpeg(ffmpeg: string, args: string[], cwd: string): Promise<void> {
  await mkdir(cwd, { recursive: true });
  await runProcess({ bin: ffmpeg, args, cwd, stallTimeoutMs: STALL_TIMEOUT_MS });
}

async function measure(run: () => Promise<void>): Promise<Omit<Measurement, 'outputBytes'>> {
  const rss = watchChildRss();
  const cpuBefore = await childCpuSeconds();
  const started = performance.now();
  try {
    await run();
  } finally {
    rss.stop();
  }
  const wallSec = secondsSince(started);
  const cpuSec = (await childCpuSeconds()) - cpuBefore;
  return { wallSec, cpuSec, peakRssBytes: rss.peak() };
}

const CLOCK_TICKS_PER_SEC = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * User + system CPU of every child this process has waited for (cutime + cstime). runProcess resolves on
 * 'close', after libuv has reaped the child, so a finished ffmpeg is always counted.
 */
async function childCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  // comm (field 2) may contain spaces and parentheses: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cutime = Number(fields[16 - 3]);
  const cstime = Number(fields[17 - 3]);
  return (cutime + cstime) / CLOCK_TICKS_PER_SEC;
}

/**
 * Node cannot read a child's rusage, and runProcess does not expose the pid, so this polls our children's
 * VmHWM (their own high-water mark, so a sample shortly before exit is close to the true peak).
 */
function watchChildRss(): { stop: () => void; peak: () => number } {
  let peak = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void childHighWaterMarks()
      .then((marks) => (peak = Math.max(peak, ...marks)))
      .finally(() => (busy = false));
  }, RSS_POLL_MS);
  return { stop: () => clearInterval(timer), peak: () => peak };
}

async function childHighWaterMarks(): Promise<number[]> {
  const tasks = await readdir(`/proc/${process.pid}/task`).catch(() => []);
  const pids = new Set<string>();
  for (const tid of tasks) {
    const text = await readFile(`/proc/${process.pid}/task/${tid}/children`, 'utf8').catch(() => '');
    text.split(/\s+/).forEach((pid) => pid && pids.add(pid));
  }
  const marks = await Promise.all([...pids].map(highWaterMark));
  return marks.filter((m) => m > 0);
}

async function highWaterMark(pid: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

function printRepetition(samples: Sample[]): void {
  console.log(`repetition ${samples[0]?.rep}`);
  console.table(
    samples.map((s) => ({
      way: `${s.way} ${WAY_NAMES[s.way]}`,
      'wall s': round(s.wallSec, 2),
      'CPU s': round(s.cpuSec, 2),
      'CPU/wall': round(s.cpuSec / s.wallSec, 2),
      'peak RSS MB': s.peakRssBytes ? round(s.peakRssBytes / 2 ** 20, 0) : 'n/a',
      'output MB': round(s.outputBytes / 2 ** 20, 2),
    })),
  );
}

function printSummary(samples: Sample[], clipSec: number): void {
  const median = (way: Way, key: 'wallSec' | 'cpuSec') =>
    medianOf(samples.filter((s) => s.way === way).map((s) => s[key]));
  const reps = samples.length / 2;
  console.log(`summary: medians over ${reps} repetition(s) of a ${clipSec.toFixed(1)} s clip`);
  console.table(
    (['A', 'B'] as const).map((way) => ({
      way: `${way} ${WAY_NAMES[way]}`,
      'wall s': round(median(way, 'wallSec'), 2),
      'CPU s': round(median(way, 'cpuSec'), 2),
      'x realtime': round(clipSec / median(way, 'wallSec'), 2),
    })),
  );
  const wallRatio = median('A', 'wallSec') / median('B', 'wallSec');
  const cpuRatio = median('A', 'cpuSec') / median('B', 'cpuSec');
  console.log(
    `A/B wall: ${wallRatio.toFixed(3)}   A/B CPU: ${cpuRatio.toFixed(3)}   (below 1: one decode wins)`,
  );
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

await main();
