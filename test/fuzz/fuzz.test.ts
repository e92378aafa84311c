import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFindings } from './fuzz-report.js';
import { runFuzz } from './fuzz-run.js';
import { generatedBases } from './fuzz-sources.js';

/**
 * Hostile input, bounded for CI: a fixed seed, a few hundred damaged copies of tiny clips in every
 * container we accept (MP4, MOV, MKV, MPEG-TS, WebM), each through the real `hls-studio encode`
 * (probe → plan → encode → package → validate). `npm run fuzz` is the long version.
 */
const SEED = 13;
const PER_BASE = Number(process.env.FUZZ_PER_BASE ?? 40);

describe('fuzz: damaged clips through hls-studio encode', () => {
  it(
    'no crash, no hang, a clear error naming the file, nothing left behind, every package valid',
    async () => {
      const workDir = path.join(os.tmpdir(), `hls-studio-fuzz-${process.pid}`);
      await mkdir(workDir, { recursive: true });
      const result = await runFuzz({
        bases: await generatedBases(),
        perBase: PER_BASE,
        seed: SEED,
        workDir,
        batchSize: 25,
        fileBoundMs: 30_000,
        stallTimeoutSec: 10,
        revalidate: false,
      });
      expect(result.mutants).toBe(PER_BASE * 5);
      // Some mutants must survive and some must fail, or the run tested only one path.
      expect(result.packaged).toBeGreaterThan(0);
      expect(result.failed).toBeGreaterThan(0);
      expect(formatFindings(result.findings)).toBe('');
    },
    20 * 60_000,
  );
});
