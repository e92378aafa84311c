import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { StudioError, toErrorData } from '../common/errors.js';
import type { PlanOptions } from '../common/plan/ladder-plan.js';
import { SEGMENT_FORMATS, SPEED_PRESETS, VIDEO_CODECS } from '../common/presets/preset-schema.js';
import { binaries, probeCapabilities } from '../node/ffmpeg/binaries.js';
import { DEFAULT_PRESET_ID, listBuiltInPresets, loadPreset } from '../node/presets/preset-store.js';
import { configDir } from '../node/config-dir.js';
import { MEDIA_EXTENSIONS } from '../node/studio/expand-paths.js';
import { toolVersion } from '../node/tool-version.js';
import { registerPublishCommand } from './commands/publish-command.js';
import { registerJobsCommand } from './commands/jobs-command.js';
import { registerSubmitCommand } from './commands/submit-command.js';
import { registerWorkerCommand } from './commands/worker-command.js';
import { registerWatchBucketCommand } from './commands/watch-bucket-command.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { formatBitrate, formatBytes, formatDuration } from './progress-line.js';
import { qualityMethodLines, rungQualityLine } from './quality-lines.js';

// Each command loads what it runs when it runs: the studio server, the encoder and the validator are
// most of the CLI's start-up, and a publish or `--help` needs none of them (issue 13).
const lazy = {
  encode: () => import('./commands/encode-command.js'),
  validate: () => import('./commands/validate-command.js'),
  server: () => import('../node/server/studio-server.js'),
  probe: () => import('../node/probe/probe-source.js'),
  plan: () => import('../common/plan/ladder-plan.js'),
  checks: () => import('../common/presets/ladder-analysis.js'),
  videoJson: () => import('../node/package/read-video-json.js'),
  quality: () => import('../node/quality/package-quality.js'),
  testClip: () => import('../node/demo/test-clip.js'),
};

const program = new Command('hls-studio')
  .description('Turn videos into spec-correct HLS streaming packages, on your own machine.')
  .version(await toolVersion(), '-V, --version', 'print the version of hls-studio')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(explainFileAsOption(text)) })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.OK : EXIT.USAGE));

/**
 * A file named `-y.mp4` is read as an option by any argument parser: when the unknown option looks like
 * a file (a media or subtitle name, or something on disk), say how to pass it (issue 13).
 */
function explainFileAsOption(text: string): string {
  const option = /unknown option '([^']+)'/.exec(text)?.[1];
  if (!option) return text;
  const looksLikeFile =
    MEDIA_EXTENSIONS.test(option) || /\.(srt|vtt|ass|ssa|m3u8)$/i.test(option) || existsSync(option);
  if (!looksLikeFile) return text;
  const hint = `${option} looks like a file: write ./${option} or put it after --`;
  return text.replace(/(unknown option '[^']+')/, `$1\n${hint}`);
}

interface EncodeFlags {
  preset: string;
  out: string;
  segmentDuration?: number;
  format?: (typeof SEGMENT_FORMATS)[number];
  codec?: (typeof VIDEO_CODECS)[number];
  encoder?: string;
  speed?: (typeof SPEED_PRESETS)[number];
  crf?: number;
  audio?: number[];
  loudness?: number;
  subtitle?: string[];
  burnIn?: string;
  encrypt?: boolean;
  keyUri?: string;
  keyRotation?: number;
  overwrite?: boolean;
  stallTimeout?: number;
  quality?: boolean;
  ladder?: 'fixed' | 'auto';
  chunks?: number;
  json?: boolean;
  target?: string;
  endpoint?: string;
}

