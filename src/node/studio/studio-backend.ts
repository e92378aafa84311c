import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type {
  AddJobsRequest,
  AddWatchFolderRequest,
  ConcurrencyRequest,
  ExcerptRequest,
  JobRequest,
  JobResult,
  JobView,
  MoveJobRequest,
  PerTitleAnalysis,
  PerTitleRequest,
  PresetLadderRequest,
  PresetEntry,
  PresetRequest,
  PublishJobRequest,
  PublishPlan,
  SavePresetRequest,
  SaveTargetRequest,
  StudioApi,
  StudioEvent,
  StudioSettings,
  TargetRequest,
  TargetTestReport,
  TargetView,
  WatchFolderRequest,
  WatchFolderView,
} from '../../common/api/studio-api.js';
import type {
  FarmJobRequest,
  FarmJobView,
  FarmRequest,
  FarmTestReport,
  FarmView,
  SaveFarmRequest,
  SendToFarmRequest,
} from '../../common/api/farm-api.js';
import { StudioError } from '../../common/errors.js';
import { PresetLibrary } from '../presets/preset-library.js';
import { NO_SECRET_STORAGE, type SecretCipher } from '../publish/credential-vault.js';
import { describePublish, publishPackage } from '../publish/publish-package.js';
import { ExcerptRunner } from './excerpt-runner.js';
import { FarmConnections } from './farm-connections.js';
import { FarmJobs } from './farm-jobs.js';
import { JobQueue } from './job-queue.js';
import { PerTitleRunner } from './per-title-runner.js';
import type { LiveJob } from './live-preview.js';
import { SettingsStore } from './settings-store.js';
import { TargetManager } from './target-manager.js';
import { WatchFolders } from './watch-folders.js';
import { removeStaleStagingDirs } from '../package/staging-dir.js';

export interface StudioBackendOptions {
  face: StudioSettings['face'];
  /** Settings, queue, user presets, targets and credentials (the config folder; see configDir()). */
  stateDir: string;
  /** Folder that receives one package folder per job. */
  outDir: string;
  /** URL prefix the UI loads packages from (`/packages`, `studio-package://p`). */
  packageBaseUrl: string;
  /** URL prefix of running jobs' live previews (`/api/live`, `studio-package://live`). */
  liveBaseUrl?: string;
  /** Encrypts saved credentials (Electron's safeStorage); without one, the AWS chain is used. */
  cipher?: SecretCipher;
  /** One line per thing worth keeping in the log (never a secret). */
  log?(line: string): void;
  watch?: { pollMs?: number; stableMs?: number };
  /** Where browser mode keeps dropped files: a job's upload is deleted with the job. */
  uploadDir?: string;
  /** How often jobs sent to a farm are read back from its queue (ms). */
  farmPollMs?: number;
}

/**
 * Everything behind the StudioApi, for every face: the persisted queue with publishing, the preset
 * library, publish targets with their encrypted credentials, the excerpt runner and watch folders.
 */
export class StudioBackend implements StudioApi {
  private readonly listeners = new Set<(event: StudioEvent) => void>();

  private constructor(
    private readonly options: StudioBackendOptions,
    private readonly settings: SettingsStore,
    private readonly presets: PresetLibrary,
    private readonly targets: TargetManager,
    readonly queue: JobQueue,
    private readonly excerpts: ExcerptRunner,
    private readonly watchFolders: WatchFolders,
    private readonly perTitle: PerTitleRunner,
    private readonly farms: FarmConnections,
    private readonly farmJobs: FarmJobs,
  ) {}

