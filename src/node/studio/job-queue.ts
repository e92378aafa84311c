import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  AddJobsRequest,
  JobView,
  MoveJobRequest,
  PublishView,
  StudioEvent,
} from '../../common/api/studio-api.js';
import type { EncodeEvent } from '../../common/encode-events.js';
import { StudioError, toErrorData, type StudioErrorData } from '../../common/errors.js';
import { livePackage } from '../../common/package/live-playlists.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import { packageNameFor } from '../../common/package-name.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import type { PublishEvent, PublishSummary } from '../../common/publish/publish-events.js';
import { encodePackage } from '../encode/encode-package.js';
import { PARTIAL_MARKER } from '../package/staging-dir.js';
import { createStateWriter, loadStateFile } from '../state/state-file.js';
import { expandPaths } from './expand-paths.js';
import { rungSizes, toJobResult } from './job-result.js';
import type { LiveJob, LiveState } from './live-preview.js';
import { queueFileSchema, type PersistedJob } from './queue-file.js';

/** Publishes a package folder; resolves the target name first (`onTarget`) so the UI can show it. */
export type PublishFn = (
  request: { packageDir: string; target?: string; name?: string },
  context: { signal: AbortSignal; onTarget(name: string): void; onEvent(event: PublishEvent): void },
) => Promise<PublishSummary>;

export interface JobQueueOptions {
  /** Folder that receives one package folder per job. */
  outDir: string;
  /** URL prefix under which a finished package is served to the UI, e.g. `/packages` or `studio-package://p`. */
  packageBaseUrl: string;
  /** URL prefix of running jobs' live previews (`/api/live`, `studio-package://live`); none without it. */
  liveBaseUrl?: string;
  concurrency?: number;
  loadPreset(id: string): Promise<Preset>;
  /** How a job's ladder is chosen: the preset's own rungs, or per title (`--ladder auto`). Default fixed. */
  ladderFor?(presetId: string): 'fixed' | 'auto';
  publish?: PublishFn;
  /** queue.json: every change is written there, and a restart continues from it. */
  stateFile?: string;
  /** Every ffmpeg/ffprobe command line run, for the log a user can replay. */
  onCommand?: (line: string) => void;
  /** Problems worth a line in the log (a state file that could not be read or written). */
  log?: (line: string) => void;
}

interface Job extends PersistedJob {
  controller?: AbortController;
  /** Settles when the job's encode has stopped (its ffmpeg gone), however it ended. */
  ended?: Promise<void>;
  publishController?: AbortController;
  /** The live preview of its latest run (memory only: the staging folder is never a package). */
  live?: LiveJob;
  /** While packaging: are the staged segments settled (read only until the assembly starts)? */
  mediaSettled?: boolean;
}

const RUNNING: readonly JobView['status'][] = ['probing', 'encoding', 'packaging'];
/** A job's view offers its live preview only in these states (its staging folder has media). */
const LIVE: readonly JobView['status'][] = ['encoding', 'packaging'];

/**
 * The encode queue behind every face: jobs run in order, `concurrency` at a time, each one a call of the
 * engine's encodePackage, then (when asked) a publish. Every change is an event and is written to
 * queue.json, so after a crash or a kill `open` brings the queue back: jobs that were running are
 * queued again (marked interrupted), interrupted publishes resume, finished jobs stay as history.
 */