program
  .command('encode')
  .description('encode video files into HLS packages (one folder per file)')
  .argument('<files...>', 'video or audio files, or s3://bucket/key and gs://bucket/key objects')
  .option('-p, --preset <name|file>', 'built-in preset id or a preset .json file', DEFAULT_PRESET_ID)
  .option('-o, --out <dir|url>', 'folder, or s3://bucket/prefix: receives one package per file', 'hls-out')
  .option(
    '--segment-duration <seconds>',
    'target segment duration (default from the preset, 6)',
    positiveNumber,
  )
  .addOption(new Option('--format <format>', 'segment container').choices(SEGMENT_FORMATS))
  .addOption(new Option('--codec <codec>', 'video codec').choices(VIDEO_CODECS))
  .option('--encoder <name>', 'ffmpeg encoder (libx264, h264_videotoolbox, h264_nvenc, …; see `doctor`)')
  .addOption(new Option('--speed <preset>', 'x264/x265 speed preset').choices(SPEED_PRESETS))
  .option(
    '--crf <0-51>',
    'capped quality: constant quality with each rung’s max bit rate as the cap',
    crfValue,
  )
  .option(
    '--audio <indexes>',
    'source audio stream indexes to keep, comma-separated (default: all)',
    indexList,
  )
  .option('--loudness <LUFS>', 'normalise audio to this EBU R128 loudness, e.g. -16', loudnessValue)
  .option(
    '--subtitle <file>',
    'add a .srt/.vtt/.ass subtitle (language from the name: film.en.srt); repeatable',
    collect,
    [],
  )
  .option(
    '--burn-in <stream|file>',
    'burn a subtitle into the picture: a source stream index or a subtitle file',
  )
  .option('--encrypt', 'AES-128 encrypt the segments; keys go to <out>/<name>.keys, outside the package')
  .option('--key-uri <template>', 'EXT-X-KEY URI; {key} = key file name, {package} = package name')
  .option('--key-rotation <segments>', 'a new key every N segments', positiveInteger)
  .option('--overwrite', 'replace an existing package folder')
  .option(
    '--stall-timeout <sec>',
    'kill ffmpeg after this long without any work (no output, no CPU time); env HLS_STUDIO_STALL_TIMEOUT_SEC',
    positiveInteger,
  )
  .addOption(
    new Option('--ladder <mode>', 'fixed: the preset’s rungs; auto: rungs picked for this video (per-title)')
      .choices(['fixed', 'auto'])
      .default('fixed'),
  )
  .option('--quality', 'compare every rung with the source: PSNR and SSIM per rung and segment (default)')
  .option('--no-quality', 'skip the comparison (saves its time, about a tenth of the encode)')
  .option('--chunks <n>', 'encode the video in N segment-aligned chunks and stitch them', positiveInteger)
  .option('--json', 'print events as JSON lines')
  .option('-t, --target <name>', 'publish to a saved target (its store, bucket and prefix)')
  .option('--endpoint <url>', 'S3 API endpoint of s3:// inputs and outputs (MinIO, radosgw, …)')
  .action(async (files: string[], flags: EncodeFlags, cmd: Command) => {
    const preset = await loadPreset(flags.preset);
    await binaries();
    const planOptions: PlanOptions = {
      segmentDurationSec: flags.segmentDuration,
      format: flags.format,
      codec: flags.codec,
      encoder: flags.encoder,
      speedPreset: flags.speed,
      crf: flags.crf,
      audioStreams: flags.audio,
      loudnessLufs: flags.loudness,
      subtitleFiles: flags.subtitle?.map((file) => ({ path: path.resolve(file) })),
      burnIn:
        flags.burnIn === undefined
          ? undefined
          : /^\d+$/.test(flags.burnIn)
            ? { streamIndex: Number(flags.burnIn) }
            : { file: path.resolve(flags.burnIn) },
      encrypt: flags.encrypt,
      keyUri: flags.keyUri,
      keyRotationSegments: flags.keyRotation,
    };
    const { runEncodeCommand } = await lazy.encode();
    const code = await withInterrupt((signal) =>
      runEncodeCommand({
        files,
        preset,
        outDir: flags.out,
        planOptions,
        overwrite: flags.overwrite === true,
        stallTimeoutSec: flags.stallTimeout,
        quality: flags.quality !== false,
        ladder: flags.ladder,
        chunks: flags.chunks,
        json: flags.json === true,
        signal,
        store: { target: flags.target, endpoint: flags.endpoint },
        outDefaulted: cmd.getOptionValueSource('out') === 'default',
      }),
    );
    process.exitCode = code;
  });

