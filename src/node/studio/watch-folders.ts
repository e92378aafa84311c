import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddWatchFolderRequest, StudioEvent, WatchFolderView } from '../../common/api/studio-api.js';
import { StudioError } from '../../common/errors.js';
import { watchFolder } from './folder-watcher.js';
import type { SettingsStore, WatchFolderSettings } from './settings-store.js';

export interface WatchFoldersOptions {
  settings: SettingsStore;
  /** Queues one file found in a folder and resolves once the queue holds it on disk. */
  enqueue(file: string, key: string, folder: WatchFolderSettings): Promise<void>;
  /** Does the queue already hold a job for this file (a crash came before it was recorded here)? */
  isQueued(key: string): boolean;
  countQueued(folderId: string): number;
  /** Folders the app writes into (packages, state): watching them, or a folder around them, would loop. */
  ownFolders: string[];
  emit(event: StudioEvent): void;
  pollMs?: number;
  stableMs?: number;
  log?(line: string): void;
}

/**
 * The watch folders a user set up (kept in settings.json with the files each has queued): new media
 * files that have finished copying are queued with the folder's preset and, optionally, published.
 */
export class WatchFolders {
  private readonly watchers = new Map<string, { close(): void }>();
  private readonly problems = new Map<string, string>();

  constructor(private readonly options: WatchFoldersOptions) {}

  start(): void {
    for (const folder of this.options.settings.get().watchFolders) this.watch(folder);
  }

  list(): WatchFolderView[] {
    return this.options.settings.get().watchFolders.map((f) => ({
      id: f.id,
      path: f.path,
      presetId: f.presetId,
      ...(f.target ? { target: f.target } : {}),
      queued: this.options.countQueued(f.id),
      ...(this.problems.has(f.id) ? { problem: this.problems.get(f.id) } : {}),
    }));
  }

  async add(request: AddWatchFolderRequest): Promise<WatchFolderView> {
    const dir = path.resolve(request.path);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new StudioError('INVALID_ARGUMENT', `${dir} is not a folder`);
    for (const own of this.options.ownFolders)
      if (overlaps(dir, path.resolve(own)))
        throw new StudioError(
          'INVALID_ARGUMENT',
          `${dir} cannot be watched: the app writes into ${own}, so its own packages would be queued again`,
        );
    const other = this.options.settings.get().watchFolders.find((f) => overlaps(dir, f.path));
    if (other)
      throw new StudioError(
        'INVALID_ARGUMENT',
        other.path === dir ? `${dir} is already watched` : `${dir} overlaps the watch folder ${other.path}`,
      );
    const folder: WatchFolderSettings = {
      id: randomBytes(6).toString('hex'),
      path: dir,
      presetId: request.presetId,
      ...(request.target ? { target: request.target } : {}),
    };
    this.options.settings.update((s) => ({ ...s, watchFolders: [...s.watchFolders, folder] }));
    this.watch(folder);
    this.changed();
    return this.list().find((f) => f.id === folder.id)!;
  }

  remove(id: string): void {
    if (!this.options.settings.get().watchFolders.some((f) => f.id === id))
      throw new StudioError('INVALID_ARGUMENT', `no watch folder ${id}`);
    this.watchers.get(id)?.close();
    this.watchers.delete(id);
    this.problems.delete(id);
    this.options.settings.update((s) => ({ ...s, watchFolders: s.watchFolders.filter((f) => f.id !== id) }));
    this.changed();
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private watch(folder: WatchFolderSettings): void {
    const processed = () => new Set(this.options.settings.get().watchProcessed);
    const current = () => this.options.settings.get().watchFolders.find((f) => f.id === folder.id);
    const watcher = watchFolder({
      dir: folder.path,
      ...(this.options.pollMs ? { pollMs: this.options.pollMs } : {}),
      ...(this.options.stableMs ? { stableMs: this.options.stableMs } : {}),
      isProcessed: (key) => {
        if (processed().has(key)) return true;
        if (!this.options.isQueued(key)) return false;
        // Queued before a crash but never recorded: recorded now, so removing the job does not bring it back.
        this.record(key);
        return true;
      },
      onFile: async (file) => {
        const settings = current();
        if (!settings) return; // removed meanwhile
        try {
          await this.options.enqueue(file.path, file.key, settings);
        } catch (error) {
          // Not recorded: once the cause is fixed (a preset put back), a restart offers the file again.
          this.setProblem(folder.id, `${path.basename(file.path)}: ${(error as Error).message}`);
          return;
        }
        this.record(file.key);
        await this.options.settings.flush().catch((error: unknown) => {
          this.options.log?.(`watch ${folder.path}: cannot save settings: ${(error as Error).message}`);
        });
        this.options.log?.(`watch ${folder.path}: queued ${file.path}`);
        this.setProblem(folder.id, undefined);
        this.changed();
      },
      onProblem: (message) => this.setProblem(folder.id, message),
    });
    this.watchers.set(folder.id, watcher);
  }

  private record(key: string): void {
    this.options.settings.update((s) => ({ ...s, watchProcessed: [...s.watchProcessed, key] }));
  }

  private setProblem(id: string, message: string | undefined): void {
    if (this.problems.get(id) === message) return;
    if (message === undefined) this.problems.delete(id);
    else this.problems.set(id, message);
    this.changed();
  }

  private changed(): void {
    this.options.emit({ type: 'changed', what: 'watch' });
  }
}

/** Is one folder the other, or inside it? */
function overlaps(a: string, b: string): boolean {
  const inside = (x: string, y: string) => x === y || x.startsWith(y.endsWith(path.sep) ? y : y + path.sep);
  return inside(a, b) || inside(b, a);
}
