/**
 * Writes test/timings/file-seconds.json (what duration-sequencer.ts orders by) from a vitest JSON report
 * of a whole run: `npx tsx test/timings/record-file-seconds.ts [test-artifacts/vitest-results.json]`.
 * Record it from a CI run (a fresh clone on the 2-core machine), not from a partial local one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FILE_SECONDS } from './duration-sequencer.js';

interface Report {
  testResults: { name: string; startTime: number; endTime: number }[];
}

const report = JSON.parse(
  readFileSync(process.argv[2] ?? 'test-artifacts/vitest-results.json', 'utf8'),
) as Report;
const root = path.resolve(import.meta.dirname, '../..');
const rootOf = (name: string) => {
  // A report from another clone: keep the path from the first of the repository's test folders.
  const m = /(?:^|\/)((?:src|test|renderer|electron)\/.*)$/.exec(name.split(path.sep).join('/'));
  return m ? m[1]! : path.relative(root, name);
};
const table = Object.fromEntries(
  report.testResults
    .map((r) => [rootOf(r.name), Math.round((r.endTime - r.startTime) / 100) / 10] as const)
    .sort((a, b) => b[1] - a[1]),
);
writeFileSync(FILE_SECONDS, JSON.stringify(table, null, 2) + '\n');
console.log(`${Object.keys(table).length} files → ${path.relative(process.cwd(), FILE_SECONDS)}`);
