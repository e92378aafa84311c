import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runEncodeBatch } from './fuzz-batch.js';
import { checkBatch, type Finding } from './fuzz-check.js';
import { makeMutants, type Mutant } from './mutate.js';
import { writeFuzzPreset } from './fuzz-preset.js';
import type { FuzzBase } from './fuzz-sources.js';

/**
 * Names a user's files really have, each one a trap for something: an option, a protocol prefix, a
 * shell metacharacter, quotes, non-Latin script. Every few mutants gets one, so names and damage meet.
 */
const ODD_STEMS = ['-y', 'concat:a|b', '$(touch PWNED)', 'it\'s "quoted"', 'ünï cødé 動画', ' lead space'];

export interface FuzzRunOptions {
  bases: FuzzBase[];
  perBase: number;
  seed: number;
  workDir: string;
  batchSize: number;
  fileBoundMs: number;
  /** The watchdog's limit for every ffmpeg run (env HLS_STUDIO_STALL_TIMEOUT_SEC). */
  stallTimeoutSec: number;
  revalidate: boolean;
  onBatch?: (done: number, total: number, findings: Finding[]) => void;
}

export interface FuzzRunResult {
  mutants: number;
  packaged: number;
  failed: number;
  findings: Finding[];
  slowestMs: number;
  wallMs: number;
  mutantsDir: string;
}

export async function runFuzz(options: FuzzRunOptions): Promise<FuzzRunResult> {
  const started = performance.now();
  const mutantsDir = path.join(options.workDir, 'mutants');
  await rm(options.workDir, { recursive: true, force: true });
  await mkdir(mutantsDir, { recursive: true });
  const presetFile = await writeFuzzPreset(options.workDir);
  const mutants = makeMutants(options.bases, options.perBase, options.seed);
  const duration = new Map<string, number>();
  const files: string[] = [];
  for (const [i, mutant] of mutants.entries()) {
    const file = path.join(mutantsDir, fileName(mutant, i));
    await writeFile(file, mutant.bytes);
    files.push(file);
    duration.set(file, options.bases.find((b) => b.name === mutant.base)!.durationSec);
  }

  const result: FuzzRunResult = {
    mutants: files.length,
    packaged: 0,
    failed: 0,
    findings: [],
    slowestMs: 0,
    wallMs: 0,
    mutantsDir,
  };
  for (let start = 0, n = 0; start < files.length; start += options.batchSize, n++) {
    const batchFiles = files.slice(start, start + options.batchSize);
    const outDir = path.join(options.workDir, `out-${n}`);
    const tmpDir = path.join(options.workDir, `tmp-${n}`);
    await mkdir(tmpDir, { recursive: true });
    const batch = await runEncodeBatch({
      files: batchFiles,
      outDir,
      presetFile,
      timeoutMs: options.fileBoundMs * batchFiles.length,
      env: { TMPDIR: tmpDir, HLS_STUDIO_STALL_TIMEOUT_SEC: String(options.stallTimeoutSec) },
    });
    const findings = await checkBatch(batch, {
      outDir,
      tmpDir,
      fileBoundMs: options.fileBoundMs,
      revalidate: options.revalidate,
      sourceDurationSec: (file) => duration.get(file) ?? 60,
    });
    for (const o of batch.outcomes) {
      if (o.status === 'packaged') result.packaged++;
      if (o.status === 'failed') result.failed++;
      result.slowestMs = Math.max(result.slowestMs, o.elapsedMs ?? 0);
    }
    result.findings.push(...findings.map((f) => ({ ...f, file: describe(f.file, mutants, files) })));
    options.onBatch?.(start + batchFiles.length, files.length, findings);
    // Packages of clean runs are not needed once checked; the mutants stay for reproducing findings.
    if (findings.length === 0) await rm(outDir, { recursive: true, force: true });
  }
  if (await shellRanAName(options.workDir))
    result.findings.push({
      file: '(run)',
      kind: 'crash',
      detail: 'a shell ran a file name ($(touch PWNED))',
    });
  result.wallMs = performance.now() - started;
  return result;
}

function fileName(mutant: Mutant, index: number): string {
  if (index % 5 !== 4) return mutant.name;
  return `${ODD_STEMS[((index / 5) % ODD_STEMS.length) | 0]}${mutant.name}`;
}

function describe(file: string, mutants: Mutant[], files: string[]): string {
  const i = files.indexOf(file);
  return i < 0 ? file : `${path.basename(file)} (${mutants[i]!.base}: ${mutants[i]!.detail})`;
}

async function shellRanAName(dir: string): Promise<boolean> {
  const found = [
    ...(await readdir(dir, { recursive: true }).catch(() => [] as string[])),
    ...(await readdir(process.cwd())),
  ];
  return found.some((name) => path.basename(name) === 'PWNED');
}
