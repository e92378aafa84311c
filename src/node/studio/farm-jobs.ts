import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { FARM_FINAL_STATES, type FarmJobView } from '../../common/api/farm-api.js';
import type { StudioEvent } from '../../common/api/studio-api.js';
import { StudioError, toErrorData } from '../../common/errors.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import type { JobRow } from '../farm/farm-queue.js';
import type { FarmConnections } from './farm-connections.js';
import type { FarmJobRecord } from './farm-settings.js';
import { farmSourceOf } from './farm-source.js';
import type { SettingsStore } from './settings-store.js';

/** How often unfinished farm jobs are read from their queues: often enough for a progress bar. */
export const FARM_POLL_MS = 1500;

export interface FarmJobsOptions {
  settings: SettingsStore;
  connections: FarmConnections;
  emit(event: StudioEvent): void;
  log(line: string): void;
  pollMs?: number;
  /** Browser mode's upload folder: a file in it is always copied (it goes with its queue row). */
  uploadDir?: string;
}

export interface FarmSend {
  farm: string;
  input: string;
  fileName: string;
  presetId: string;
  /** Sent inline: workers need not have the user's presets. */
  preset: Preset;
  ladder: 'fixed' | 'auto';
}

/**
 * The jobs this studio sent to farms: submitted with FarmQueue, kept in settings.json, and read back
 * from their queues every `pollMs` while any is unfinished; each change goes out as a `farm-job` event.
 */
export class FarmJobs {
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;

  constructor(private readonly options: FarmJobsOptions) {}

  list(): FarmJobView[] {
    return this.records().map(viewOf);
  }

  async send(request: FarmSend): Promise<FarmJobView> {
    const { connections } = this.options;
    const farm = connections.get(request.farm);
    const output = await connections.outputOf(farm);
    const id = `studio-${randomBytes(6).toString('hex')}`;
    const source = await farmSourceOf(request.input, farm, id, this.options.uploadDir);
    try {
      await connections.queue(farm.name).submit(
        {
          input: source.input,
          preset: { ...request.preset },
          ...output,
          options: request.ladder === 'auto' ? { ladder: 'auto' } : {},
        },
        undefined,
        id,
      );
    } catch (error) {
      if (source.copied) await rm(source.copied, { recursive: true, force: true }).catch(() => undefined);
      if (toErrorData(error).code === 'IO_ERROR') await connections.drop(farm.name);
      throw error;
    }
    const record: FarmJobRecord = {
      id,
      farm: farm.name,
      fileName: request.fileName,
      presetId: request.presetId,
      sentAt: Date.now(),
      state: 'waiting',
      attemptsMade: 0,
      attempts: 1,
      ...(source.copied ? { copiedInput: source.copied } : {}),
    };
    this.options.log(`sent ${request.fileName} to farm ${farm.name} as job ${id} (input ${source.input})`);
    this.put(record);
    this.schedule();
    return viewOf(record);
  }

  /** A waiting job leaves the queue at once; a running one is stopped by its worker within seconds. */
  async cancel(id: string): Promise<void> {
    const record = this.get(id);
    const outcome = await this.queueCall(record, (q) => q.cancel(id));
    if (outcome === 'removed') this.put({ ...record, state: 'cancelled', progress: undefined });
    this.schedule();
  }

  async retry(id: string): Promise<void> {
    const record = this.get(id);
    await this.queueCall(record, (q) => q.retry(id));
    this.put({
      ...record,
      state: 'waiting',
      failedReason: undefined,
      progress: undefined,
      finishedAt: undefined,
    });
    this.schedule();
  }

