import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { validatePackage } from '../../src/node/validate/validate-package.js';
import type { BatchResult, FileOutcome } from './fuzz-batch.js';

/** One broken promise: what the product must never do, whatever the input. */
export interface Finding {
  file: string;
  kind:
    | 'crash' // the CLI died of a signal or with an exit code it does not document
    | 'hang' // the file took longer than the bound
    | 'stack-trace' // an internal error reached the user
    | 'stderr-noise' // something printed on stderr in --json mode (a library talking to the terminal)
    | 'silent' // no verdict for the file at all
    | 'unclear-error' // the message does not name the file, or names no cause the user can act on
    | 'leftover' // a staging folder, a temp folder or a final-named folder after a failure
    | 'invalid-package' // exit 0 for a package the validator rejects
    | 'too-long'; // a package much longer than the source (damaged timestamps taken at face value)
  detail: string;
}

export interface CheckOptions {
  outDir: string;
  tmpDir: string;
  /** Longest acceptable time for one file, ms. */
  fileBoundMs: number;
  /** Seconds of media in the undamaged source of each file. */
  sourceDurationSec: (file: string) => number;
  /** Validate each package again in this process, beside the CLI's own verdict (the long run does). */
  revalidate: boolean;
}

const DOCUMENTED_EXIT = new Set([0, 1, 3, 5]);
const STACK =
  /^\s+at .+:\d+:\d+\)?$|\b(TypeError|ReferenceError|RangeError|SyntaxError|AssertionError)\b|Cannot destructure|Unhandled(Promise)?Rejection/m;
/** Messages that describe our internals or ffmpeg noise, not the input's problem. */
const UNCLEAR = [/missing or empty/i, /\bundefined\b|\bNaN\b|\[object /, /deprecated pixel format/i];

export async function checkBatch(batch: BatchResult, options: CheckOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const silent = batch.outcomes.filter((o) => o.status === 'silent');
  const culprit = silent[0]?.file ?? '(batch)';
  if (batch.timedOut) findings.push({ file: culprit, kind: 'hang', detail: 'batch killed at its bound' });
  else if (batch.signal || !DOCUMENTED_EXIT.has(batch.exitCode ?? -1))
    findings.push({ file: culprit, kind: 'crash', detail: `exit ${batch.exitCode} signal ${batch.signal}` });
  const trace = STACK.exec(batch.stdout.replace(/^\{.*$/gm, '') + '\n' + batch.stderr);
  if (trace) findings.push({ file: culprit, kind: 'stack-trace', detail: trace[0].trim() });
  const noise = batch.stderr.trim();
  if (noise)
    findings.push({ file: culprit, kind: 'stderr-noise', detail: noise.split('\n')[0]!.slice(0, 200) });
  if (!batch.timedOut && !batch.signal)
    for (const o of silent)
      findings.push({ file: o.file, kind: 'silent', detail: 'no done or failed event' });

  for (const o of batch.outcomes) {
    if (o.elapsedMs !== undefined && o.elapsedMs > options.fileBoundMs)
      findings.push({ file: o.file, kind: 'hang', detail: `${(o.elapsedMs / 1000).toFixed(1)} s` });
    if (o.status === 'failed') findings.push(...checkMessage(o));
    if (o.status === 'packaged') findings.push(...(await checkPackage(o, options)));
  }
  findings.push(...(await checkLeftovers(batch.outcomes, options)));
  return findings;
}

export function checkMessage(o: FileOutcome): Finding[] {
  const message = o.message ?? '';
  const name = path.basename(o.file);
  if (!message.includes(name))
    return [{ file: o.file, kind: 'unclear-error', detail: `does not name the file: ${message}` }];
  const cause = message
    .split(name)
    .join('')
    .replace(/[\s:…./-]+/g, ' ')
    .trim();
  if (cause.length < 10 || UNCLEAR.some((r) => r.test(message)))
    return [{ file: o.file, kind: 'unclear-error', detail: message.slice(0, 300) }];
  return [];
}

async function checkPackage(o: FileOutcome, options: CheckOptions): Promise<Finding[]> {
  const dir = o.packageDir!;
  const findings: Finding[] = [];
  if (!o.valid) findings.push({ file: o.file, kind: 'invalid-package', detail: 'the CLI said so' });
  if (options.revalidate) {
    const report = await validatePackage(dir);
    const failed = report.results.filter((r) => r.status === 'fail' && r.level === 'MUST');
    if (failed.length)
      findings.push({
        file: o.file,
        kind: 'invalid-package',
        detail: failed
          .map((r) => `${r.id}: ${r.message ?? ''}`)
          .join('; ')
          .slice(0, 400),
      });
  }
  const limit = options.sourceDurationSec(o.file) * 1.5 + 4;
  for (const name of await readdir(dir, { recursive: true })) {
    if (!name.endsWith('.m3u8')) continue;
    const text = await readFile(path.join(dir, name), 'utf8');
    const seconds = [...text.matchAll(/^#EXTINF:([\d.]+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
    if (seconds > limit)
      findings.push({ file: o.file, kind: 'too-long', detail: `${name}: ${seconds.toFixed(1)} s` });
  }
  return findings;
}

async function checkLeftovers(outcomes: FileOutcome[], options: CheckOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const packaged = new Set(outcomes.flatMap((o) => (o.packageDir ? [path.basename(o.packageDir)] : [])));
  for (const entry of await readdir(options.outDir).catch(() => [] as string[])) {
    if (packaged.has(entry)) continue;
    findings.push({ file: '(batch)', kind: 'leftover', detail: `${options.outDir}/${entry}` });
  }
  // tsx (which runs the CLI's TypeScript in tests) keeps its compile cache there: not ours.
  const temps = await readdir(options.tmpDir).catch(() => [] as string[]);
  for (const entry of temps.filter((e) => !e.startsWith('tsx-')))
    findings.push({ file: '(batch)', kind: 'leftover', detail: `temp ${entry}` });
  return findings;
}
