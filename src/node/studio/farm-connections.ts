import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FarmTestReport, FarmView, SaveFarmRequest } from '../../common/api/farm-api.js';
import { StudioError, toErrorData } from '../../common/errors.js';
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
    const farm: FarmSettings = {
      name: request.name,
      redisUrl,
      queueName: request.queueName ?? DEFAULT_QUEUE_NAME,
      out: request.out,
      ...(request.sharedFolder ? { sharedFolder: path.resolve(request.sharedFolder) } : {}),
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
      farms: s.farms.map((f) =>
        'target' in f.out && f.out.target === from ? { ...f, out: { target: to } } : f,
      ),
    }));
  }

  /** The farm whose workers publish to this target, if one does. */
  usingTarget(name: string): FarmSettings | undefined {
    return this.settings.get().farms.find((f) => 'target' in f.out && f.out.target === name);
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
      const problem = (await this.folderProblem(farm)) ?? (await this.outputProblem(farm));
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
    ...(farm.sharedFolder
      ? { sharedFolder: farm.sharedFolder }
      : {
          sourceProblem:
            'no shared folder: files on this computer cannot reach the workers (set one that every worker mounts at the same path)',
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