  static async open(options: StudioBackendOptions): Promise<StudioBackend> {
    await mkdir(options.stateDir, { recursive: true });
    await mkdir(options.outDir, { recursive: true });
    const log = options.log ?? (() => {});
    // Packages of a server that was killed mid-encode: nobody will finish them.
    for (const dir of await removeStaleStagingDirs(options.outDir)) log(`removed ${dir}: its run had died`);
    const settings = await SettingsStore.open(options.stateDir, log);
    const presets = new PresetLibrary(path.join(options.stateDir, 'presets'));
    const targets = new TargetManager(options.stateDir, options.cipher ?? NO_SECRET_STORAGE, settings);
    const relay: { emit(event: StudioEvent): void } = { emit: () => {} };
    const queue = await JobQueue.open({
      outDir: options.outDir,
      packageBaseUrl: options.packageBaseUrl,
      ...(options.liveBaseUrl ? { liveBaseUrl: options.liveBaseUrl } : {}),
      concurrency: settings.get().concurrency,
      stateFile: path.join(options.stateDir, 'queue.json'),
      loadPreset: (id) => presets.get(id),
      ladderFor: (presetId) => (settings.get().autoLadderPresets.includes(presetId) ? 'auto' : 'fixed'),
      onCommand: (line) => log(`run: ${line}`),
      log,
      publish: async ({ packageDir, target, name }, ctx) => {
        const resolved = await targets.resolve(target);
        ctx.onTarget(resolved.name);
        log(`publish ${path.basename(packageDir)} → target ${resolved.name}${name ? ` as ${name}` : ''}`);
        const summary = await publishPackage(
          { packageDir, target: resolved.config, ...(name ? { name } : {}) },
          {
            signal: ctx.signal,
            onEvent: ctx.onEvent,
            ...(resolved.credentials ? { credentials: resolved.credentials } : {}),
          },
        );
        log(`published ${path.basename(packageDir)}: ${summary.playbackUrl}`);
        return summary;
      },
    });
    const excerpts = new ExcerptRunner({
      dir: path.join(options.stateDir, 'excerpts'),
      packageBaseUrl: options.packageBaseUrl,
      emit: (event) => relay.emit(event),
      onCommand: (line) => log(`run: ${line}`),
    });
    const perTitle = new PerTitleRunner({
      emit: (event) => relay.emit(event),
      onCommand: (line) => log(`run: ${line}`),
    });
    const watchFolders = new WatchFolders({
      settings,
      enqueue: async (file, key, folder) => {
        await queue.addJobs({
          paths: [file],
          presetId: folder.presetId,
          watchFolderId: folder.id,
          watchKey: key,
          ...(folder.target ? { autoPublishTarget: folder.target } : {}),
        });
        // On disk before the file counts as processed: a crash between the two never loses the job.
        await queue.flush();
      },
      isQueued: (key) => queue.hasWatchKey(key),
      countQueued: (id) => queue.countFromWatchFolder(id),
      ownFolders: [options.outDir, options.stateDir],
      emit: (event) => relay.emit(event),
      log,
      ...options.watch,
    });
    const farms = new FarmConnections(settings, targets);
    const farmJobs = new FarmJobs({
      settings,
      connections: farms,
      emit: (event) => relay.emit(event),
      log,
      ...(options.farmPollMs ? { pollMs: options.farmPollMs } : {}),
      ...(options.uploadDir ? { uploadDir: options.uploadDir } : {}),
    });
    const backend = new StudioBackend(
      options,
      settings,
      presets,
      targets,
      queue,
      excerpts,
      watchFolders,
      perTitle,
      farms,
      farmJobs,
    );
    relay.emit = (event) => backend.emit(event);
    queue.onEvent((event) => {
      backend.emit(event);
      // A watch folder's count changes when one of its jobs comes or goes, not on every progress tick.
      if (event.type === 'job' && event.job.watchFolderId && event.job.status === 'queued')
        backend.emit({ type: 'changed', what: 'watch' });
      if (event.type === 'removed') backend.emit({ type: 'changed', what: 'watch' });
    });
    watchFolders.start();
    farmJobs.start();
    return backend;
  }

  // Presets
  listPresets(): Promise<PresetEntry[]> {
    return this.presets.list();
  }

