import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { StudioError, toErrorData, type ErrorCode } from '../../common/errors.js';
import type { PublishEvent } from '../../common/publish/publish-events.js';
import { OBJECT_ACLS, parseTarget } from '../../common/publish/publish-target.js';
import { isTargetUrl, parseTargetUrl } from '../../common/publish/s3-url.js';
import { STORE_IDS, STORE_PRESETS } from '../../common/publish/store-presets.js';
import { configDir } from '../../node/config-dir.js';
import { loadTargets, removeTarget, saveTarget, targetsFile } from '../../node/publish/target-store.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { formatBytes, formatProgressLine } from '../progress-line.js';

/** Where the command writes and how it ends; tests pass their own. */
export interface PublishCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
  setExitCode: (code: number) => void;
  env: NodeJS.ProcessEnv;
}

interface StoreFlags {
  store?: string;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  accountId?: string;
  profile?: string;
  publicBaseUrl?: string;
  acl?: string;
  storageClass?: string;
  gzipPlaylists?: boolean;
  playlistMaxAge?: number;
}

interface PublishFlags extends StoreFlags {
  target: string;
  concurrency: number;
  includeKeys?: boolean;
  cors: 'check' | 'apply' | 'skip';
  corsOrigin: string;
  verify: boolean;
  validate: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** `hls-studio publish …` and `hls-studio targets add|list|remove`. */
export function registerPublishCommand(program: Command, io: Partial<PublishCliIo> = {}): void {
  const cli: PublishCliIo = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: process.stdout.isTTY === true,
    setExitCode: (code) => (process.exitCode = code),
    env: process.env,
    ...io,
  };
  const publish = program
    .command('publish')
    .description('upload a package to S3, GCS or an S3-compatible store, verify it, print a player snippet')
    .argument('<package>', 'package folder (with master.m3u8)')
    .requiredOption('-t, --target <name|url>', 'a saved target name, or s3://bucket/prefix (gs:// for GCS)')
    .option('--concurrency <n>', 'parallel requests', wholeNumber(1, 64), 8)
    .option('--include-keys', 'also publish <package>.keys (AES-128 keys) beside the package')
    .addOption(
      new Option('--cors <mode>', 'check the bucket’s CORS for hls.js, set it, or skip')
        .choices(['check', 'apply', 'skip'])
        .default('check'),
    )
    .option('--cors-origin <origin>', 'origin of the page that plays the video', '*')
    .option('--no-verify', 'skip checking the published package through its public URL')
    .option('--no-validate', 'skip the validator on the published URL')
    .option('--force', 'upload every file, even those already there and identical')
    .option('--dry-run', 'list what would be uploaded and skipped; send nothing')
    .option('--json', 'print events as JSON lines');
  addStoreOptions(publish).action(async (packageDir: string, flags: PublishFlags) => {
    cli.setExitCode(await runPublish(packageDir, flags, cli));
  });

  const targets = program.command('targets').description('saved publish targets (no secrets are stored)');
  addStoreOptions(
    targets
      .command('add')
      .description('save a target by name')
      .argument('<name>', 'a name for it')
      .argument('<url>', 's3://bucket/prefix or gs://bucket/prefix'),
  ).action(async (name: string, url: string, flags: StoreFlags) => {
    await guarded(cli, false, async () => {
      const target = await buildTarget(url, flags, cli.env);
      await saveTarget(name, target, configDir(cli.env));
      cli.out(`saved target "${name}" in ${targetsFile(configDir(cli.env))}\n`);
      return EXIT.OK;
    });
  });
  targets
    .command('list')
    .description('list saved targets')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await guarded(cli, flags.json === true, async () => {
        const saved = await loadTargets(configDir(cli.env));
        if (flags.json) cli.out(JSON.stringify(saved, null, 2) + '\n');
        else if (Object.keys(saved).length === 0)
          cli.out(`no saved targets (${targetsFile(configDir(cli.env))})\n`);
        for (const [name, raw] of flags.json ? [] : Object.entries(saved)) {
          const parsed = parseTarget(raw);
          cli.out(
            parsed.ok
              ? `${name.padEnd(16)} ${parsed.target.store} s3://${parsed.target.bucket}/${parsed.target.prefix}` +
                  `${parsed.target.endpoint ? ` (${parsed.target.endpoint})` : ''}\n`
              : `${name.padEnd(16)} invalid: ${parsed.issues.join('; ')}\n`,
          );
        }
        return EXIT.OK;
      });
    });
  targets
    .command('remove')
    .description('forget a saved target')
    .argument('<name>')
    .action(async (name: string) => {
      await guarded(cli, false, async () => {
        if (await removeTarget(name, configDir(cli.env))) cli.out(`removed target "${name}"\n`);
        else cli.err(`hls-studio: no target named "${name}"\n`);
        return EXIT.OK;
      });
    });
}

function addStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--store <id>', `kind of store: ${STORE_PRESETS.map((p) => p.id).join(', ')}`).choices(
        STORE_IDS,
      ),
    )
    .option('--endpoint <url>', 'S3 API endpoint (MinIO, radosgw, …; presets fill it in for R2, B2, …)')
    .option('--region <region>', 'region (us-east-1; "auto" for GCS and R2)')
    .option('--path-style', 'path-style addressing (endpoint/bucket/key)')
    .option('--account-id <id>', 'Cloudflare account id (R2)')
    .option('--profile <name>', 'AWS shared-config profile for the credentials')
    .option('--public-base-url <url>', 'URL that serves the bucket root to players (CDN, custom domain)')
    .addOption(new Option('--acl <acl>', 'canned ACL for every object').choices(OBJECT_ACLS))
    .option('--storage-class <class>', 'storage class, e.g. STANDARD_IA')
    .option('--gzip-playlists', 'store playlists gzip-compressed (Apple HLS 10.1)')
    .option(
      '--playlist-max-age <seconds>',
      'Cache-Control max-age of playlists and video.json',
      wholeNumber(0, 31_536_000),
    );
}

/** A saved target or an s3:// URL, with the flags given on the command line laid over it. */
async function buildTarget(
  spec: string,
  flags: StoreFlags,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, unknown>> {
  let base: Record<string, unknown>;
  if (isTargetUrl(spec)) {
    let location;
    try {
      location = parseTargetUrl(spec);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    const store = location.store === 'gcs' ? 'gcs' : flags.endpoint ? 's3-compatible' : 's3';
    base = { store, bucket: location.bucket, prefix: location.prefix };
  } else {
    const saved = await loadTargets(configDir(env));
    if (!Object.hasOwn(saved, spec))
      throw new StudioError(
        'PUBLISH_CONFIG',
        `"${spec}" is neither an s3://bucket/prefix URL nor a saved target (see \`hls-studio targets list\`)`,
      );
    base = { ...(saved[spec] as Record<string, unknown>) };
  }
  const overlay: Record<string, unknown> = {
    store: flags.store,
    endpoint: flags.endpoint,
    region: flags.region,
    pathStyle: flags.pathStyle,
    accountId: flags.accountId,
    profile: flags.profile,
    publicBaseUrl: flags.publicBaseUrl,
    acl: flags.acl,
    storageClass: flags.storageClass,
    gzipPlaylists: flags.gzipPlaylists,
    playlistMaxAgeSec: flags.playlistMaxAge,
  };
  for (const [key, value] of Object.entries(overlay)) if (value !== undefined) base[key] = value;
  return base;
}

async function runPublish(packageDir: string, flags: PublishFlags, cli: PublishCliIo): Promise<number> {
  const json = flags.json === true;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await guarded(cli, json, async () => {
      const target = await buildTarget(flags.target, flags, cli.env);
      // Loaded when a publish runs: every other command of the CLI starts without it.
      const { publishPackage } = await import('../../node/publish/publish-package.js');
      const summary = await publishPackage(
        {
          packageDir,
          target,
          options: {
            concurrency: flags.concurrency,
            includeKeys: flags.includeKeys === true,
            cors: flags.cors,
            corsOrigin: flags.corsOrigin,
            verify: flags.verify,
            validate: flags.validate,
            force: flags.force === true,
            dryRun: flags.dryRun === true,
          },
        },
        {
          env: cli.env,
          signal: controller.signal,
          onEvent: json ? (e) => cli.out(JSON.stringify(e) + '\n') : humanReporter(cli, packageDir),
        },
      );
      return summary.verification && !summary.verification.ok ? EXIT.INVALID : EXIT.OK;
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Runs a command body; a failure is printed (JSON or text) and becomes the exit code. */
async function guarded(cli: PublishCliIo, json: boolean, run: () => Promise<number>): Promise<number> {
  try {
    const code = await run();
    cli.setExitCode(code);
    return code;
  } catch (error) {
    const data = toErrorData(error);
    if (error instanceof InvalidArgumentError) Object.assign(data, { code: 'INVALID_ARGUMENT' });
    if (json) cli.out(JSON.stringify({ type: 'failed', error: data }) + '\n');
    else {
      cli.err(`hls-studio: ${data.message}\n`);
      for (const line of data.detail?.split('\n').slice(0, 8) ?? []) cli.err(`  | ${line}\n`);
    }
    const code = publishExitCode(data.code);
    cli.setExitCode(code);
    return code;
  }
}

/** Bad targets are usage errors (nothing was attempted); the rest as everywhere else. */
function publishExitCode(code: ErrorCode): number {
  return code === 'PUBLISH_CONFIG' ? EXIT.USAGE : exitCodeFor(code);
}

function humanReporter(cli: PublishCliIo, packageDir: string): (event: PublishEvent) => void {
  const out = cli.out;
  const clearLine = () => cli.isTTY && out('\r\x1b[2K');
  const name = path.basename(path.resolve(packageDir));
  let retries = 0;
  return (event) => {
    switch (event.type) {
      case 'target':
        out(
          `● ${name} → s3://${event.bucket}/${event.prefix ? `${event.prefix}/` : ''}${name}/ (${event.store}${event.endpoint ? ` at ${event.endpoint}` : ''})\n`,
        );
        break;
      case 'warning':
        clearLine();
        out(`  warning: ${event.message}\n`);
        break;
      case 'planned':
        out(
          `  ${event.upload} file(s) to upload (${formatBytes(event.uploadBytes)}), ${event.skip} already there and identical\n`,
        );
        if (event.dryRun)
          for (const f of event.files)
            out(
              `  ${f.action === 'upload' ? 'upload' : 'skip  '} ${f.path}  ${formatBytes(f.bytes)}  ${f.contentType}  "${f.cacheControl}"${f.reason ? `  (${f.reason})` : ''}\n`,
            );
        break;
      case 'cors':
        out(
          event.ok === true
            ? `  CORS: browsers may play it (hls.js)${event.applied ? ' — rule applied' : ''}\n`
            : `  CORS: ${event.problems.join('; ')}${event.ok === false ? ' (publish with --cors apply to fix)' : ''}\n`,
        );
        break;
      case 'progress':
        if (cli.isTTY && event.bytesTotal > 0)
          out(
            '\r' +
              formatProgressLine({
                label: `${event.filesDone}/${event.filesTotal} files, ${formatBytes(event.bytesDone)} of ${formatBytes(event.bytesTotal)}${event.phase ? ` [${event.phase}]` : ''}`,
                ratio: event.bytesDone / event.bytesTotal,
                ...(event.etaSec === undefined ? {} : { etaSec: event.etaSec }),
              }),
          );
        break;
      case 'retry':
        retries++;
        break;
      case 'verified': {
        clearLine();
        const v = event;
        out(
          `  ${v.ok ? '✓' : '✗'} verified through ${v.baseUrl}: ${v.checked} object(s) checked, ${v.hashed} hashed back` +
            `${v.corsHeader === undefined ? '' : v.corsHeader ? ', CORS header present' : ', no CORS header'}\n`,
        );
        for (const f of v.failures.slice(0, 10)) out(`    ✗ ${f.path}: ${f.problem}\n`);
        if (v.failures.length > 10) out(`    … and ${v.failures.length - 10} more\n`);
        for (const n of v.notes) out(`    note: ${n}\n`);
        if (v.validation)
          out(
            v.validation.newFailures.length
              ? `    validator: ${v.validation.newFailures.map((f) => `${f.id} ${f.message ?? f.title}`).join('; ')}\n`
              : `    validator: ${v.validation.valid ? 'valid' : 'same result as on disk'}\n`,
          );
        break;
      }
      case 'done':
        clearLine();
        if (event.dryRun) {
          out('  dry run: nothing was sent\n');
          break;
        }
        out(
          `  ${event.uploaded} uploaded (${formatBytes(event.bytesSent)}), ${event.skipped} skipped in ${event.durationSec.toFixed(1)} s` +
            `${retries ? `, ${retries} retried request(s)` : ''}\n`,
        );
        out(`\nplayback URL:\n  ${event.playbackUrl}\n\nembed (hls.js):\n${event.embedHtml}\n`);
        break;
    }
  };
}

function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}
