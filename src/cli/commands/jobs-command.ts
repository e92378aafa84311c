import { InvalidArgumentError, type Command } from 'commander';
import { toErrorData } from '../../common/errors.js';
import type { JobRow } from '../../node/farm/farm-queue.js';
import { DEFAULT_QUEUE_NAME } from '../../node/farm/encode-job.js';
import { parseRedisUrl, type RedisConnection } from '../../node/farm/redis-url.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { formatBytes, formatDuration } from '../progress-line.js';

export interface QueueFlags {
  queue: string;
  queueName: string;
}

/** `--queue redis://…` (env HLS_STUDIO_QUEUE) and `--queue-name`: the same two options on every farm command. */
export function addQueueOptions(command: Command): Command {
  return command
    .option(
      '--queue <url>',
      'Redis of the job queue: redis://[user:password@]host:6379/0 (env HLS_STUDIO_QUEUE)',
      process.env.HLS_STUDIO_QUEUE,
    )
    .option('--queue-name <name>', 'BullMQ queue name', DEFAULT_QUEUE_NAME);
}

export function connectionFrom(flags: QueueFlags): RedisConnection {
  if (!flags.queue)
    throw new InvalidArgumentError('give --queue redis://host:6379/0 (or env HLS_STUDIO_QUEUE)');
  return parseRedisUrl(flags.queue);
}

/** Runs a farm command's body; a failure is printed and becomes the exit code. */
export async function farmAction(json: boolean, run: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run();
  } catch (error) {
    const data = toErrorData(error);
    if (json) process.stdout.write(JSON.stringify({ type: 'failed', error: data }) + '\n');
    else process.stderr.write(`hls-studio: ${data.message}\n`);
    process.exitCode = error instanceof InvalidArgumentError ? EXIT.USAGE : exitCodeFor(data.code);
  }
}

/** One line per job: id, state, progress or outcome, input → output. */
export function jobLine(row: JobRow): string {
  const tries =
    row.attempts > 1 ? ` try ${Math.min(row.attemptsMade + 1, row.attempts)}/${row.attempts}` : '';
  const progress = row.progress
    ? ` ${Math.round(row.progress.ratio * 100)}% ${row.progress.phase}${row.progress.etaSec === undefined ? '' : `, ${formatDuration(row.progress.etaSec)} left`}`
    : '';
  let detail = '';
  if (row.state === 'active' || row.state === 'waiting' || row.state === 'delayed')
    detail = `${progress}${tries}`;
  else if (row.state === 'completed' && row.result)
    detail = ` ${formatDuration(row.result.durationSec)} video, ${formatBytes(row.result.sizeBytes)} in ${row.result.elapsedSec.toFixed(0)} s → ${row.result.playbackUrl}`;
  else if (row.state === 'completed' && row.partResult)
    detail = ` ${row.partResult.files} files, ${formatBytes(row.partResult.bytes)} in ${row.partResult.elapsedSec.toFixed(0)} s (encode ${row.partResult.encodeSec.toFixed(0)} s)`;
  else if (row.state === 'failed')
    detail = ` after ${row.attemptsMade} attempt(s): ${row.failedReason ?? '?'}`;
  const part = row.part ? ` [${row.part}]` : '';
  return `${row.id.padEnd(6)} ${row.state.padEnd(9)} ${row.input} → ${row.out}${part}${detail}`;
}

/** `hls-studio jobs [list|cancel ID|retry ID] --queue …` */
export function registerJobsCommand(program: Command): void {
  addQueueOptions(
    program
      .command('jobs')
      .description('the farm’s jobs: list them with their progress, cancel one, retry a failed one')
      .argument('[action]', 'list, cancel or retry', 'list')
      .argument('[id]', 'job id (cancel, retry)'),
  )
    .option('--limit <n>', 'jobs to list', (v) => Number(v), 50)
    .option('--json', 'print JSON')
    .action(
      async (
        action: string,
        id: string | undefined,
        flags: QueueFlags & { limit: number; json?: boolean },
      ) => {
        await farmAction(flags.json === true, async () => {
          if (!['list', 'cancel', 'retry'].includes(action))
            throw new InvalidArgumentError(`unknown action "${action}": list, cancel ID or retry ID`);
          if (action !== 'list' && !id) throw new InvalidArgumentError(`jobs ${action} needs a job id`);
          const { FarmQueue } = await import('../../node/farm/farm-queue.js');
          const queue = new FarmQueue(connectionFrom(flags), flags.queueName);
          try {
            if (action === 'cancel') {
              const outcome = await queue.cancel(id!);
              const message =
                outcome === 'removed' ? `job ${id} removed` : `job ${id} is running: its worker stops it`;
              process.stdout.write(flags.json ? JSON.stringify({ id, outcome }) + '\n' : `${message}\n`);
            } else if (action === 'retry') {
              await queue.retry(id!);
              process.stdout.write(
                flags.json ? JSON.stringify({ id, outcome: 'retried' }) + '\n' : `job ${id} queued again\n`,
              );
            } else {
              const rows = await queue.list(flags.limit);
              if (flags.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
              else if (rows.length === 0) process.stdout.write(`no jobs in queue ${flags.queueName}\n`);
              else for (const row of rows) process.stdout.write(jobLine(row) + '\n');
            }
            return EXIT.OK;
          } finally {
            await queue.close();
          }
        });
      },
    );
}
