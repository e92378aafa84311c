import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  FARM_FINAL_STATES,
  FARM_UPLOADING,
  type FarmInputBucket,
  type FarmJobView,
} from '../../common/api/farm-api.js';
import type { StudioEvent } from '../../common/api/studio-api.js';
import { StudioError, toErrorData } from '../../common/errors.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import type { JobRow } from '../farm/farm-queue.js';
import type { FarmConnections } from './farm-connections.js';
import type { FarmJobRecord, FarmSettings } from './farm-settings.js';
import { farmSourceOf } from './farm-source.js';
import { removeFarmUpload, uploadFarmSource, type FarmUploadTuning } from './farm-upload.js';
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
  uploadTuning?: FarmUploadTuning;
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

  /**
   * Submits the job; a source for the input bucket is uploaded first, shown meanwhile as an `uploading`
   * row. A failed or cancelled upload removes that row and throws (the caller keeps its local job).
   */
  async send(request: FarmSend): Promise<FarmJobView> {
    const { connections } = this.options;
    const farm = connections.get(request.farm);
    const output = await connections.outputOf(farm);
    const id = `studio-${randomBytes(6).toString('hex')}`;
    const source = await farmSourceOf(request.input, farm, id, this.options.uploadDir);
    const sentAt = Date.now();
    const uploaded =
      'upload' in source ? await this.upload(id, sentAt, request, farm, source.upload) : undefined;
    const input = 'upload' in source ? source.upload.url : source.input;
    const copied = 'copied' in source ? source.copied : undefined;
    try {
      await connections.queue(farm.name).submit(
        {
          input,
          preset: { ...request.preset },
          ...output,
          options: request.ladder === 'auto' ? { ladder: 'auto' } : {},
        },
        undefined,
        id,
      );
    } catch (error) {
      if (copied) await rm(copied, { recursive: true, force: true }).catch(() => undefined);
      if (uploaded) {
        await removeFarmUpload(connections, uploaded).catch(() => undefined);
        this.drop(id);
      }
      if (toErrorData(error).code === 'IO_ERROR') await connections.drop(farm.name);
      throw error;
    }
    const record: FarmJobRecord = {
      id,
      farm: farm.name,
      fileName: request.fileName,
      presetId: request.presetId,
      sentAt,
      state: 'waiting',
      attemptsMade: 0,
      attempts: 1,
      ...(copied ? { copiedInput: copied } : {}),
      ...(uploaded ? { uploadedInput: uploaded } : {}),
    };
    this.options.log(`sent ${request.fileName} to farm ${farm.name} as job ${id} (input ${input})`);
    this.put(record);
    this.schedule();
    return viewOf(record);
  }

  /** The upload to the input bucket, as an `uploading` row that its Cancel aborts. */
  private async upload(
    id: string,
    sentAt: number,
    request: FarmSend,
    farm: FarmSettings,
    upload: { file: string; url: string },
  ): Promise<FarmInputBucket> {
    const controller = new AbortController();
    this.uploads.set(id, controller);
    const progress = (ratio: number) => ({ ratio: Math.floor(ratio * 100) / 100, phase: FARM_UPLOADING });
    this.put({
      id,
      farm: farm.name,
      fileName: request.fileName,
      presetId: request.presetId,
      sentAt,
      state: FARM_UPLOADING,
      attemptsMade: 0,
      attempts: 1,
      progress: progress(0),
    });
    try {
      const uploaded = await uploadFarmSource(this.options.connections, farm, upload, {
        signal: controller.signal,
        onProgress: (ratio) => {
          if (this.find(id)) this.put({ ...this.get(id), progress: progress(ratio) });
        },
        ...(this.options.uploadTuning ? { tuning: this.options.uploadTuning } : {}),
      });
      this.options.log(`uploaded ${request.fileName} for farm ${farm.name} to ${uploaded.url}`);
      return uploaded;
    } catch (error) {
      this.drop(id);
      this.options.log(`${toErrorData(error).message}`);
      throw error;
    } finally {
      this.uploads.delete(id);
    }
  }

  /** Forgets a record at once (an upload that did not end in a submitted job). */
  private drop(id: string): void {
    if (!this.find(id)) return;
    this.options.settings.update((s) => ({ ...s, farmJobs: s.farmJobs.filter((j) => j.id !== id) }));
    this.options.emit({ type: 'farm-job-removed', id });
  }

  /** A waiting job leaves the queue at once; a running one is stopped by its worker within seconds. */
  async cancel(id: string): Promise<void> {
    const record = this.get(id);
    const upload = this.uploads.get(id);
    if (upload) return upload.abort();
    const outcome = await this.queueCall(record, (q) => q.cancel(id));
    if (outcome === 'removed') this.put({ ...record, state: 'cancelled', progress: undefined });
    this.schedule();
  }

  async retry(id: string): Promise<void> {
    const record = this.get(id);
    if (record.state === FARM_UPLOADING)
      throw new StudioError('INVALID_ARGUMENT', `${record.fileName} is still being uploaded`);
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

  /** Forgets a job (not while it runs); a source copied or uploaded for it is removed. */
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
    if (record.uploadedInput)
      await removeFarmUpload(this.options.connections, record.uploadedInput).catch((error: unknown) =>
        this.options.log(`could not remove ${record.uploadedInput!.url}: ${toErrorData(error).message}`),
      );
  }

  /** Jobs still running on a farm: a farm with one of them cannot be removed. */
  unfinishedOn(farm: string): number {
    return this.records().filter((j) => j.farm === farm && !FARM_FINAL_STATES.includes(j.state)).length;
  }

  start(): void {
    // Uploads a closed studio left unfinished: their jobs were never submitted and are still queued here.
    for (const record of this.records().filter((j) => j.state === FARM_UPLOADING)) this.drop(record.id);
    this.schedule();
  }

  async close(): Promise<void> {
    for (const upload of this.uploads.values()) upload.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    await this.polling;
  }

  private closed = false;
  private readonly uploads = new Map<string, AbortController>();

  /** The next poll, if any job is unfinished and none is scheduled. */
  private schedule(): void {
    if (this.closed || this.timer || !this.records().some(polled)) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.timer = undefined;
        this.polling = undefined;
        this.schedule();
      });
    }, this.options.pollMs ?? FARM_POLL_MS);
  }

  private async poll(): Promise<void> {
    const unfinished = this.records().filter(polled);
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

/** A job read back from its queue: submitted and not finished. */
function polled(record: FarmJobRecord): boolean {
  return !FARM_FINAL_STATES.includes(record.state) && record.state !== FARM_UPLOADING;
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
  const { copiedInput: _local, uploadedInput: _uploaded, ...view } = record;
  return view as FarmJobView;
}
