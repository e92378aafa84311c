/**
 * `npm run fuzz`: the long hostile-input run, by hand. Damaged copies of generated clips in every
 * container we accept and of the real files in ../shared/media go through the real `hls-studio encode`;
 * prints what was tried and every finding, and writes a JSON report to test-artifacts/fuzz/.
 *
 * Usage: npm run fuzz [-- --seed 1 --per-base 60 --media ../shared/media --max-media-mb 8]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatFindings } from './fuzz-report.js';
import { runFuzz } from './fuzz-run.js';
import { generatedBases, sharedMediaBases } from './fuzz-sources.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    'per-base': { type: 'string', default: '60' },
    media: { type: 'string', default: path.resolve('../shared/media') },
    'max-media-mb': { type: 'string', default: '8' },
    'no-media': { type: 'boolean', default: false },
  },
});

const seed = Number(values.seed);
const bases = [
  ...(await generatedBases()),
  ...(values['no-media'] ? [] : await sharedMediaBases(values.media, Number(values['max-media-mb']) * 1e6)),
];
const workDir = path.join(os.tmpdir(), `hls-studio-fuzz-seed-${seed}`);
await mkdir(workDir, { recursive: true });
console.log(`fuzz: seed ${seed}, ${bases.length} bases × ${values['per-base']} mutants, work in ${workDir}`);
const result = await runFuzz({
  bases,
  perBase: Number(values['per-base']),
  seed,
  workDir,
  batchSize: 25,
  fileBoundMs: 120_000,
  stallTimeoutSec: 30,
  revalidate: true,
  onBatch: (done, total, findings) =>
    console.log(`  ${done}/${total} mutants${findings.length ? `, ${findings.length} finding(s)` : ''}`),
});
const count = (kind: string) => result.findings.filter((f) => f.kind === kind).length;
const summary = {
  seed,
  mutants: result.mutants,
  packaged: result.packaged,
  failedCleanly: result.failed,
  crashes: count('crash') + count('stack-trace'),
  hangs: count('hang'),
  leftovers: count('leftover'),
  unclearErrors: count('unclear-error'),
  invalidPackages: count('invalid-package') + count('too-long'),
  slowestFileSec: Number((result.slowestMs / 1000).toFixed(1)),
  wallSec: Number((result.wallMs / 1000).toFixed(0)),
};
console.log(formatFindings(result.findings) || 'no findings');
console.log(JSON.stringify(summary));
await mkdir('test-artifacts/fuzz', { recursive: true });
await writeFile(
  `test-artifacts/fuzz/fuzz-seed-${seed}.json`,
  JSON.stringify({ summary, findings: result.findings }, null, 2),
);
process.exitCode = result.findings.length ? 1 : 0;
