import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { JobResult, StudioEvent } from '../../common/api/studio-api.js';
import { StudioError } from '../../common/errors.js';
import { parsePreset, type Preset } from '../../common/presets/preset-schema.js';
import { encodePackage } from '../encode/encode-package.js';
import { toJobResult } from './job-result.js';

export interface ExcerptRunnerOptions {
  /** A private folder for the excerpt packages (emptied on start). */
  dir: string;
  /** URL prefix the UI loads packages from; the excerpt is served under `<prefix>/<EXCERPT_ID>-<n>/`. */
  packageBaseUrl: string;
  emit(event: StudioEvent): void;
  onCommand?: (line: string) => void;
}

export const EXCERPT_ID = 'excerpt';

/**
 * "Try before you encode": a few seconds of a source through an unsaved preset, outside the queue.
 * One at a time; a new one replaces (and cancels) the last, whose folder is removed.
 */
export class ExcerptRunner {
  private controller?: AbortController;
  /** The run in progress: a new one waits for it to end (its ffmpeg gone) before clearing the folder. */
  private running?: Promise<unknown>;
  private current?: { id: string; dir: string };
  private count = 0;

  constructor(private readonly options: ExcerptRunnerOptions) {}

  async run(request: {
    input: string;
    preset: unknown;
    startSec?: number;
    durationSec: number;
    sourceDurationSec?: number;
  }): Promise<JobResult> {
    const parsed = parsePreset(request.preset);
    if (!parsed.ok)
      throw new StudioError('PRESET_INVALID', `the preset is not valid: ${parsed.issues.join('; ')}`, {
        detail: parsed.issues.join('\n'),
      });
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    // The whole run is one promise, set at once: the next request waits for all of it (its folder
    // clearing included) before touching the folder itself.
    const previous = this.running;
    const run = this.encode(request, parsed.preset, controller, previous);
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.controller === controller) this.controller = undefined;
    }
  }

  private async encode(
    request: { input: string; startSec?: number; durationSec: number; sourceDurationSec?: number },
    preset: Preset,
    controller: AbortController,
    previous: Promise<unknown> | undefined,
  ): Promise<JobResult> {
    const replaced = () => new StudioError('CANCELLED', 'replaced by a newer excerpt');
    await previous?.catch(() => undefined);
    if (controller.signal.aborted) throw replaced();
    await this.clear();
    if (controller.signal.aborted) throw replaced();
    const id = `${EXCERPT_ID}-${++this.count}`;
    const dir = path.join(this.options.dir, id);
    // From about a tenth in, where a video has usually started, unless the caller chose.
    const startSec = request.startSec ?? Math.max(0, (request.sourceDurationSec ?? 0) * 0.1);
    this.options.emit({ type: 'excerpt', state: 'encoding', ratio: 0 });
    try {
      const result = await encodePackage(
        {
          input: request.input,
          packageDir: dir,
          preset,
          planOptions: { excerpt: { startSec, durationSec: request.durationSec } },
          overwrite: true,
        },
        {
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === 'progress')
              this.options.emit({ type: 'excerpt', state: 'encoding', ratio: e.ratio });
          },
          ...(this.options.onCommand ? { onCommand: this.options.onCommand } : {}),
        },
      );
      this.current = { id, dir };
      this.options.emit({ type: 'excerpt', state: 'done', ratio: 1 });
      return toJobResult(`${this.options.packageBaseUrl}/${id}/`, result);
    } catch (error) {
      const cancelled = (error as StudioError).code === 'CANCELLED';
      // A run replaced by a newer one stays quiet: the newer one speaks for the editor.
      if (this.controller === controller || !cancelled)
        this.options.emit({ type: 'excerpt', state: cancelled ? 'cancelled' : 'failed' });
      throw error;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** The folder of the excerpt with this id, if it is the current one. */
  dirOf(id: string): string | undefined {
    return this.current?.id === id ? this.current.dir : undefined;
  }

  async close(): Promise<void> {
    this.cancel();
    await this.running?.catch(() => undefined);
    await this.clear();
  }

  private async clear(): Promise<void> {
    this.current = undefined;
    await rm(this.options.dir, { recursive: true, force: true, maxRetries: 5 });
  }
}