program
  .command('probe')
  .description('describe a source file and the ladder a preset would make of it')
  .argument('<file>')
  .option('-p, --preset <name|file>', 'preset to plan with', DEFAULT_PRESET_ID)
  .option('--json', 'print JSON')
  .action(async (file: string, flags: { preset: string; json?: boolean }) => {
    const preset = await loadPreset(flags.preset);
    const [{ probeSource }, { planEncode }, ladder] = await Promise.all([
      lazy.probe(),
      lazy.plan(),
      lazy.checks(),
    ]);
    const source = await probeSource(file);
    const plan = planEncode(source, preset);
    // The preset editor's checks, for this source: one set of ladder rules for every face.
    const checks = ladder.checkLadder(preset, source.video ? ladder.analysisOptionsFor(source.video) : {});
    if (flags.json) return printJson({ source, plan, checks });
    const v = source.video;
    console.log(`${source.file}`);
    console.log(
      `  container ${source.formatName}, ${formatDuration(source.durationSec)} (${source.durationSec.toFixed(3)} s)`,
    );
    if (v) {
      const sar =
        v.sampleAspectRatio.num === v.sampleAspectRatio.den
          ? ''
          : `, SAR ${v.sampleAspectRatio.num}:${v.sampleAspectRatio.den}`;
      console.log(
        `  video ${v.codec}${v.profile ? ` (${v.profile})` : ''} ${v.width}x${v.height}${sar}, shown ${v.displayWidth}x${v.displayHeight}` +
          `${v.rotation ? `, rotated ${v.rotation}°` : ''}`,
      );
      console.log(
        `        ${(v.frameRate.num / v.frameRate.den).toFixed(3)} fps${v.vfr ? ' (variable)' : ''}, ${v.pixelFormat} ${v.bitDepth}-bit, ` +
          `${v.dynamicRange.toUpperCase()}, ${v.fieldOrder}`,
      );
    } else console.log('  video none');
    for (const a of source.audio) {
      console.log(
        `  audio ${a.codec} ${a.channelLayout ?? `${a.channels} ch`} ${a.sampleRate} Hz${a.language ? ` [${a.language}]` : ''}`,
      );
    }
    for (const s of source.subtitles) {
      console.log(
        `  subtitle ${s.codec}${s.language ? ` [${s.language}]` : ''}${s.bitmap ? ' (bitmap)' : ''}`,
      );
    }
    for (const w of source.warnings) console.log(`  warning: ${w}`);
    console.log(`plan with ${preset.id}:`);
    for (const r of plan.video?.rungs ?? []) {
      console.log(
        `  ${r.id}: ${r.width}x${r.height} ${(r.frameRate.num / r.frameRate.den).toFixed(3)} fps ${r.bitrateKbps} kb/s (max ${r.maxBitrateKbps})`,
      );
    }
    for (const a of plan.audio) {
      console.log(
        `  ${a.id}: "${a.name}" AAC-LC stereo ${a.bitrateKbps} kb/s${a.isDefault ? ' (default)' : ''}`,
      );
    }
    for (const s of plan.subtitles)
      console.log(`  ${s.id}: "${s.name}" WebVTT${s.language ? ` [${s.language}]` : ''}`);
    for (const n of plan.notes) console.log(`  note: ${n}`);
    for (const c of checks) console.log(`  ${c.severity}: ${c.message}`);
  });

program
  .command('validate')
  .description('check a package folder or a published https URL against RFC 8216 and Apple’s HLS rules')
  .argument('<package>', 'package folder, its master.m3u8, or an http(s) URL of the multivariant playlist')
  .option('--json', 'print the report as JSON')
  .action(async (target: string, flags: { json?: boolean }) => {
    const { runValidateCommand } = await lazy.validate();
    process.exitCode = await runValidateCommand(target, { json: flags.json === true });
  });

