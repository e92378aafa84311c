import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  FarmInputBucket,
  FarmTestReport,
  FarmView,
  SaveFarmRequest,
} from '../../common/api/farm-api.js';
import { StudioError, toErrorData } from '../../common/errors.js';
import { parseTarget, type S3TargetConfig } from '../../common/publish/publish-target.js';
import { parseTargetUrl } from '../../common/publish/s3-url.js';
import type { StaticCredentials } from '../publish/s3-client.js';
import { DEFAULT_QUEUE_NAME, type EncodeJobInput } from '../farm/encode-job.js';
import { FarmQueue } from '../farm/farm-queue.js';
import { parseRedisUrl, redisLabel } from '../farm/redis-url.js';
import type { FarmSettings } from './farm-settings.js';
import type { SettingsStore } from './settings-store.js';
import type { TargetManager } from './target-manager.js';

/** A check of the farm gives up after this: a firewalled host never answers at all. */
const TEST_TIMEOUT_MS = 8000;
const MASK = '***';

/**
 * The farms the studio sends jobs to, saved in settings.json. The Redis URL (its password included)
 * stays in the main process: views carry it masked, and a save with the mask keeps the saved password.
 */
export class FarmConnections {
  private readonly queues = new Map<string, FarmQueue>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly targets: TargetManager,
  ) {}

  list(): FarmView[] {
    return this.settings.get().farms.map(viewOf);
  }

  get(name: string): FarmSettings {
    const farm = this.settings.get().farms.find((f) => f.name === name);
    if (!farm) throw new StudioError('INVALID_ARGUMENT', `no farm named "${name}"`);
    return farm;
  }

  async save(request: SaveFarmRequest): Promise<FarmView> {
    const farms = this.settings.get().farms;
    const previous = farms.find((f) => f.name === (request.replaceName ?? request.name));
    if (request.replaceName && !previous)
      throw new StudioError('INVALID_ARGUMENT', `no farm named "${request.replaceName}"`);
    if (request.name !== previous?.name && farms.some((f) => f.name === request.name))
      throw new StudioError('INVALID_ARGUMENT', `a farm named "${request.name}" already exists`);
    const redisUrl = unmask(request.redisUrl, previous?.redisUrl);
    parseRedisUrl(redisUrl);
    if ('target' in request.out) await this.targets.resolve(request.out.target);
    if (request.sharedFolder !== undefined && !path.isAbsolute(request.sharedFolder))
      throw new StudioError('INVALID_ARGUMENT', `the shared folder must be an absolute path`);
    if (request.inputBucket) {
      try {
        parseTargetUrl(request.inputBucket.url);
      } catch (error) {
        throw new StudioError('INVALID_ARGUMENT', `input bucket: ${(error as Error).message}`);
      }
      if (request.inputBucket.target) await this.targets.resolve(request.inputBucket.target);
    }
    const farm: FarmSettings = {
      name: request.name,
      redisUrl,
      queueName: request.queueName ?? DEFAULT_QUEUE_NAME,
      out: request.out,
      ...(request.sharedFolder ? { sharedFolder: path.resolve(request.sharedFolder) } : {}),
      ...(request.inputBucket ? { inputBucket: request.inputBucket } : {}),
    };
    if (previous) await this.drop(previous.name);
    this.settings.update((s) => ({
      ...s,
      farms: previous ? s.farms.map((f) => (f === previous ? farm : f)) : [...s.farms, farm],
      // A rename: the jobs sent to it follow.
      farmJobs: s.farmJobs.map((j) => (previous && j.farm === previous.name ? { ...j, farm: farm.name } : j)),
    }));
    return viewOf(farm);
  }

  async remove(name: string): Promise<void> {
    this.get(name);
    await this.drop(name);
    this.settings.update((s) => ({ ...s, farms: s.farms.filter((f) => f.name !== name) }));
  }

  /** A publish target was renamed: farms publishing to it follow. */
  renameTarget(from: string, to: string): void {
    this.settings.update((s) => ({
      ...s,
      farms: s.farms.map((f) => ({
        ...f,
        ...('target' in f.out && f.out.target === from ? { out: { target: to } } : {}),
        ...(f.inputBucket?.target === from ? { inputBucket: { ...f.inputBucket, target: to } } : {}),
      })),
      farmJobs: s.farmJobs.map((j) =>
        j.uploadedInput?.target === from ? { ...j, uploadedInput: { ...j.uploadedInput, target: to } } : j,
      ),
    }));
  }

  /** The farm whose workers publish to this target, or whose input bucket is reached with it, if one is. */
  usingTarget(name: string): FarmSettings | undefined {
    return this.settings
      .get()
      .farms.find((f) => ('target' in f.out && f.out.target === name) || f.inputBucket?.target === name);
  }

  /** Reaches the farm's Redis, counts its workers and jobs, and checks the shared folder and output. */
  async test(name: string): Promise<FarmTestReport> {
    const farm = this.get(name);
    const started = Date.now();
    const queue = new FarmQueue(parseRedisUrl(farm.redisUrl), farm.queueName);
    const where = `${redisLabel(farm.redisUrl)} (queue ${farm.queueName})`;
    try {
      await withTimeout(queue.list(1), `no answer from ${where} within ${TEST_TIMEOUT_MS / 1000} s`);
      const [counts, workers] = await Promise.all([
        queue.queue.getJobCounts('waiting', 'active'),
        queue.queue.getWorkersCount(),
      ]);
      const found = { workers, waiting: counts.waiting ?? 0, active: counts.active ?? 0 };
      const problem =
        (await this.folderProblem(farm)) ??
        (await this.outputProblem(farm)) ??
        (await this.inputProblem(farm));
      const reached = `Reached ${where}: ${plural(workers, 'worker')} connected, ${found.waiting} waiting, ${found.active} active.`;
      return {
        ok: !problem,
        message: problem ? `${reached} But ${problem}` : reached,
        ...found,
        elapsedMs: Date.now() - started,
      };
    } catch (error) {
      return { ok: false, message: toErrorData(error).message, elapsedMs: Date.now() - started };
    } finally {
      await queue.close().catch(() => undefined);
    }
  }

  /** What a job's `out`/`target` are: the URL as is, or the saved target's settings (never its secrets). */
  async outputOf(farm: FarmSettings): Promise<Pick<EncodeJobInput, 'out' | 'target'>> {
    if ('url' in farm.out) return { out: farm.out.url };
    return { target: { ...(await this.targets.resolve(farm.out.target)).config } };
  }

  /**
   * The input bucket as the studio uploads to it: the farm's (with the target named for it, else the one
   * the workers publish to, else the credential chain), with that target's settings and vault keys.
   */
  inputBucketOf(farm: FarmSettings): FarmInputBucket | undefined {
    if (!farm.inputBucket) return undefined;
    const target = farm.inputBucket.target ?? ('target' in farm.out ? farm.out.target : undefined);
    return { url: farm.inputBucket.url, ...(target ? { target } : {}) };
  }

  /** The store settings (bucket from the URL) and keys an input bucket URL is reached with. */
  async storeOf(
    bucket: FarmInputBucket,
  ): Promise<{ config: S3TargetConfig; credentials?: StaticCredentials }> {
    const location = parseTargetUrl(bucket.url);
    if (bucket.target) {
      const { config, credentials } = await this.targets.resolve(bucket.target);
      return {
        config: { ...config, bucket: location.bucket, prefix: '' },
        ...(credentials ? { credentials } : {}),
      };
    }
    const parsed = parseTarget({ store: location.store, bucket: location.bucket });
    if (!parsed.ok) throw new StudioError('PUBLISH_CONFIG', parsed.issues.join('; '));
    return { config: parsed.target };
  }

  /** The farm's queue, connected once and kept while it answers. */
  queue(name: string): FarmQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      const farm = this.get(name);
      queue = new FarmQueue(parseRedisUrl(farm.redisUrl), farm.queueName);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Forgets a farm's queue (after an error: its client gives up reconnecting after a few tries, so the
   * next call builds a fresh one).
   */
  async drop(name: string): Promise<void> {
    const queue = this.queues.get(name);
    this.queues.delete(name);
    await queue?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.keys()].map((name) => this.drop(name)));
  }

  private async folderProblem(farm: FarmSettings): Promise<string | undefined> {
    if (!farm.sharedFolder) return undefined;
    try {
      if (!(await stat(farm.sharedFolder)).isDirectory()) return `${farm.sharedFolder} is not a folder.`;
      await access(farm.sharedFolder, constants.W_OK);
      return undefined;
    } catch (error) {
      return `the shared folder ${farm.sharedFolder} cannot be written here: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`;
    }
  }

  private async inputProblem(farm: FarmSettings): Promise<string | undefined> {
    const bucket = this.inputBucketOf(farm);
    try {
      if (bucket) await this.storeOf(bucket);
      return undefined;
    } catch (error) {
      return `the input bucket cannot be reached: ${toErrorData(error).message}.`;
    }
  }

  private async outputProblem(farm: FarmSettings): Promise<string | undefined> {
    try {
      await this.outputOf(farm);
      return undefined;
    } catch (error) {
      return `${toErrorData(error).message}.`;
    }
  }
}

function viewOf(farm: FarmSettings): FarmView {
  return {
    name: farm.name,
    redisUrl: redisLabel(farm.redisUrl),
    queueName: farm.queueName,
    out: farm.out,
    ...(farm.sharedFolder ? { sharedFolder: farm.sharedFolder } : {}),
    ...(farm.inputBucket ? { inputBucket: farm.inputBucket } : {}),
    ...(farm.sharedFolder || farm.inputBucket
      ? {}
      : {
          sourceProblem:
            'no shared folder and no input bucket: files on this computer cannot reach the workers (set a folder every worker mounts at the same path, or a bucket they read from)',
        }),
  };
}

/** The URL with the saved password where the renderer sent back the mask. */
function unmask(url: string, saved: string | undefined): string {
  if (!url.includes(`:${MASK}@`)) return url;
  const password = saved ? parseRedisUrl(saved).password : undefined;
  if (password === undefined)
    throw new StudioError('INVALID_ARGUMENT', 'type the Redis password: no password is saved for this farm');
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StudioError('IO_ERROR', message)), TEST_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
