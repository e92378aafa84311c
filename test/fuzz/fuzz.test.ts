import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFindings } from './fuzz-report.js';
import { runProbeFuzz } from './fuzz-probe.js';
import { runFuzz } from './fuzz-run.js';
import { generatedBases } from './fuzz-sources.js';

/**
 * Hostile input, bounded for CI: fixed seeds, damaged copies of tiny clips in every container we accept
 * (MP4, MOV, MKV, MPEG-TS, WebM). Many go through the engine's probe; a smaller share through the whole
 * `hls-studio encode` (probe → plan → encode → package → validate), a real process each batch, since
 * that costs seconds per file on two cores. 14 probe mutants per container are each mutation twice (24
 * cost 35 s more of the suite under load; neither finds anything today). `npm run fuzz` is the long version.
 */
const PROBE_PER_BASE = Number(process.env.FUZZ_PROBE_PER_BASE ?? 14);
const ENCODE_PER_BASE = Number(process.env.FUZZ_PER_BASE ?? 3);

describe('fuzz: damaged clips', () => {
  it(
    'through the probe: described, or refused with our error naming the file and a cause; never a hang',
    async () => {
      const result = await runProbeFuzz({
        bases: await generatedBases(),
        perBase: PROBE_PER_BASE,
        seed: 11,
        workDir: path.join(os.tmpdir(), `hls-studio-fuzz-probe-${process.pid}`),
        fileBoundMs: 20_000,
      });
      expect(result.mutants).toBe(PROBE_PER_BASE * 5);
      expect(result.probed).toBeGreaterThan(0);
      expect(result.refused).toBeGreaterThan(0);
      expect(formatFindings(result.findings)).toBe('');
    },
    10 * 60_000,
  );

  it(
    'through hls-studio encode: no crash, no hang, a clear error naming the file, nothing left behind, every package valid',
    async () => {
      const result = await runFuzz({
        bases: await generatedBases(),
        perBase: ENCODE_PER_BASE,
        seed: 13,
        workDir: path.join(os.tmpdir(), `hls-studio-fuzz-${process.pid}`),
        batchSize: 20,
        fileBoundMs: 30_000,
        stallTimeoutSec: 10,
        revalidate: false,
      });
      expect(result.mutants).toBe(ENCODE_PER_BASE * 5);
      // Some mutants must survive and some must fail, or the run tested only one path.
      expect(result.packaged).toBeGreaterThan(0);
      expect(result.failed).toBeGreaterThan(0);
      expect(formatFindings(result.findings)).toBe('');
    },
    20 * 60_000,
  );
});