export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private order: string[] = [];
  private concurrency: number;
  private readonly listeners = new Set<(event: StudioEvent) => void>();
  private readonly writer;

  private constructor(private readonly options: JobQueueOptions) {
    this.concurrency = options.concurrency ?? 1;
    this.writer = options.stateFile
      ? createStateWriter(options.stateFile, { minIntervalMs: 250 })
      : undefined;
  }

  static async open(options: JobQueueOptions): Promise<JobQueue> {
    const queue = new JobQueue(options);
    await queue.restore();
    queue.pump();
    return queue;
  }

  listJobs(): JobView[] {
    return this.order.map((id) => this.jobs.get(id)!.view);
  }

  async addJobs(
    request: AddJobsRequest & {
      watchFolderId?: string;
      autoPublishTarget?: string;
      /** The watch folder's key of the file (path|size|mtime), kept with the job in queue.json. */
      watchKey?: string;
    },
  ): Promise<JobView[]> {
    await this.options.loadPreset(request.presetId); // an unknown preset fails here, before anything is queued
    const added = (await expandPaths(request.paths)).map((input) => {
      const id = randomBytes(6).toString('hex');
      const job: Job = {
        input,
        ...(request.watchKey ? { watchKey: request.watchKey } : {}),
        view: {
          id,
          fileName: path.basename(input),
          presetId: request.presetId,
          status: 'queued',
          notes: [],
          addedAt: Date.now(),
          ...(request.watchFolderId ? { watchFolderId: request.watchFolderId } : {}),
          ...(request.autoPublishTarget ? { autoPublishTarget: request.autoPublishTarget } : {}),
        },
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
  cancelJob(id: string): void {
    const job = this.get(id);
    if (job.view.status === 'queued') this.update(job, { status: 'cancelled' });
    job.controller?.abort();
  }

  retryJob(id: string): void {
    const job = this.get(id);
    if (job.view.status !== 'failed' && job.view.status !== 'cancelled') {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `${job.view.fileName} is ${job.view.status}; only failed or cancelled jobs can be retried`,
      );
    }
    this.update(job, {
      status: 'queued',
      error: undefined,
      progress: undefined,
      result: undefined,
      interrupted: undefined,
    });
    this.pump();
  }

  /** Removes a job from the list; resolves once its encode (if one was running) has stopped. */
  async removeJob(id: string): Promise<void> {
    const job = this.get(id);
    job.controller?.abort();
    job.publishController?.abort();
    // Still counted as running until its ffmpeg is gone, so `concurrency` holds even for a moment.
    if (job.controller) this.stopping.add(job);
    this.jobs.delete(id);
    this.order = this.order.filter((x) => x !== id);
    this.emit({ type: 'removed', id });
    await job.ended;
  }

  private readonly stopping = new Set<Job>();

  moveJob({ id, toIndex }: MoveJobRequest): void {
    this.get(id);
    const rest = this.order.filter((x) => x !== id);
    rest.splice(Math.min(toIndex, rest.length), 0, id);
    this.order = rest;
    this.emit({ type: 'order', ids: [...this.order] });
  }

  setConcurrency(jobs: number): void {
    this.concurrency = jobs;
    this.pump();
  }

  /** Starts publishing a finished job's package; progress and the outcome arrive as job events. */
  publishJob(id: string, target?: string, name?: string): void {
    this.finishedPackageOf(id);
    const job = this.get(id);
    if (job.publishController)
      throw new StudioError('INVALID_ARGUMENT', `${job.view.fileName} is already being published`);
    void this.runPublish(job, target, name);
  }

  /** A done job's package folder, for publishing it; a job without one is the caller's mistake. */
  finishedPackageOf(id: string): string {
    const job = this.get(id);
    if (job.view.status !== 'done' || !job.packageDir)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `${job.view.fileName} is not encoded yet: nothing to publish`,
      );
    return job.packageDir;
  }

  cancelPublish(id: string): void {
    const job = this.get(id);
    if (!job.publishController)
      throw new StudioError('INVALID_ARGUMENT', `${job.view.fileName} is not being published`);
    job.publishController.abort();
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

  /** A job's live preview (running, or done since it started): what the preview route may serve. */
  liveJobOf(id: string): LiveJob | undefined {
    return this.jobs.get(id)?.live;
  }

  /** The source file of a job. */
  inputOf(id: string): string {
    return this.get(id).input;
  }

  /** After the bucket's CORS was fixed: jobs published to `target` no longer show the problem. */
  clearCorsProblem(target: string): void {
    for (const job of this.jobs.values())
      if (job.view.publish?.target === target && job.view.publish.corsProblem)
        this.update(job, { publish: { ...job.view.publish, corsProblem: undefined } });
  }

  /** A preset was renamed: jobs that have not run yet follow it. */
  renamePreset(from: string, to: string): void {
    for (const job of this.jobs.values())
      if (job.view.presetId === from && job.view.status !== 'done') this.update(job, { presetId: to });
  }

  /** Does a job that will still run (queued or running) use this preset? */
  waitingFor(presetId: string): boolean {
    return [...this.jobs.values()].some(
      (j) => j.view.presetId === presetId && (j.view.status === 'queued' || RUNNING.includes(j.view.status)),
    );
  }

  /** Was this watch-folder file (its key) queued already? The queue remembers it as long as the job is listed. */
  hasWatchKey(key: string): boolean {
    return [...this.jobs.values()].some((j) => j.watchKey === key);
  }

  /** Resolves when queue.json holds every change so far. */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }

  /** A target was renamed: jobs that will still publish follow it. */
  renameTarget(from: string, to: string): void {
    for (const job of this.jobs.values()) {
      const change: Partial<JobView> = {};
      if (job.view.autoPublishTarget === from) change.autoPublishTarget = to;
      if (job.view.publish?.target === from) change.publish = { ...job.view.publish, target: to };
      if (Object.keys(change).length) this.update(job, change);
    }
  }

  /** Jobs queued from a watch folder, for its count. */
  countFromWatchFolder(id: string): number {
    return [...this.jobs.values()].filter((j) => j.view.watchFolderId === id).length;
  }

  /**
   * Stops every running job and publish (shutdown) and writes the queue. Jobs stopped this way are
   * written as they were, so the next start re-runs them, as after a crash.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.jobs.values()) {
      job.controller?.abort();
      job.publishController?.abort();
    }
    await this.writer?.flush();
  }

  private closing = false;

  private async restore(): Promise<void> {
    if (!this.options.stateFile) return;
    const value = await loadStateFile(this.options.stateFile, queueFileSchema, (m) => this.options.log?.(m));
    const resumePublish: Job[] = [];
    for (const saved of value?.jobs ?? []) {
      const job: Job = {
        input: saved.input,
        view: saved.view,
        packageDir: saved.packageDir,
        ...(saved.watchKey ? { watchKey: saved.watchKey } : {}),
      };
      const view = withoutLive(job.view);
      job.view = view;
      if (RUNNING.includes(view.status)) {
        job.view = { ...view, status: 'queued', progress: undefined, interrupted: true };
        if (job.packageDir) await removePartials(job.packageDir);
      } else if (view.status === 'done') {
        const master = job.packageDir && path.join(job.packageDir, PACKAGE_NAMES.multivariantPlaylist);
        if (!master || !(await stat(master).catch(() => undefined))) {
          job.view = {
            ...view,
            status: 'failed',
            result: undefined,
            error: { code: 'IO_ERROR', message: `the package folder ${job.packageDir ?? ''} is gone` },
          };
        }
      }
      if (job.view.publish?.status === 'publishing') {
        job.view = { ...job.view, publish: { ...job.view.publish, status: 'interrupted' } };
        if (job.view.status === 'done') resumePublish.push(job);
      }
      this.jobs.set(view.id, job);
      this.order.push(view.id);
    }
    for (const job of resumePublish)
      void this.runPublish(job, job.view.publish?.target, job.view.publish?.name);
  }

  private get(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new StudioError('INVALID_ARGUMENT', `no job ${id}`);
    return job;
  }

  private running(): number {
    return [...this.jobs.values()].filter((j) => j.controller).length + this.stopping.size;
  }

  private pump(): void {
    while (!this.closing && this.running() < this.concurrency) {
      const next = this.order
        .map((id) => this.jobs.get(id)!)
        .find((j) => j.view.status === 'queued' && !j.controller);
      if (!next) break;
      void this.run(next);
    }
  }

  private run(job: Job): Promise<void> {
    job.ended = this.encode(job);
    return job.ended;
  }

  private async encode(job: Job): Promise<void> {
    job.controller = new AbortController();
    this.update(job, { status: 'probing', startedAt: Date.now(), endedAt: undefined });
    let preset: Preset | undefined;
    try {
      const packageDir = await this.claimPackageDir(job);
      preset = await this.options.loadPreset(job.view.presetId);
      const result = await encodePackage(
        // Quality figures are on in the studio: the creator sees what each rung is worth (issue 15).
        {
          input: job.input,
          packageDir,
          preset,
          overwrite: true,
          quality: true,
          ladder: this.options.ladderFor?.(job.view.presetId) ?? 'fixed',
        },
        {
          signal: job.controller.signal,
          onEvent: (e) => this.onEncodeEvent(job, e),
          onCommand: this.options.onCommand,
        },
      );
      this.update(job, {
        status: 'done',
        progress: { ratio: 1 },
        endedAt: Date.now(),
        result: {
          ...toJobResult(`${this.options.packageBaseUrl}/${job.view.id}/`, result),
          rungSizes: await rungSizes(result.packageDir, result),
        },
      });
    } catch (error) {
      if (this.closing) return; // left as it was: the next start re-runs it
      const data = inUserWords(toErrorData(error), job.input, job.view.fileName);
      this.update(
        job,
        data.code === 'CANCELLED'
          ? { status: 'cancelled', progress: undefined, endedAt: Date.now() }
          : { status: 'failed', error: data, endedAt: Date.now() },
      );
    } finally {
      job.controller = undefined;
      this.stopping.delete(job);
      this.pump();
      this.maybeDrained();
    }
    const auto =
      job.view.autoPublishTarget ?? (preset?.publish?.auto ? (preset.publish.target ?? '') : undefined);
    if (job.view.status === 'done' && auto !== undefined && this.options.publish)
      void this.runPublish(job, auto || undefined);
  }

  /**
   * `<out>/<name>/` as the README promises, `<name>-2`, `-3`, … only when that folder exists already or
   * another job in the list will write it.
   */
  private async claimPackageDir(job: Job): Promise<string> {
    const base = packageNameFor(job.input);
    for (let n = 1; ; n++) {
      const dir = path.join(this.options.outDir, n === 1 ? base : `${base}-${n}`);
      if (await stat(dir).catch(() => undefined)) continue;
      // Checked and claimed in one turn of the event loop: two jobs starting together never share it.
      if ([...this.jobs.values(), ...this.stopping].some((j) => j !== job && j.packageDir === dir)) continue;
      job.packageDir = dir;
      return dir;
    }
  }

  private async runPublish(job: Job, target: string | undefined, name?: string): Promise<void> {
    const publish = this.options.publish;
    if (!publish || !job.packageDir) return;
    const controller = new AbortController();
    job.publishController = controller;
    let view: PublishView = { status: 'publishing', target: target ?? '', ...(name ? { name } : {}) };
    const set = (change: Partial<PublishView>, persist = true) => {
      view = { ...view, ...change };
      this.update(job, { publish: view }, persist);
    };
    set({});
    try {
      const summary = await publish(
        { packageDir: job.packageDir, ...(target ? { target } : {}), ...(name ? { name } : {}) },
        {
          signal: controller.signal,
          onTarget: (name) => set({ target: name }),
          onEvent: (event) => {
            if (event.type === 'progress') {
              const { current: _current, type: _type, ...progress } = event;
              set({ progress }, false);
            } else if (event.type === 'cors' && event.ok === false) {
              set({ corsProblem: event.problems.join('; ') });
            }
          },
        },
      );
      set({ status: 'published', summary, error: undefined });
    } catch (error) {
      if (this.closing) return;
      const data = toErrorData(error);
      set({ status: data.code === 'CANCELLED' ? 'cancelled' : 'failed', error: data });
    } finally {
      job.publishController = undefined;
    }
  }

  private onEncodeEvent(job: Job, event: EncodeEvent): void {
    switch (event.type) {
      case 'probed':
        return this.update(job, { source: event.source });
      case 'planned': {
        const base = this.options.liveBaseUrl;
        // Encrypted segments are rewritten in place while packaging: such a job is watched when done.
        const live = base && job.packageDir && !event.plan.encryption;
        job.mediaSettled = false;
        if (live) {
          job.live = {
            live: livePackage(event.plan),
            stagingDir: event.stagingDir,
            packageDir: job.packageDir!,
            state: () => this.liveState(job),
            seen: new Map(),
          };
        }
        return this.update(job, {
          status: 'encoding',
          notes: event.plan.notes,
          progress: { ratio: 0 },
          ...(live
            ? {
                live: {
                  baseUrl: `${base}/${job.view.id}/`,
                  multivariantPlaylist: PACKAGE_NAMES.multivariantPlaylist,
                },
              }
            : {}),
        });
      }
      case 'progress':
        return this.update(
          job,
          { progress: { ratio: event.ratio, fps: event.fps, speed: event.speed, etaSec: event.etaSec } },
          false,
        );
      case 'packaging':
        return this.update(job, { status: 'packaging' });
      case 'measuring':
        return this.update(job, { progress: { ratio: 1, measuringRatio: event.ratio } }, false);
      case 'media-settled':
      case 'assembling':
        job.mediaSettled = event.type === 'media-settled';
        return;
      default:
        return;
    }
  }

  /**
   * Changes a job and tells everyone. `persist: false` for progress ticks: they are not worth a write
   * of queue.json (a restart drops progress anyway), the next status change carries them to disk.
   */
  private update(job: Job, change: Partial<JobView>, persist = true): void {
    if (this.closing) return;
    job.view = { ...job.view, ...change };
    if (!LIVE.includes(job.view.status)) job.view = withoutLive(job.view);
    if (this.jobs.has(job.view.id)) this.emit({ type: 'job', job: job.view }, persist);
  }

  private liveState(job: Job): LiveState {
    if (this.jobs.get(job.view.id) !== job) return 'stopped';
    const status = job.view.status;
    if (status === 'packaging' && job.mediaSettled) return 'settled';
    return status === 'encoding' || status === 'packaging' || status === 'done' ? status : 'stopped';
  }

  private maybeDrained(): void {
    const views = [...this.jobs.values()].map((j) => j.view);
    if (views.some((v) => v.status === 'queued' || RUNNING.includes(v.status))) return;
    const count = (s: JobView['status']) => views.filter((v) => v.status === s).length;
    this.emit({
      type: 'drained',
      done: count('done'),
      failed: count('failed'),
      cancelled: count('cancelled'),
    });
  }

  private emit(event: StudioEvent, persist = true): void {
    if (persist)
      this.writer?.write({
        version: 1,
        jobs: this.order.map((id) => {
          const { input, view, packageDir, watchKey } = this.jobs.get(id)!;
          return { input, view, ...(packageDir ? { packageDir } : {}), ...(watchKey ? { watchKey } : {}) };
        }),
      });
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * A failure as the user should read it: the name they added instead of the path the back end read
 * (in browser mode an upload folder they never chose: `…/uploads/a499c0ad854b/x.mp4`).
 */
export function inUserWords(data: StudioErrorData, input: string, fileName: string): StudioErrorData {
  const swap = (text: string) => text.replaceAll(`file:${input}`, fileName).replaceAll(input, fileName);
  return {
    ...data,
    message: swap(data.message),
    ...(data.file !== undefined ? { file: data.file === input ? fileName : swap(data.file) } : {}),
    ...(data.detail !== undefined ? { detail: swap(data.detail) } : {}),
  };
}

function withoutLive(view: JobView): JobView {
  if (!view.live) return view;
  const { live: _live, ...rest } = view;
  return rest;
}

/** Leftovers of an encode that was killed: `.<name>.partial-…` siblings of the package folder. */
async function removePartials(packageDir: string): Promise<void> {
  const parent = path.dirname(packageDir);
  const prefix = `.${path.basename(packageDir)}${PARTIAL_MARKER}`;
  const entries = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => e.startsWith(prefix))
      .map((e) => rm(path.join(parent, e), { recursive: true, force: true })),
  );
}
