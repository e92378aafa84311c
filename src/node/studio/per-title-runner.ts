import type { PerTitleAnalysis, StudioEvent } from '../../common/api/studio-api.js';
import { StudioError } from '../../common/errors.js';
import { boundsFromRungs } from '../../common/plan/per-title-ladder.js';
import { parsePreset } from '../../common/presets/preset-schema.js';
import { analyzePerTitle } from '../per-title/per-title-analysis.js';
import { probeSource } from '../probe/probe-source.js';

export interface PerTitleRunnerOptions {
  emit(event: StudioEvent): void;
  onCommand?: (line: string) => void;
}

/**
 * The editor's "Auto (per-title)": the engine's own analysis (the one `--ladder auto` runs before an
 * encode) of a queued source with an unsaved preset, outside the queue. One at a time: a new request
 * cancels the last, which then stays quiet (the newer one speaks for the editor).
 */
export class PerTitleRunner {
  private controller?: AbortController;
  private running?: Promise<unknown>;

  constructor(private readonly options: PerTitleRunnerOptions) {}

  async run(request: {
    jobId: string;
    fileName: string;
    input: string;
    preset: unknown;
  }): Promise<PerTitleAnalysis> {
    const parsed = parsePreset(request.preset);
    if (!parsed.ok)
      throw new StudioError('PRESET_INVALID', `the preset is not valid: ${parsed.issues.join('; ')}`, {
        detail: parsed.issues.join('\n'),
      });
    const preset = parsed.preset;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const previous = this.running;
    const run = (async () => {
      // Two analyses at once would share two cores for nothing: the older one ends first.
      await previous?.catch(() => undefined);
      if (controller.signal.aborted) throw new StudioError('CANCELLED', 'replaced by a newer analysis');
      this.options.emit({ type: 'per-title', state: 'analyzing', ratio: 0 });
      // Probed again rather than trusted from the queue: a queued job may not have been probed yet.
      const source = await probeSource(request.input, { signal: controller.signal });
      const record = await analyzePerTitle(
        source,
        preset,
        {},
        {
          signal: controller.signal,
          ...(this.options.onCommand ? { onCommand: this.options.onCommand } : {}),
          onProgress: (ratio) => this.options.emit({ type: 'per-title', state: 'analyzing', ratio }),
        },
      );
      return {
        jobId: request.jobId,
        fileName: request.fileName,
        durationSec: source.durationSec,
        windows: record.windows,
        points: record.points,
        top: record.top,
        rungs: record.rungs,
        predictedPsnr: record.predictedPsnr,
        bounds: boundsFromRungs(preset.rungs),
        elapsedSec: record.elapsedSec,
      } satisfies PerTitleAnalysis;
    })();
    this.running = run;
    try {
      const analysis = await run;
      this.options.emit({ type: 'per-title', state: 'done', ratio: 1 });
      return analysis;
    } catch (error) {
      const cancelled = (error as StudioError).code === 'CANCELLED';
      if (this.controller === controller || !cancelled)
        this.options.emit({ type: 'per-title', state: cancelled ? 'cancelled' : 'failed' });
      throw error;
    } finally {
      if (this.controller === controller) this.controller = undefined;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  async close(): Promise<void> {
    this.cancel();
    await this.running?.catch(() => undefined);
  }
}
