import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { StudioError } from '../../common/errors.js';
import { DEFAULT_RETRY_POLICY, MAX_CHUNKS, type EncodeJobInput } from '../../node/farm/encode-job.js';
import { DEFAULT_PRESET_ID } from '../../node/presets/preset-store.js';
import { isRemoteUrl } from '../../node/remote/object-url.js';
import { EXIT } from '../exit-codes.js';
import { addQueueOptions, connectionFrom, farmAction, jobLine, type QueueFlags } from './jobs-command.js';

interface SubmitFlags extends QueueFlags {
  preset: string;
  out?: string;
  target?: string;
  endpoint?: string;
  name?: string;
  attempts: number;
  backoff: number;
  quality?: boolean;
  jobId?: string;
  chunks?: number;
  wait?: boolean;
  json?: boolean;
}

/** `hls-studio submit <s3://…|file> --queue … --out s3://…` */
export function registerSubmitCommand(program: Command): void {
  addQueueOptions(
    program
      .command('submit')
      .description('queue an encode for the farm’s workers (`hls-studio worker`)')
      .argument('<input>', 's3://bucket/key, gs://bucket/key, or a file path the workers can read'),
  )
    .option(
      '-p, --preset <name|file>',
      'built-in preset id, or a preset .json file (sent with the job)',
      DEFAULT_PRESET_ID,
    )
    .option('-o, --out <url>', 's3://bucket/prefix or gs://bucket/prefix for the package')
    .option('-t, --target <name>', 'a target saved on the workers (store, endpoint, bucket, prefix)')
    .option('--endpoint <url>', 'S3 API endpoint (MinIO, radosgw, …)')
    .option('--name <name>', 'package name in the store (default: from the input file name)')
    .option('--attempts <n>', 'runs before the job fails for good', positive, DEFAULT_RETRY_POLICY.attempts)
    .option(
      '--backoff <seconds>',
      'first wait before a retry (doubled each time)',
      positive,
      DEFAULT_RETRY_POLICY.backoffMs / 1000,
    )
    .option('--quality', 'measure PSNR/SSIM of every rung (off by default on the farm)')
    .option('--job-id <id>', 'a job id of your own (a second submit with it is ignored)')
    .option(
      '--chunks <n>',
      `split the film into n segment-aligned windows encoded by as many jobs, then stitched (2-${MAX_CHUNKS})`,
      positive,
    )
    .option('--wait', 'follow the job until it ends and print its playback URL')
    .option('--json', 'print JSON')
    .action(async (input: string, flags: SubmitFlags) => {
      await farmAction(flags.json === true, async () => {
        if (!flags.out && !flags.target)
          throw new InvalidArgumentError('give --out s3://bucket/prefix or --target NAME');
        const data: EncodeJobInput = {
          input: isRemoteUrl(input) ? input : await localInput(input),
          preset: await presetForJob(flags.preset),
          ...(flags.out ? { out: flags.out } : {}),
          ...(flags.target ? { target: flags.target } : {}),
          ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
          ...(flags.name ? { name: flags.name } : {}),
          ...(flags.chunks ? { chunks: flags.chunks } : {}),
          options: { quality: flags.quality === true },
        };
        const { FarmQueue } = await import('../../node/farm/farm-queue.js');
        const queue = new FarmQueue(connectionFrom(flags), flags.queueName);
        try {
          const id = await queue.submit(
            data,
            { attempts: flags.attempts, backoffMs: flags.backoff * 1000 },
            flags.jobId,
          );
          process.stdout.write(
            flags.json
              ? JSON.stringify({ type: 'submitted', id }) + '\n'
              : `job ${id} queued in ${flags.queueName}\n`,
          );
          if (!flags.wait) return EXIT.OK;
          let last = '';
          for (;;) {
            const row = await queue.row(id);
            if (!row) throw new StudioError('IO_ERROR', `job ${id} disappeared from the queue`);
            const line = flags.json ? JSON.stringify({ type: 'job', ...row }) : jobLine(row);
            if (line !== last) process.stdout.write(line + '\n');
            last = line;
            if (row.state === 'completed') return EXIT.OK;
            if (row.state === 'failed') return EXIT.FAILED;
            await new Promise((r) => setTimeout(r, 1000));
          }
        } finally {
          await queue.close();
        }
      });
    });
}

/** A local source is sent as an absolute path: the workers must see the same file (a shared volume). */
async function localInput(file: string): Promise<string> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new StudioError('FILE_NOT_FOUND', `${file} does not exist`, { file });
  return absolute;
}

/** A preset file travels with the job (the workers may not have it); a built-in id is sent by name. */
export async function presetForJob(preset: string): Promise<string | Record<string, unknown>> {
  if (!preset.endsWith('.json') || !existsSync(preset)) return preset;
  try {
    return JSON.parse(await readFile(preset, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new StudioError('PRESET_INVALID', `${preset}: ${(error as Error).message}`);
  }
}

export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}