program
  .command('info')
  .description('summarize a package from its video.json')
  .argument('<package>', 'package folder')
  .option('--json', 'print video.json')
  .action(async (dir: string, flags: { json?: boolean }) => {
    const { readVideoJson } = await lazy.videoJson();
    const video = await readVideoJson(dir);
    if (flags.json) return printJson(video);
    console.log(
      `${video.title} — ${formatDuration(video.durationSec)}, ${video.files.length} files, ${formatBytes(video.totalBytes)}`,
    );
    console.log(`  made ${video.createdAt} by hls-studio ${video.tool.version} (${video.tool.ffmpeg})`);
    for (const v of video.variants) {
      console.log(
        `  ${v.uri}: ${v.width ?? '-'}x${v.height ?? '-'} avg ${formatBitrate(v.averageBandwidth)} ${v.codecs.join(',')}`,
      );
      if (v.quality) console.log(`    ${rungQualityLine(v.quality)}`);
    }
    if (video.quality) for (const line of qualityMethodLines(video.quality)) console.log(`  ${line}`);
    for (const a of video.audio)
      console.log(
        `  audio "${a.name}"${a.language ? ` [${a.language}]` : ''}${a.isDefault ? ' default' : ''}`,
      );
    for (const s of video.subtitles)
      console.log(`  subtitles "${s.name}"${s.language ? ` [${s.language}]` : ''}`);
    if (video.encryption) console.log(`  AES-128, ${video.encryption.keys} key(s)`);
    console.log(
      `  ${video.validation.valid ? 'valid' : `INVALID: ${video.validation.failures.map((f) => f.id).join(', ')}`}`,
    );
  });

program
  .command('quality')
  .description(
    'compare every rung of a package with its source (PSNR and SSIM; VMAF and XPSNR where this ffmpeg runs them) and record it in video.json',
  )
  .argument('<package>', 'package folder')
  .argument('<source>', 'the video file the package was made from')
  .option(
    '--every <frames>',
    'compare every Nth frame (default: at most 3600 frames per rung)',
    positiveInteger,
  )
  .option('--json', 'print the updated video.json')
  .action(async (dir: string, file: string, flags: { every?: number; json?: boolean }) => {
    const { measurePackageQuality } = await lazy.quality();
    const tty = process.stdout.isTTY === true;
    const video = await withInterrupt((signal) =>
      measurePackageQuality(dir, file, {
        signal,
        sampleEvery: flags.every,
        onProgress: (ratio) =>
          tty && !flags.json && process.stdout.write(`\r  comparing… ${Math.round(ratio * 100)}%`),
      }),
    );
    if (tty && !flags.json) process.stdout.write('\r\x1b[2K');
    if (flags.json) return printJson(video);
    for (const v of video.variants)
      if (v.quality) console.log(`${v.uri}: ${v.width}x${v.height} ${rungQualityLine(v.quality)}`);
    if (video.quality) for (const line of qualityMethodLines(video.quality)) console.log(line);
  });

program
  .command('serve')
  .description('browser mode: the studio UI and API on 127.0.0.1, protected by a random token')
  .option('--port <port>', 'port (default: a free one)', (v) => Number(v), 0)
  .option('-o, --out <dir>', 'folder for the packages', 'hls-studio-out')
  .option('--state-dir <dir>', 'settings, queue, presets and targets (default: the config folder)')
  .option('--open', 'open the page in the default browser')
  .addHelpText(
    'after',
    '\nThe access token is new and random at each start, unless env HLS_STUDIO_TOKEN gives one (never an\n' +
      "argument: other users can read a process's arguments).",
  )
  .action(async (flags: { port: number; out: string; stateDir?: string; open?: boolean }) => {
    const stateDir = path.resolve(flags.stateDir ?? configDir());
    const { openInBrowser, startStudioServer } = await lazy.server();
    const server = await startStudioServer({
      port: flags.port,
      outDir: path.resolve(flags.out),
      stateDir,
      logFile: path.join(stateDir, 'hls-studio.log'),
      ...(process.env.HLS_STUDIO_TOKEN ? { token: process.env.HLS_STUDIO_TOKEN } : {}),
    });
    console.log(`HLS Studio is at ${server.url}`);
    console.log('(only this machine can reach it, and only with the token in that address; Ctrl-C stops it)');
    if (flags.open) openInBrowser(server.url);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
  });

