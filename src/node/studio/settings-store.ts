import path from 'node:path';
import { z } from 'zod';
import { createStateWriter, loadStateFile } from '../state/state-file.js';
import { farmJobRecordSchema, farmSettingsSchema } from './farm-settings.js';

const watchFolderSchema = z.strictObject({
  id: z.string(),
  path: z.string(),
  presetId: z.string(),
  target: z.string().optional(),
});

export const settingsSchema = z.strictObject({
  version: z.literal(1),
  concurrency: z.number().int().min(1).max(8).default(1),
  defaultPresetId: z.string().default('web-compact'),
  defaultTarget: z.string().optional(),
  watchFolders: z.array(watchFolderSchema).default([]),
  /** Presets whose queue jobs pick their ladder per title (`--ladder auto`), by id. */
  autoLadderPresets: z.array(z.string()).default([]),
  /**
   * Files queued from watch folders (path|size|mtime), whichever folder saw them: a file is never
   * processed twice, across restarts, overlapping folders, or a folder removed and added again.
   */
  watchProcessed: z.array(z.string()).default([]),
  /** Farm connections (see farm-connections.ts) and the jobs this studio sent to them. */
  farms: z.array(farmSettingsSchema).default([]),
  farmJobs: z.array(farmJobRecordSchema).default([]),
});

export type Settings = z.output<typeof settingsSchema>;
export type WatchFolderSettings = z.output<typeof watchFolderSchema>;

/** The app's settings in `settings.json` of the state folder: read once, written whole on every change. */
export class SettingsStore {
  private constructor(
    private value: Settings,
    private readonly writer: { write(value: Settings): void; flush(): Promise<void> },
  ) {}

  static async open(stateDir: string, log: (line: string) => void = () => {}): Promise<SettingsStore> {
    const file = path.join(stateDir, 'settings.json');
    const value = await loadStateFile(file, settingsSchema, log);
    return new SettingsStore(
      value ?? settingsSchema.parse({ version: 1 }),
      createStateWriter<Settings>(file, {
        minIntervalMs: 50,
        onError: (error) => log(`cannot save ${file}: ${(error as Error).message}`),
      }),
    );
  }

  get(): Settings {
    return this.value;
  }

  update(change: (current: Settings) => Settings): Settings {
    this.value = change(this.value);
    this.writer.write(this.value);
    return this.value;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
