import path from 'node:path';
import type { EncodeEvent, PackageResult } from '../../common/encode-events.js';
import { StudioError, toErrorData, type StudioErrorData } from '../../common/errors.js';
import { packageNameFor } from '../../common/package-name.js';
import type { PlanOptions } from '../../common/plan/ladder-plan.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import { isRemoteUrl } from '../../node/remote/object-url.js';
import { encodeRemote, type RemoteEncodeEvent } from '../../node/remote/remote-encode.js';
import type { StoreChoice } from '../../node/remote/store-target.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { printReport } from './validate-command.js';
import { formatBitrate, formatBytes, formatDuration, formatProgressLine } from '../progress-line.js';
import { qualityMethodLines, rungQualityLine } from '../quality-lines.js';

export interface EncodeCommandOptions {
  files: string[];
  preset: Preset;
  outDir: string;
  planOptions: PlanOptions;
  overwrite: boolean;
  stallTimeoutSec?: number;
  /** Measure each rung against the source (on by default: `--no-quality`). */
  quality: boolean;
  ladder?: 'fixed' | 'auto';
  /** `--chunks N`: the video in N segment-aligned windows, one after another or side by side, stitched. */
  chunks?: number;
  json: boolean;
  signal: AbortSignal;
  /** `--target` / `--endpoint`: the store of s3:// and gs:// inputs and outputs (docs/remote-io.md). */
  store?: StoreChoice;
  /** `--out` was not given: with `--target`, the package goes to the target's bucket and prefix. */
  outDefaulted?: boolean;
}

type FileOutcome =
  { file: string; ok: true; result: PackageResult } | { file: string; ok: false; error: StudioErrorData };

/** Encodes the files one after another, reporting as it goes; returns the process exit code. */
export async function runEncodeCommand(options: EncodeCommandOptions): Promise<number> {
  const outcomes: FileOutcome[] = [];
  const names = new Set<string>();
  for (const file of options.files) {
    if (options.signal.aborted) break;
    const name = uniqueName(
      packageNameFor(isRemoteUrl(file) ? file.replace(/^\w+:\/\/[^/]*/, '') : file),
      names,
    );
    const report = options.json ? jsonReporter(file) : humanReporter(file);
    // Local or in a bucket, the same path: encodeRemote only adds the download and the publish.
    const out = options.outDefaulted && options.store?.target !== undefined ? undefined : options.outDir;
    let encoding = false;
    try {
      const { result } = await encodeRemote(
        {
          input: file,
          ...(out === undefined ? {} : { out }),
          ...(options.store ? { store: options.store } : {}),
          name,
          preset: options.preset,
          planOptions: options.planOptions,
          overwrite: options.overwrite,
          stallTimeoutSec: options.stallTimeoutSec,
          quality: options.quality,
          ladder: options.ladder,
          chunks: options.chunks,
        },
        {
          signal: options.signal,
          onEvent: (event) => {
            encoding ||= event.type === 'encode';
            if (event.type === 'encode') report(event.event);
            else remoteReport(event, options.json, file);
          },
        },
      );
      outcomes.push({ file, ok: true, result });
    } catch (error) {
      outcomes.push({ file, ok: false, error: toErrorData(error) });
      // The input and output checks fail before the encode has a chance to report it.
      if (!encoding) report({ type: 'failed', error: toErrorData(error) });
      if (error instanceof StudioError && error.code === 'CANCELLED') break;
    }
  }
  return summarize(outcomes, options);
}