program
  .command('presets')
  .description('list the built-in presets')
  .option('--json', 'print JSON')
  .action(async (flags: { json?: boolean }) => {
    const presets = await listBuiltInPresets();
    if (flags.json) return printJson(presets);
    for (const p of presets) {
      const ladder = p.rungs.map((r) => `${r.height}p@${r.bitrateKbps}k`).join(' ');
      console.log(
        `${p.id.padEnd(14)} ${p.name}\n${''.padEnd(14)} ${p.video.codec} ${p.segment.format}: ${ladder}`,
      );
    }
  });

program
  .command('doctor')
  .description('show which ffmpeg is used, its version, and the encoders it offers')
  .option('--json', 'print JSON')
  .action(async (flags: { json?: boolean }) => {
    const bins = await binaries();
    const caps = await probeCapabilities(bins);
    if (flags.json) return printJson({ ...bins, ...caps, node: process.version });
    console.log(`ffmpeg   ${bins.ffmpeg.path} (${bins.ffmpeg.source})\n         ${caps.version}`);
    console.log(`ffprobe  ${bins.ffprobe.path} (${bins.ffprobe.source})\n         ${caps.ffprobeVersion}`);
    console.log(`encoders ${caps.encoders.join(', ')}`);
    console.log(`filters  ${caps.filters.join(', ')}`);
    const missing = ['libx264', 'aac'].filter((e) => !caps.encoders.includes(e));
    if (missing.length) {
      console.log(`problem: this ffmpeg lacks ${missing.join(', ')}; packages cannot be made with it`);
      process.exitCode = EXIT.NO_FFMPEG;
    }
  });

program
  .command('demo')
  .description('make a 12-second test clip with ffmpeg and encode it into a package (no input needed)')
  .option('-o, --out <dir>', 'folder for the demo package', 'hls-demo')
  .option('--json', 'print events as JSON lines')
  .action(async (flags: { out: string; json?: boolean }) => {
    const preset = await loadPreset(DEFAULT_PRESET_ID);
    const work = await mkdtemp(path.join(os.tmpdir(), 'hls-studio-demo-'));
    try {
      const clip = path.join(work, 'demo.mp4');
      if (!flags.json) console.log(`making a 12 s 1280x720 test clip (${clip})`);
      const [{ makeTestClip }, { runEncodeCommand }] = await Promise.all([lazy.testClip(), lazy.encode()]);
      await makeTestClip(clip, { width: 1280, height: 720, frameRate: '30', durationSec: 12 });
      const code = await withInterrupt((signal) =>
        runEncodeCommand({
          files: [clip],
          preset,
          outDir: flags.out,
          planOptions: {},
          overwrite: true,
          quality: true,
          json: flags.json === true,
          signal,
        }),
      );
      if (code === EXIT.OK && !flags.json) {
        console.log(
          `\nplay it: open ${path.resolve(flags.out, 'demo', 'master.m3u8')} in an HLS player (Safari, VLC, mpv)`,
        );
      }
      process.exitCode = code;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

registerPublishCommand(program);
// The farm (docs/farm.md): BullMQ and Redis load only when one of these runs.
registerWorkerCommand(program);
registerWatchBucketCommand(program);
registerSubmitCommand(program);
registerJobsCommand(program);

async function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

function loudnessValue(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < -40 || n > -5)
    throw new InvalidArgumentError('must be a loudness from -40 to -5 LUFS');
  return n;
}

function indexList(value: string): number[] {
  const list = value.split(',').map((v) => Number(v.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0))
    throw new InvalidArgumentError('must be stream indexes like 1,2');
  return list;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function crfValue(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 51)
    throw new InvalidArgumentError('must be a whole number from 0 to 51');
  return n;
}

function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const data = toErrorData(error);
  const json = process.argv.includes('--json');
  if (json) console.log(JSON.stringify({ type: 'error', error: data }));
  else console.error(`hls-studio: ${data.message}`);
  if (!(error instanceof StudioError) && !json) console.error(error);
  process.exitCode = exitCodeFor(data.code);
}
