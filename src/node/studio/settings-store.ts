import path from 'node:path';
import { z } from 'zod';
import { createStateWriter, readStateFile } from '../state/state-file.js';

const watchFolderSchema = z.strictObject({
  id: z.string(),
  path: z.string(),
  presetId: z.string(),
  target: z.string().optional(),
  /** Files queued from it so far (path|size|mtime): a file is never processed twice, restarts included. */
  processed: z.array(z.string()).default([]),
});

export const settingsSchema = z.strictObject({
  version: z.literal(1),
  concurrency: z.number().int().min(1).max(8).default(1),
  defaultPresetId: z.string().default('web-compact'),
  defaultTarget: z.string().optional(),
  watchFolders: z.array(watchFolderSchema).default([]),
});

export type Settings = z.output<typeof settingsSchema>;
export type WatchFolderSettings = z.output<typeof watchFolderSchema>;

/** The app's settings in `settings.json` of the state folder: read once, written whole on every change. */
export class SettingsStore {
  private constructor(
    private value: Settings,
    private readonly writer: { write(value: Settings): void; flush(): Promise<void> },
  ) {}

  static async open(stateDir: string): Promise<SettingsStore> {
    const file = path.join(stateDir, 'settings.json');
    const read = await readStateFile(file, settingsSchema);
    return new SettingsStore(
      read.value ?? settingsSchema.parse({ version: 1 }),
      createStateWriter<Settings>(file, { minIntervalMs: 50 }),
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
