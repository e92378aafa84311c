import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type {
  AddJobsRequest,
  ConcurrencyRequest,
  JobRequest,
  JobView,
  MoveJobRequest,
  PresetSummary,
  StudioApi,
  StudioEvent,
} from '../../common/api/studio-api.js';
import type { EncodeEvent, PackageResult } from '../../common/encode-events.js';
import { StudioError, toErrorData } from '../../common/errors.js';
import { PACKAGE_NAMES } from '../../common/ffmpeg/hls-args.js';
import { packageNameFor } from '../../common/package-name.js';
import { encodePackage } from '../encode/encode-package.js';
import { listBuiltInPresets, loadPreset } from '../presets/preset-store.js';
import { expandPaths } from './expand-paths.js';

export interface JobQueueOptions {
  /** Folder that receives one package folder per job. */
  outDir: string;
  /** URL prefix under which a finished package is served to the UI, e.g. `/packages` or `studio-package://p`. */
  packageBaseUrl: string;
  concurrency?: number;
  /** Every ffmpeg/ffprobe command line run, for the log a user can replay. */
  onCommand?: (line: string) => void;
}

interface Job {
  view: JobView;
  input: string;
  packageDir?: string;
  controller?: AbortController;
}

/**
 * The encode queue behind every face: jobs run in order, `concurrency` at a time, each one a call of the
 * engine's encodePackage; every change is published as a StudioEvent. Implements StudioApi.
 */
export class JobQueue implements StudioApi {
  private readonly jobs = new Map<string, Job>();
  private order: string[] = [];
  private concurrency: number;
  private readonly listeners = new Set<(event: StudioEvent) => void>();

  constructor(private readonly options: JobQueueOptions) {
    this.concurrency = options.concurrency ?? 1;
  }

