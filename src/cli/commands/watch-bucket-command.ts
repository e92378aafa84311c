import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { toErrorData } from '../../common/errors.js';
import { DEFAULT_RETRY_POLICY } from '../../node/farm/encode-job.js';
import { DEFAULT_PRESET_ID } from '../../node/presets/preset-store.js';
import { EXIT } from '../exit-codes.js';
import { addQueueOptions, connectionFrom, farmAction, type QueueFlags } from './jobs-command.js';
import { positive, presetForJob } from './submit-command.js';

interface WatchFlags extends QueueFlags {
  out?: string;
  target?: string;
  sourceTarget?: string;
  endpoint?: string;
  preset: string;
  interval: number;
  once?: boolean;
  eventsPort?: number;
  eventsHost: string;
  eventsToken?: string;
  attempts: number;
  backoff: number;
  json?: boolean;
}

/** `hls-studio watch-bucket s3://in-bucket/prefix --queue … --out s3://…` */
export function registerWatchBucketCommand(program: Command): void {
  addQueueOptions(
    program
      .command('watch-bucket')
      .description(
        'queue an encode for each new object under a bucket prefix, once each (listing, and S3 event pushes)',
      )
      .argument('<url>', 's3://bucket/prefix or gs://bucket/prefix to watch'),
  )
    .option('-o, --out <url>', 's3://bucket/prefix or gs://bucket/prefix for the packages')
    .option('-t, --target <name>', 'a target saved on the workers for the packages')
    .option('--source-target <name>', 'a saved target whose store settings reach the watched bucket')
    .option('--endpoint <url>', 'S3 API endpoint (MinIO, radosgw, …) of the watched store and the output')
    .option('-p, --preset <name|file>', 'built-in preset id, or a preset .json file', DEFAULT_PRESET_ID)
    .option('--interval <seconds>', 'seconds between listings', positive, 30)
    .option('--once', 'list once, queue what is new, and exit')
    .option('--events-port <port>', 'also take S3 event notifications pushed to this port', port)
    .option('--events-host <host>', 'address the event endpoint listens on', '127.0.0.1')
    .option('--events-token <token>', 'token the pushes must carry (default: a random one, printed)')
    .option(
      '--attempts <n>',
      'runs of each job before it fails for good',
      positive,
      DEFAULT_RETRY_POLICY.attempts,
    )
    .option(
      '--backoff <seconds>',
      'first wait before a retry',
      positive,
      DEFAULT_RETRY_POLICY.backoffMs / 1000,
    )
    .option('--json', 'print JSON lines')
    .action(async (url: string, flags: WatchFlags) => {
      await farmAction(flags.json === true, () => watchBucket(url, flags));
    });
}

async function watchBucket(url: string, flags: WatchFlags): Promise<number> {
  if (!flags.out && !flags.target)
    throw new InvalidArgumentError('give --out s3://bucket/prefix or --target NAME');
  const connection = connectionFrom(flags);
  const [{ storeTarget }, { listBucketObjects, watchedPrefix }, { BucketWatch }, { FarmQueue }] =
    await Promise.all([
      import('../../node/remote/store-target.js'),
      import('../../node/farm/bucket-listing.js'),
      import('../../node/farm/bucket-watch.js'),
      import('../../node/farm/farm-queue.js'),
    ]);
  const { redisClient } = await import('../../node/farm/redis-client.js');
  const { redisSeenSet } = await import('../../node/farm/redis-seen-set.js');
  const source = await storeTarget(url, {
    ...(flags.sourceTarget ? { target: flags.sourceTarget } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
  });
  const scheme = source.store === 'gcs' ? 'gs' : 's3';
  const preset = await presetForJob(flags.preset);
  const print = (line: string, json: Record<string, unknown>) =>
    process.stdout.write(flags.json ? JSON.stringify(json) + '\n' : line + '\n');

  const queue = new FarmQueue(connection, flags.queueName);
  const redis = redisClient(connection, flags.once ? 'command' : 'worker');
  redis.on('error', () => {});
  const watch = new BucketWatch({
    list: (signal) => listBucketObjects(source, signal),
    seen: redisSeenSet(redis, flags.queueName),
    enqueue: async (o, jobId) => {
      await queue.submit(
        {
          input: `${scheme}://${o.bucket}/${o.key}`,
          preset,
          ...(flags.out ? { out: flags.out } : {}),
          ...(flags.target ? { target: flags.target } : {}),
          ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
          options: {},
        },
        { attempts: flags.attempts, backoffMs: flags.backoff * 1000 },
        jobId,
      );
    },
    onQueued: (o, jobId) =>
      print(`queued ${scheme}://${o.bucket}/${o.key} as job ${jobId}`, {
        type: 'queued',
        input: `${scheme}://${o.bucket}/${o.key}`,
        id: jobId,
      }),
  });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let endpoint: { url: string; close(): Promise<void> } | undefined;
  try {
    // The first listing runs before anything else: a wrong bucket or key is an error at once.
    const first = await watch.pollOnce(stop.signal);
    print(`${first} new object(s) under ${url}`, { type: 'listed', queued: first });
    if (flags.once) return EXIT.OK;
    if (flags.eventsPort !== undefined) {
      const { startEventEndpoint } = await import('../../node/farm/event-endpoint.js');
      endpoint = await startEventEndpoint({
        host: flags.eventsHost,
        port: flags.eventsPort,
        ...(flags.eventsToken ? { token: flags.eventsToken } : {}),
        bucket: source.bucket,
        prefix: watchedPrefix(source),
        offer: (objects) => watch.offer(objects),
        onSkipped: (reason) => print(`event skipped: ${reason}`, { type: 'skipped', reason }),
      });
      print(`S3 event notifications: push to ${endpoint.url}`, { type: 'endpoint', url: endpoint.url });
    }
    print(`watching ${url} every ${flags.interval} s (Ctrl+C stops)`, { type: 'watching', url });
    await watch.run(flags.interval * 1000, stop.signal, (error) => {
      const e = toErrorData(error);
      print(`listing failed, trying again in ${flags.interval} s: ${e.message}`, { type: 'retry', error: e });
    });
    return EXIT.OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await endpoint?.close();
    await queue.close();
    redis.disconnect();
  }
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
}
