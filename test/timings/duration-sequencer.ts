import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each test file ran in a recorded CI run (record-file-seconds.ts writes it). */
export const FILE_SECONDS = path.join(import.meta.dirname, 'file-seconds.json');

/**
 * Longest test file first, from the recorded table: with two workers, a long file started last runs
 * alone at the end (the fuzz test did: 91 s of a 1,187 s CI run on one worker). A fresh clone has no
 * vitest cache, so the default order (larger files first) is all it would have. Files not in the table
 * (new ones) go first: their time is unknown, and a new file is likelier slow than a pure one.
 */
export default class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = readTable();
    const root = this.ctx.config.root;
    const weight = (f: TestSpecification) =>
      seconds[path.relative(root, f.moduleId).split(path.sep).join('/')] ?? Number.MAX_SAFE_INTEGER;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}

function readTable(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(FILE_SECONDS, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}