  async listPresets(): Promise<PresetSummary[]> {
    return (await listBuiltInPresets()).map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description,
      rungs: p.rungs.map((r) => ({ width: r.width, height: r.height, bitrateKbps: r.bitrateKbps })),
    }));
  }

  async listJobs(): Promise<JobView[]> {
    return this.order.map((id) => this.jobs.get(id)!.view);
  }

  async addJobs(request: AddJobsRequest): Promise<JobView[]> {
    await loadPreset(request.presetId); // an unknown preset fails here, before anything is queued
    const added = (await expandPaths(request.paths)).map((input) => {
      const id = randomBytes(6).toString('hex');
      const job: Job = {
        input,
        view: { id, fileName: path.basename(input), presetId: request.presetId, status: 'queued', notes: [] },
      };
      this.jobs.set(id, job);
      this.order.push(id);
      this.emit({ type: 'job', job: job.view });
      return job.view;
    });
    this.pump();
    return added;
  }

  /** Only the package is affected: a queued job is dropped from the run, a running one is stopped and its partial package removed. */
  async cancelJob({ id }: JobRequest): Promise<void> {
    const job = this.get(id);
    if (job.view.status === 'queued') this.update(job, { status: 'cancelled' });
    job.controller?.abort();
  }

  async retryJob({ id }: JobRequest): Promise<void> {
    const job = this.get(id);
    if (job.view.status !== 'failed' && job.view.status !== 'cancelled') {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `${job.view.fileName} is ${job.view.status}; only failed or cancelled jobs can be retried`,
      );
    }
    this.update(job, { status: 'queued', error: undefined, progress: undefined, result: undefined });
    this.pump();
  }

  async removeJob({ id }: JobRequest): Promise<void> {
    const job = this.get(id);
    job.controller?.abort();
    this.jobs.delete(id);
    this.order = this.order.filter((x) => x !== id);
    this.emit({ type: 'removed', id });
  }

  async moveJob({ id, toIndex }: MoveJobRequest): Promise<void> {
    this.get(id);
    const rest = this.order.filter((x) => x !== id);
    rest.splice(Math.min(toIndex, rest.length), 0, id);
    this.order = rest;
    this.emit({ type: 'order', ids: [...this.order] });
  }

  async setConcurrency({ jobs }: ConcurrencyRequest): Promise<void> {
    this.concurrency = jobs;
    this.pump();
  }

  onEvent(listener: (event: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The package folder of a finished job (what the package server may serve), or undefined. */
  packageDirOf(id: string): string | undefined {
    const job = this.jobs.get(id);
    return job?.view.status === 'done' ? job.packageDir : undefined;
  }

  /** Stops every running job (server shutdown). */
  async close(): Promise<void> {
    for (const job of this.jobs.values()) job.controller?.abort();
  }

  private get(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new StudioError('INVALID_ARGUMENT', `no job ${id}`);
    return job;
  }

  private running(): number {
    return [...this.jobs.values()].filter((j) => j.controller).length;
  }

  private pump(): void {
    while (this.running() < this.concurrency) {
      const next = this.order
        .map((id) => this.jobs.get(id)!)
        .find((j) => j.view.status === 'queued' && !j.controller);
      if (!next) break;
      void this.run(next);
    }
  }

  private async run(job: Job): Promise<void> {
    job.controller = new AbortController();
    const names = new Set([...this.jobs.values()].filter((j) => j !== job).map((j) => j.packageDir));
    let name = `${packageNameFor(job.input)}-${job.view.id}`;
    while (names.has(path.join(this.options.outDir, name))) name += '-2';
    job.packageDir = path.join(this.options.outDir, name);
    this.update(job, { status: 'probing' });
    try {
      const preset = await loadPreset(job.view.presetId);
      const result = await encodePackage(
        { input: job.input, packageDir: job.packageDir, preset, overwrite: true },
        {
          signal: job.controller.signal,
          onEvent: (e) => this.onEncodeEvent(job, e),
          onCommand: this.options.onCommand,
        },
      );
      this.update(job, { status: 'done', progress: { ratio: 1 }, result: this.resultView(job, result) });
    } catch (error) {
      const data = toErrorData(error);
      this.update(
        job,
        data.code === 'CANCELLED'
          ? { status: 'cancelled', progress: undefined }
          : { status: 'failed', error: data },
      );
    } finally {
      job.controller = undefined;
      if (this.jobs.has(job.view.id)) this.pump();
      this.maybeDrained();
    }
  }

  private onEncodeEvent(job: Job, event: EncodeEvent): void {
    switch (event.type) {
      case 'probed':
        return this.update(job, { source: event.source });
      case 'planned':
        return this.update(job, { status: 'encoding', notes: event.plan.notes, progress: { ratio: 0 } });
      case 'progress':
        return this.update(job, {
          progress: { ratio: event.ratio, fps: event.fps, speed: event.speed, etaSec: event.etaSec },
        });
      case 'packaging':
        return this.update(job, { status: 'packaging' });
      default:
        return;
    }
  }

  private resultView(job: Job, result: PackageResult): JobView['result'] {
    const baseUrl = `${this.options.packageBaseUrl}/${job.view.id}/`;
    return {
      baseUrl,
      multivariantPlaylist: PACKAGE_NAMES.multivariantPlaylist,
      variants: result.variants,
      storyboardVtt: result.images?.storyboard?.vtt,
      poster: result.images?.posterJpeg,
      validation: result.validation,
      sizeBytes: result.sizeBytes,
      elapsedSec: result.elapsedSec,
    };
  }

  private update(job: Job, change: Partial<JobView>): void {
    job.view = { ...job.view, ...change };
    if (this.jobs.has(job.view.id)) this.emit({ type: 'job', job: job.view });
  }

  private maybeDrained(): void {
    const views = [...this.jobs.values()].map((j) => j.view);
    if (
      views.some(
        (v) =>
          v.status === 'queued' ||
          v.status === 'probing' ||
          v.status === 'encoding' ||
          v.status === 'packaging',
      )
    )
      return;
    const count = (s: JobView['status']) => views.filter((v) => v.status === s).length;
    this.emit({
      type: 'drained',
      done: count('done'),
      failed: count('failed'),
      cancelled: count('cancelled'),
    });
  }

  private emit(event: StudioEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
