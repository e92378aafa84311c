import os from 'node:os';
import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import DurationSequencer from './test/timings/duration-sequencer.js';

/** Pure code (no processes, files or sockets): its test files share a worker's module cache. */
const PURE = ['src/common/**/*.test.ts', 'renderer/src/**/*.test.ts', 'renderer/src/**/*.test.tsx'];

export default defineConfig({
  test: {
    // Real ffmpeg on a 2-core machine: two test files at a time, the longest first (as recorded).
    maxWorkers: 2,
    sequence: { sequencer: DurationSequencer },
    testTimeout: 120_000,
    // No test may touch the real config folder (targets, queue, settings of the person running them).
    env: { HLS_STUDIO_CONFIG_DIR: path.join(os.tmpdir(), `hls-studio-test-config-${process.pid}`) },
    hookTimeout: 180_000,
    // The JSON report is what .ci/run counts for its `tests: N passed, M failed` line.
    reporters: [
      'default',
      ['json', { outputFile: process.env.VITEST_JSON ?? 'test-artifacts/vitest-results.json' }],
    ],
    projects: [
      {
        // A fresh module graph per file cost the 78 pure files more than their tests: without it they
        // run in 41 s instead of 90 s (alone, two workers). They restore what they stub.
        extends: true,
        test: { name: 'pure', include: PURE, isolate: false },
      },
      {
        // The engine's files keep their isolation: some spy on node:fs and count what it opened.
        extends: true,
        test: {
          name: 'engine',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'electron/**/*.test.ts'],
          exclude: [
            ...configDefaults.exclude,
            ...PURE,
            // Building the worker image takes 17-19 min cold on two cores: `npm run test:containers` runs it.
            ...(process.env.HLS_STUDIO_CONTAINER_TESTS ? [] : ['test/containers/container.test.ts']),
          ],
        },
      },
    ],
  },
});