function summarize(outcomes: FileOutcome[], options: EncodeCommandOptions): number {
  const ok = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - ok;
  const cancelled = options.signal.aborted;
  if (options.json) {
    writeJson({ type: 'summary', packaged: ok, failed, cancelled });
  } else if (options.files.length > 1 || failed > 0) {
    process.stdout.write(`\n${ok} packaged, ${failed} failed${cancelled ? ' (cancelled)' : ''}\n`);
    for (const o of outcomes) {
      process.stdout.write(
        o.ok ? `  ✓ ${o.file} → ${o.result.packageDir}\n` : `  ✗ ${o.file}: ${o.error.code}\n`,
      );
    }
  }
  if (cancelled) return EXIT.CANCELLED;
  const invalid = outcomes.some((o) => o.ok && !o.result.validation.valid);
  if (failed === 0) return invalid ? EXIT.INVALID : EXIT.OK;
  if (ok > 0) return EXIT.PARTIAL;
  const only = outcomes.length === 1 ? outcomes[0] : undefined;
  return only && !only.ok ? exitCodeFor(only.error.code) : EXIT.FAILED;
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}-${n}`;
  taken.add(candidate);
  return candidate;
}

/** The download and publish steps of a bucket-in/bucket-out encode (the encode reports as usual). */
function remoteReport(event: RemoteEncodeEvent, json: boolean, file: string): void {
  if (json) {
    if (event.type !== 'download' && !(event.type === 'publish' && event.event.type === 'progress'))
      writeJson({
        file,
        ...(event.type === 'publish' ? { ...event.event, type: `publish-${event.event.type}` } : event),
      });
    return;
  }
  const out = (text: string) => process.stdout.write(text);
  if (event.type === 'checked') {
    out(
      `● ${event.input} → ${event.output}${event.bytes === undefined ? '' : ` (${formatBytes(event.bytes)} to download)`}\n`,
    );
    for (const w of event.warnings) out(`  warning: ${w}\n`);
  } else if (event.type === 'publish') {
    const e = event.event;
    if (e.type === 'warning') out(`  warning: ${e.message}\n`);
    if (e.type === 'verified' && !e.ok)
      for (const f of e.failures.slice(0, 10)) out(`  ✗ ${f.path}: ${f.problem}\n`);
    if (e.type === 'done')
      out(
        `  published ${e.uploaded} file(s) (${formatBytes(e.bytesSent)}) in ${e.durationSec.toFixed(1)} s\n  playback URL: ${e.playbackUrl}\n`,
      );
  }
}

function jsonReporter(file: string): (event: EncodeEvent) => void {
  return (event) => writeJson({ file, ...event });
}

function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

function humanReporter(file: string): (event: EncodeEvent) => void {
  const tty = process.stdout.isTTY === true;
  const label = path.basename(file);
  let lastDecile = -1;
  let measuring = false;
  const out = (text: string) => process.stdout.write(text);
  const clearLine = () => tty && out('\r\x1b[2K');
  return (event) => {
    switch (event.type) {
      case 'probed': {
        const s = event.source;
        const v = s.video;
        const picture = v
          ? `${v.codec} ${v.displayWidth}x${v.displayHeight} ${(v.frameRate.num / v.frameRate.den).toFixed(2)} fps`
          : 'no video';
        const sound = s.audio[0] ? `${s.audio[0].codec} ${s.audio[0].channels} ch` : 'no audio';
        out(`● ${file}\n  ${formatDuration(s.durationSec)}, ${picture}, ${sound}\n`);
        break;
      }
      case 'planned': {
        clearLine();
        const rungs = event.plan.video?.rungs ?? [];
        const ladder = rungs.map((r) => `${r.width}x${r.height}@${r.bitrateKbps}k`).join(' ');
        out(
          `  ladder: ${ladder || 'audio only'} (${event.plan.format}, ${event.plan.segmentDurationSec} s segments)\n`,
        );
        for (const note of event.plan.notes) out(`  note: ${note}\n`);
        break;
      }
      case 'progress': {
        if (tty) {
          out('\r' + formatProgressLine({ label, ...event }));
        } else {
          const decile = Math.floor(event.ratio * 10);
          if (decile > lastDecile && decile < 10) out(`  ${decile * 10}%\n`);
          lastDecile = decile;
        }
        break;
      }
      case 'packaging':
        clearLine();
        out('  measuring and writing the multivariant playlist…\n');
        break;
      case 'analyzing': {
        if (tty) out(`\r\x1b[2K  per-title analysis: probe encodes… ${Math.round(event.ratio * 100)}%`);
        else if (event.ratio === 1) out('  per-title analysis: probe encodes done\n');
        break;
      }
      case 'measuring': {
        if (tty) out(`\r\x1b[2K  comparing every rung with the source… ${Math.round(event.ratio * 100)}%`);
        else if (!measuring) out('  comparing every rung with the source…\n');
        measuring = true;
        break;
      }
      case 'done': {
        const r = event.result;
        if (measuring) clearLine();
        out(`  ✓ ${r.multivariantPlaylist}\n`);
        for (const v of r.variants) {
          const size = v.width ? `${v.width}x${v.height} ` : '';
          out(
            `    ${size}avg ${formatBitrate(v.averageBandwidth)}, peak ${formatBitrate(v.peakBandwidth)}  ${v.codecs.join(',')}\n`,
          );
          if (v.quality) out(`      ${rungQualityLine(v.quality)}\n`);
        }
        if (r.quality) for (const line of qualityMethodLines(r.quality)) out(`    ${line}\n`);
        for (const a of r.audio)
          out(
            `    audio "${a.name}"${a.language ? ` [${a.language}]` : ''} ${formatBitrate(a.averageBandwidth)}\n`,
          );
        for (const s of r.subtitles)
          out(`    subtitles "${s.name}"${s.language ? ` [${s.language}]` : ''}, ${s.cues} cues\n`);
        if (r.keysDir) out(`    AES-128 keys in ${r.keysDir} (not part of the package)\n`);
        for (const w of r.warnings) out(`  warning: ${w}\n`);
        const v = r.validation;
        if (v.valid)
          out(
            `  valid: ${v.results.filter((x) => x.status === 'pass').length} rules passed${v.shouldFailures ? `, ${v.shouldFailures} SHOULD not met` : ''}\n`,
          );
        else printReport(v, (line) => out(`  ${line}\n`));
        out(`  ${formatBytes(r.sizeBytes)} in ${r.elapsedSec.toFixed(1)} s\n`);
        break;
      }
      case 'failed': {
        clearLine();
        out(`  ✗ ${event.error.message}\n`);
        const detail = event.error.detail?.split('\n').slice(-6) ?? [];
        for (const line of detail) out(`    | ${line}\n`);
        break;
      }
    }
  };
}
