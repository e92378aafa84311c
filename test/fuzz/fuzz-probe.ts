import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../src/common/errors.js';
import { probeSource } from '../../src/node/probe/probe-source.js';
import { checkMessage, type Finding } from './fuzz-check.js';
import type { FuzzBase } from './fuzz-sources.js';
import { makeMutants } from './mutate.js';

export interface ProbeFuzzResult {
  mutants: number;
  probed: number;
  refused: number;
  findings: Finding[];
  slowestMs: number;
}

/**
 * The cheap half of a fuzz run: many mutants through the engine's probe (the first thing every face does
 * with a file), in this process. Whatever the bytes, the probe must describe the file or throw our own
 * error naming it and a cause, within the bound; anything else (a TypeError, a hang) is a finding.
 */
export async function runProbeFuzz(options: {
  bases: FuzzBase[];
  perBase: number;
  seed: number;
  workDir: string;
  fileBoundMs: number;
}): Promise<ProbeFuzzResult> {
  await rm(options.workDir, { recursive: true, force: true });
  await mkdir(options.workDir, { recursive: true });
  const result: ProbeFuzzResult = { mutants: 0, probed: 0, refused: 0, findings: [], slowestMs: 0 };
  for (const mutant of makeMutants(options.bases, options.perBase, options.seed)) {
    const file = path.join(options.workDir, mutant.name);
    await writeFile(file, mutant.bytes);
    const label = `${mutant.name} (${mutant.base}: ${mutant.detail})`;
    const started = performance.now();
    const outcome = await Promise.race([
      probeSource(file).then(
        () => 'probed' as const,
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(resolve, options.fileBoundMs, 'hang' as const)).then(() => 'hang'),
    ]);
    const elapsed = performance.now() - started;
    result.mutants++;
    result.slowestMs = Math.max(result.slowestMs, elapsed);
    if (outcome === 'probed') result.probed++;
    else if (outcome === 'hang')
      result.findings.push({ file: label, kind: 'hang', detail: `no answer in ${options.fileBoundMs} ms` });
    else if (!(outcome instanceof StudioError))
      result.findings.push({
        file: label,
        kind: 'stack-trace',
        detail: String((outcome as Error)?.stack ?? outcome),
      });
    else {
      result.refused++;
      result.findings.push(
        ...checkMessage({ file, status: 'failed', message: outcome.message }).map((f) => ({
          ...f,
          file: label,
        })),
      );
    }
    await rm(file, { force: true });
  }
  return result;
}
