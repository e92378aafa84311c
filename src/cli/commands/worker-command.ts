import { InvalidArgumentError, type Command } from 'commander';
import { WORKER_DEFAULTS } from '../../node/farm/encode-job.js';
import { redisLabel } from '../../node/farm/redis-url.js';
import { EXIT } from '../exit-codes.js';
import { addQueueOptions, connectionFrom, farmAction, type QueueFlags } from './jobs-command.js';

interface WorkerFlags extends QueueFlags {
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
  gracePeriod: number;
}

/** `hls-studio worker --queue redis://host:6379/0 [--concurrency 1]` */
export function registerWorkerCommand(program: Command): void {
  addQueueOptions(
    program.command('worker').description('run the farm’s encode jobs from a BullMQ queue until SIGTERM'),
  )
    .option('--concurrency <n>', 'jobs at once (one encode already uses every core)', whole(1), 1)
    .option(
      '--lock-duration <ms>',
      'a job’s lock lifetime: a killed worker’s job is taken over after it',
      whole(1000),
      WORKER_DEFAULTS.lockDurationMs,
    )
    .option(
      '--stalled-interval <ms>',
      'how often to look for jobs whose worker died',
      whole(500),
      WORKER_DEFAULTS.stalledIntervalMs,
    )
    .option(
      '--max-stalled <n>',
      'times a job may lose its worker before it fails',
      whole(0),
      WORKER_DEFAULTS.maxStalledCount,
    )
    .option(
      '--grace-period <sec>',
      'on SIGTERM, time to finish the current job before handing it back',
      whole(0),
      120,
    )
    .action(async (flags: WorkerFlags) => {
      await farmAction(false, async () => {
        const connection = connectionFrom(flags);
        const { startEncodeWorker } = await import('../../node/farm/encode-worker.js');
        const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
        const encodeWorker = startEncodeWorker({
          connection,
          queueName: flags.queueName,
          concurrency: flags.concurrency,
          lockDurationMs: flags.lockDuration,
          stalledIntervalMs: flags.stalledInterval,
          maxStalledCount: flags.maxStalled,
          log,
        });
        log(
          `worker ${process.pid} on ${redisLabel(flags.queue)} queue ${flags.queueName}, ${flags.concurrency} at a time`,
        );
        const signal = await new Promise<string>((resolve) => {
          process.once('SIGTERM', () => resolve('SIGTERM'));
          process.once('SIGINT', () => resolve('SIGINT'));
        });
        log(`${signal}: taking no more jobs; the current one has ${flags.gracePeriod} s to finish`);
        const { handedBack } = await encodeWorker.stop(flags.gracePeriod * 1000);
        log(handedBack.length ? `handed back job(s) ${handedBack.join(', ')}; stopped` : 'stopped');
        return EXIT.OK;
      });
    });
}

function whole(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`must be a whole number, at least ${min}`);
    return n;
  };
}