  /** Forgets a job (not while it runs); a source copied for it leaves the shared folder. */
  async forget(id: string): Promise<void> {
    const record = this.get(id);
    if (!FARM_FINAL_STATES.includes(record.state))
      throw new StudioError(
        'INVALID_ARGUMENT',
        `${record.fileName} is ${record.state} on the farm: cancel it first`,
      );
    this.options.settings.update((s) => ({ ...s, farmJobs: s.farmJobs.filter((j) => j.id !== id) }));
    this.options.emit({ type: 'farm-job-removed', id });
    if (record.copiedInput)
      await rm(record.copiedInput, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Jobs still running on a farm: a farm with one of them cannot be removed. */
  unfinishedOn(farm: string): number {
    return this.records().filter((j) => j.farm === farm && !FARM_FINAL_STATES.includes(j.state)).length;
  }

  start(): void {
    this.schedule();
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    await this.polling;
  }

  private closed = false;

  /** The next poll, if any job is unfinished and none is scheduled. */
  private schedule(): void {
    if (this.closed || this.timer || !this.records().some((j) => !FARM_FINAL_STATES.includes(j.state)))
      return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.timer = undefined;
        this.polling = undefined;
        this.schedule();
      });
    }, this.options.pollMs ?? FARM_POLL_MS);
  }

  private async poll(): Promise<void> {
    const unfinished = this.records().filter((j) => !FARM_FINAL_STATES.includes(j.state));
    const farms = new Set(unfinished.map((j) => j.farm));
    for (const farm of farms) {
      const jobs = unfinished.filter((j) => j.farm === farm);
      try {
        const queue = this.options.connections.queue(farm);
        for (const job of jobs) {
          const row = await queue.row(job.id);
          if (this.closed) return;
          this.put(merge(this.get(job.id), row));
        }
      } catch (error) {
        // The last known state stays, marked: the next poll tries a fresh connection.
        const problem = `farm "${farm}" does not answer (its Redis): ${toErrorData(error).message}`;
        for (const job of jobs) if (this.find(job.id)) this.put({ ...this.get(job.id), problem });
        await this.options.connections.drop(farm);
      }
    }
  }

  private queueCall<T>(record: FarmJobRecord, call: (q: ReturnType<FarmConnections['queue']>) => Promise<T>) {
    const queue = this.options.connections.queue(record.farm);
    return call(queue).catch(async (error: unknown) => {
      if (toErrorData(error).code === 'IO_ERROR') await this.options.connections.drop(record.farm);
      throw error;
    });
  }

  private records(): FarmJobRecord[] {
    return this.options.settings.get().farmJobs;
  }

  private find(id: string): FarmJobRecord | undefined {
    return this.records().find((j) => j.id === id);
  }

  private get(id: string): FarmJobRecord {
    const record = this.find(id);
    if (!record) throw new StudioError('INVALID_ARGUMENT', `no farm job ${id}`);
    return record;
  }

  /** Saves and announces a record, if anything the UI shows changed. */
  private put(record: FarmJobRecord): void {
    const clean = Object.fromEntries(
      Object.entries(record).filter(([, v]) => v !== undefined),
    ) as FarmJobRecord;
    const before = this.find(record.id);
    if (before && JSON.stringify(before) === JSON.stringify(clean)) return;
    this.options.settings.update((s) => ({
      ...s,
      farmJobs: before ? s.farmJobs.map((j) => (j.id === clean.id ? clean : j)) : [...s.farmJobs, clean],
    }));
    this.options.emit({ type: 'farm-job', job: viewOf(clean) });
  }
}

/**
 * A queue row folded into the record. Rows may carry more than JobRow says (the engine grows: job
 * names of flows, new states); only what the view shows is read, and an unknown state is passed on.
 */
function merge(record: FarmJobRecord, row: JobRow | undefined): FarmJobRecord {
  const { problem: _fixed, ...rest } = record as FarmJobRecord & { problem?: string };
  if (!row) return { ...rest, state: FARM_FINAL_STATES.includes(rest.state) ? rest.state : 'removed' };
  const progress = row.progress && typeof row.progress.ratio === 'number' ? row.progress : undefined;
  const reason = row.failedReason;
  const cancelled = row.state === 'failed' && reason?.startsWith('CANCELLED');
  const finishedAt = row.finishedAt ? Date.parse(row.finishedAt) : undefined;
  return {
    ...rest,
    state: cancelled ? 'cancelled' : String(row.state),
    attemptsMade: row.attemptsMade,
    attempts: row.attempts,
    progress: progress
      ? {
          ratio: progress.ratio,
          ...(progress.phase ? { phase: progress.phase } : {}),
          ...(typeof progress.etaSec === 'number' ? { etaSec: progress.etaSec } : {}),
        }
      : undefined,
    failedReason: row.state === 'failed' && !cancelled ? reason : undefined,
    playbackUrl: row.state === 'completed' ? row.result?.playbackUrl : undefined,
    finishedAt: finishedAt && Number.isFinite(finishedAt) ? finishedAt : undefined,
  };
}

function viewOf(record: FarmJobRecord): FarmJobView {
  const { copiedInput: _local, ...view } = record;
  return view as FarmJobView;
}