  async savePreset({ preset, replaceId, overwrite }: SavePresetRequest): Promise<PresetEntry> {
    const saved = await this.presets.save(preset, replaceId, overwrite ?? false);
    if (replaceId && replaceId !== saved.id) {
      // A rename: whatever named the old id follows it.
      const to = saved.id;
      this.queue.renamePreset(replaceId, to);
      this.settings.update((s) => ({
        ...s,
        defaultPresetId: s.defaultPresetId === replaceId ? to : s.defaultPresetId,
        autoLadderPresets: s.autoLadderPresets.map((id) => (id === replaceId ? to : id)),
        watchFolders: s.watchFolders.map((f) => (f.presetId === replaceId ? { ...f, presetId: to } : f)),
      }));
      this.emit({ type: 'changed', what: 'watch' });
      this.emit({ type: 'changed', what: 'settings' });
    }
    this.emit({ type: 'changed', what: 'presets' });
    return saved;
  }

  async deletePreset({ id }: PresetRequest): Promise<void> {
    const folder = this.settings.get().watchFolders.find((f) => f.presetId === id);
    if (folder)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `the watch folder ${folder.path} uses "${id}": stop watching it first`,
      );
    if (this.queue.waitingFor(id))
      throw new StudioError(
        'INVALID_ARGUMENT',
        `queued jobs use "${id}": let them finish or remove them first`,
      );
    await this.presets.delete(id);
    this.settings.update((s) => ({
      ...s,
      defaultPresetId: s.defaultPresetId === id ? 'web-compact' : s.defaultPresetId,
      autoLadderPresets: s.autoLadderPresets.filter((p) => p !== id),
    }));
    this.emit({ type: 'changed', what: 'presets' });
  }

  async encodeExcerpt(request: ExcerptRequest): Promise<JobResult> {
    const job = this.queue.listJobs().find((j) => j.id === request.jobId);
    if (!job) throw new StudioError('INVALID_ARGUMENT', `no job ${request.jobId}`);
    return this.excerpts.run({
      input: this.queue.inputOf(job.id),
      preset: request.preset,
      ...(request.startSec === undefined ? {} : { startSec: request.startSec }),
      durationSec: request.durationSec ?? 10,
      ...(job.source ? { sourceDurationSec: job.source.durationSec } : {}),
    });
  }

  async cancelExcerpt(): Promise<void> {
    this.excerpts.cancel();
  }

  async analyzePerTitle(request: PerTitleRequest): Promise<PerTitleAnalysis> {
    const job = this.queue.listJobs().find((j) => j.id === request.jobId);
    if (!job) throw new StudioError('INVALID_ARGUMENT', `no job ${request.jobId}`);
    return this.perTitle.run({
      jobId: job.id,
      fileName: job.fileName,
      input: this.queue.inputOf(job.id),
      preset: request.preset,
    });
  }

  async cancelPerTitle(): Promise<void> {
    this.perTitle.cancel();
  }

  async setPresetLadder({ id, ladder }: PresetLadderRequest): Promise<void> {
    await this.presets.get(id);
    this.settings.update((s) => {
      const others = s.autoLadderPresets.filter((p) => p !== id);
      return { ...s, autoLadderPresets: ladder === 'auto' ? [...others, id] : others };
    });
    this.emit({ type: 'changed', what: 'settings' });
  }

  // Queue
  async listJobs(): Promise<JobView[]> {
    return this.queue.listJobs();
  }

  async addJobs(request: AddJobsRequest): Promise<JobView[]> {
    return this.queue.addJobs(request);
  }

  async cancelJob({ id }: JobRequest): Promise<void> {
    this.queue.cancelJob(id);
  }

  async retryJob({ id }: JobRequest): Promise<void> {
    this.queue.retryJob(id);
  }

  async removeJob({ id }: JobRequest): Promise<void> {
    const input = this.queue.inputOf(id);
    await this.queue.removeJob(id);
    // A file dropped in browser mode lives in its own upload folder; it goes with its job.
    const uploads = this.options.uploadDir && path.resolve(this.options.uploadDir) + path.sep;
    if (uploads && input.startsWith(uploads))
      await rm(path.dirname(input), { recursive: true, force: true, maxRetries: 5 }).catch(() => undefined);
  }

  async moveJob(request: MoveJobRequest): Promise<void> {
    this.queue.moveJob(request);
  }

  async setConcurrency({ jobs }: ConcurrencyRequest): Promise<void> {
    this.queue.setConcurrency(jobs);
    this.settings.update((s) => ({ ...s, concurrency: jobs }));
    this.emit({ type: 'changed', what: 'settings' });
  }

  async getSettings(): Promise<StudioSettings> {
    const s = this.settings.get();
    return {
      face: this.options.face,
      concurrency: s.concurrency,
      defaultPresetId: s.defaultPresetId,
      ...(s.defaultTarget ? { defaultTarget: s.defaultTarget } : {}),
      credentialStorage: this.targets.credentialStorage(),
      autoLadderPresets: s.autoLadderPresets,
    };
  }

  async setDefaultPreset({ id }: PresetRequest): Promise<void> {
    await this.presets.get(id);
    this.settings.update((s) => ({ ...s, defaultPresetId: id }));
    this.emit({ type: 'changed', what: 'settings' });
  }

  // Targets and publishing
  listTargets(): Promise<TargetView[]> {
    return this.targets.list();
  }

  async saveTarget(request: SaveTargetRequest): Promise<TargetView> {
    const view = await this.targets.save(request);
    const from = request.replaceName;
    if (from && from !== request.name) {
      // A rename: queued jobs, interrupted publishes, presets and watch folders follow it.
      this.queue.renameTarget(from, request.name);
      if (await this.presets.renameTarget(from, request.name))
        this.emit({ type: 'changed', what: 'presets' });
      this.settings.update((s) => ({
        ...s,
        watchFolders: s.watchFolders.map((f) => (f.target === from ? { ...f, target: request.name } : f)),
      }));
      this.emit({ type: 'changed', what: 'watch' });
      this.farms.renameTarget(from, request.name);
      this.emit({ type: 'farms-changed' });
    }
    this.emit({ type: 'changed', what: 'targets' });
    return view;
  }

  async removeTarget({ name }: TargetRequest): Promise<void> {
    const folder = this.settings.get().watchFolders.find((f) => f.target === name);
    if (folder)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `the watch folder ${folder.path} publishes to "${name}": stop watching it first`,
      );
    const farm = this.farms.usingTarget(name);
    if (farm)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `the farm "${farm.name}" publishes to "${name}": change it first`,
      );
    await this.targets.remove(name);
    this.emit({ type: 'changed', what: 'targets' });
  }

  async setDefaultTarget({ name }: TargetRequest): Promise<void> {
    await this.targets.setDefault(name);
    this.emit({ type: 'changed', what: 'targets' });
    this.emit({ type: 'changed', what: 'settings' });
  }

  testTarget({ name }: TargetRequest): Promise<TargetTestReport> {
    return this.targets.test(name);
  }

  async fixCors({ name }: TargetRequest): Promise<void> {
    await this.targets.fixCors(name);
    // Jobs that reported the problem for this target no longer have it.
    this.queue.clearCorsProblem(name);
  }

  async describePublish({ id, target, name }: PublishJobRequest): Promise<PublishPlan> {
    const packageDir = this.queue.finishedPackageOf(id);
    const resolved = await this.targets.resolve(target);
    const plan = await describePublish({
      packageDir,
      target: resolved.config,
      name: name ?? publishNameOf(packageDir, id),
    });
    return { target: resolved.name, ...plan };
  }

  async publishJob({ id, target, name }: PublishJobRequest): Promise<void> {
    this.queue.publishJob(id, target, name);
  }

  async cancelPublish({ id }: JobRequest): Promise<void> {
    this.queue.cancelPublish(id);
  }

  // Watch folders
  async listWatchFolders(): Promise<WatchFolderView[]> {
    return this.watchFolders.list();
  }

  async addWatchFolder(request: AddWatchFolderRequest): Promise<WatchFolderView> {
    await this.presets.get(request.presetId);
    if (request.target) await this.targets.resolve(request.target);
    return this.watchFolders.add(request);
  }

  async removeWatchFolder({ id }: WatchFolderRequest): Promise<void> {
    this.watchFolders.remove(id);
  }

  // Farms (see farm-connections.ts, farm-jobs.ts)
  async listFarms(): Promise<FarmView[]> {
    return this.farms.list();
  }

  async saveFarm(request: SaveFarmRequest): Promise<FarmView> {
    const view = await this.farms.save(request);
    this.emit({ type: 'farms-changed' });
    return view;
  }

  async removeFarm({ name }: FarmRequest): Promise<void> {
    if (this.farmJobs.unfinishedOn(name) > 0)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `jobs sent to "${name}" are still running: cancel them first`,
      );
    await this.farms.remove(name);
    this.emit({ type: 'farms-changed' });
  }

  testFarm({ name }: FarmRequest): Promise<FarmTestReport> {
    return this.farms.test(name);
  }

  /** The local job leaves the queue (its run stops) once the farm has it. */
  async sendToFarm({ jobId, farm }: SendToFarmRequest): Promise<FarmJobView> {
    const job = this.queue.listJobs().find((j) => j.id === jobId);
    if (!job) throw new StudioError('INVALID_ARGUMENT', `no job ${jobId}`);
    if (job.status === 'done')
      throw new StudioError('INVALID_ARGUMENT', `${job.fileName} is encoded already: publish it instead`);
    const sent = await this.farmJobs.send({
      farm,
      input: this.queue.inputOf(jobId),
      fileName: job.fileName,
      presetId: job.presetId,
      preset: await this.presets.get(job.presetId),
      ladder: this.settings.get().autoLadderPresets.includes(job.presetId) ? 'auto' : 'fixed',
    });
    await this.removeJob({ id: jobId });
    return sent;
  }

  async listFarmJobs(): Promise<FarmJobView[]> {
    return this.farmJobs.list();
  }

  cancelFarmJob({ id }: FarmJobRequest): Promise<void> {
    return this.farmJobs.cancel(id);
  }

  retryFarmJob({ id }: FarmJobRequest): Promise<void> {
    return this.farmJobs.retry(id);
  }

  removeFarmJob({ id }: FarmJobRequest): Promise<void> {
    return this.farmJobs.forget(id);
  }

  onEvent(listener: (event: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The folder behind a package URL id: a finished job's package or the current excerpt. */
  packageDirOf(id: string): string | undefined {
    return this.queue.packageDirOf(id) ?? this.excerpts.dirOf(id);
  }

  /** A job's live preview (see live-preview.ts); the staging folder is reachable through nothing else. */
  liveJobOf(id: string): LiveJob | undefined {
    return this.queue.liveJobOf(id);
  }

  /** Origins of the saved targets' public URLs (for the page's CSP: playing a published copy). */
  publicOrigins(): Promise<string[]> {
    // Asked for on every page response (the desktop app's CSP): read once per change of the targets.
    this.origins ??= this.targets.publicOrigins().catch(() => []);
    return this.origins;
  }

  /** Stops everything; each step runs even if another fails, so the queue is always written. */
  async close(): Promise<void> {
    this.watchFolders.close();
    const steps = await Promise.allSettled([
      this.excerpts.close(),
      this.perTitle.close(),
      this.queue.close(),
      this.farmJobs.close().then(() => this.farms.close()),
    ]);
    await this.settings.flush().catch(() => undefined);
    for (const step of steps)
      if (step.status === 'rejected') this.options.log?.(`while closing: ${(step.reason as Error).message}`);
  }

  private origins?: Promise<string[]>;

  private emit(event: StudioEvent): void {
    if (event.type === 'changed' && event.what === 'targets') this.origins = undefined;
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * The name a package is offered to be published under: its folder's, without the job id that folders
 * made before 343332e carried (`clip-3f9a0c12be4d`), so a URL says what the video is.
 */
export function publishNameOf(packageDir: string, jobId: string): string {
  const folder = path.basename(packageDir);
  return folder.endsWith(`-${jobId}`) && folder.length > jobId.length + 1
    ? folder.slice(0, -(jobId.length + 1))
    : folder;
}
