import os from 'node:os';
import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import DurationSequencer from './test/timings/duration-sequencer.js';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'test/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/src/**/*.test.tsx',
      'renderer/src/**/*.test.ts',
    ],
    // Building the worker image takes 17-19 min cold on two cores: `npm run test:containers` runs it.
    exclude: [
      ...configDefaults.exclude,
      ...(process.env.HLS_STUDIO_CONTAINER_TESTS ? [] : ['test/containers/container.test.ts']),
    ],
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
  },
});
