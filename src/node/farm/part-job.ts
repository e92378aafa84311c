import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../../common/errors.js';
import { planChunks } from '../../common/plan/chunk-plan.js';
import type { Preset } from '../../common/presets/preset-schema.js';
import { encodeChunk, encodeFilmTrack } from '../chunks/chunk-encode.js';
import { partFingerprint, partName, type ChunkPart } from '../chunks/chunk-parts.js';
import { planPackage } from '../encode/encode-package.js';
import { prepareInputs } from '../encode/prepare-inputs.js';
import { stallTimeoutSec } from '../ffmpeg/watchdog.js';
import { isRemoteUrl, parseObjectUrl } from '../remote/object-url.js';
import { downloadSource, headSource } from '../remote/remote-input.js';
import { REMOTE_TEMP_PREFIX, type RemoteEncodeEvent } from '../remote/remote-encode.js';
import { storeTarget } from '../remote/store-target.js';
import type { EncodeJobData, JobPart, PartJobResult } from './encode-job.js';
import { PartStore, type PartStoreAccess } from './part-store.js';
import type { PlanOptions } from '../../common/plan/ladder-plan.js';

/**
 * Where a chunked film's parts wait for its stitch job: at the root of the output bucket, outside every
 * package's prefix (nothing half-made is ever listed under the final one), in one folder a lifecycle
 * rule can expire (a flow that fails for good leaves its parts for a retry).
 */
export const PARTS_FOLDER = '.hls-studio-parts';

/** The key prefix of a flow's parts in the output bucket: `.hls-studio-parts/<flow id>/`. */
export function flowPartsPrefix(flowId: string): string {
  return `${PARTS_FOLDER}/${flowId}/`;
}

export interface PartJobRequest {
  data: EncodeJobData & {
    part: Extract<JobPart, { kind: 'chunk' | 'film' }>;
    chunks: number;
    flowId: string;
  };
  preset: Preset;
  planOptions: PlanOptions;
}

/**
 * One part of a chunked film, on whichever worker pulls it: the source is fetched (downloaded from the
 * store), planned as the stitch job will plan it (planPackage: same source, preset and options, same
 * plan), the part encoded (a window of every rung, or the film-long audio) and its
 * folder put in the output store under the flow's parts prefix with the plan's fingerprint. A window
 * beyond the film's last (a film shorter than `chunks` segments) has nothing to do.
 */
export async function runPartJob(
  request: PartJobRequest,
  access: PartStoreAccess & { onEvent?: (event: RemoteEncodeEvent) => void },
): Promise<PartJobResult> {
  const { data } = request;
  const emit = access.onEvent ?? (() => {});
  const env = access.env ?? process.env;
  const started = performance.now();
  const store = {
    ...(data.target ? { target: data.target } : {}),
    ...(data.endpoint ? { endpoint: data.endpoint } : {}),
  };
  const out = await storeTarget(data.out, store, env);
  const temp = await mkdtemp(path.join(os.tmpdir(), REMOTE_TEMP_PREFIX));
  const parts = new PartStore(out, access);
  try {
    let input = data.input;
    if (isRemoteUrl(data.input)) {
      const location = parseObjectUrl(data.input);
      const target = await storeTarget(data.input, store, env);
      const object = await headSource(location, target, access);
      await mkdir(path.join(temp, 'source'));
      input = await downloadSource(object, target, path.join(temp, 'source'), {
        ...access,
        onProgress: (bytes, total) => emit({ type: 'download', bytes, total }),
      });
    }
    const stallTimeoutMs = stallTimeoutSec(data.options.stallTimeoutSec) * 1000;
    const { plan: planned, source } = await planPackage(
      { input, preset: request.preset, planOptions: request.planOptions },
      { ...(access.signal ? { signal: access.signal } : {}) },
    );
    if (!planned.video)
      throw new StudioError('INVALID_ARGUMENT', `${data.input} has no video: send it without --chunks`, {
        file: data.input,
      });
    const windows = planChunks(planned, data.chunks);
    const index = data.part.kind === 'chunk' ? data.part.index : -1;
    const part: ChunkPart | undefined = index < 0 ? 'film' : windows[index];
    if (!part)
      return {
        part: `chunk ${index} (past the film's end)`,
        files: 0,
        bytes: 0,
        encodeSec: 0,
        elapsedSec: 0,
      };

    // Only what this part reads is prepared: the burn-in subtitle for a window; loudness for the film.
    const preparedDir = path.join(temp, 'prepared');
    const plan = await prepareInputs(
      part === 'film' ? { ...planned, subtitles: [] } : { ...planned, audio: [], subtitles: [] },
      {
        packageDir: preparedDir,
        workDir: path.join(preparedDir, '.work'),
        ...(access.signal ? { signal: access.signal } : {}),
      },
    );
    const dir = path.join(temp, partName(part));
    await mkdir(dir, { recursive: true });
    const encodeStarted = performance.now();
    const weightSec = part === 'film' ? plan.durationSec : part.durationSec;
    const ctx = {
      ...(access.signal ? { signal: access.signal } : {}),
      stallTimeoutMs,
      file: source.file,
      onProgress: (ratio: number) =>
        emit({ type: 'encode', event: { type: 'progress', ratio, outTimeSec: ratio * weightSec } }),
    };
    if (part === 'film') await encodeFilmTrack(plan, dir, ctx);
    else await encodeChunk(plan, part, windows, dir, { ...ctx, preparedDir });
    const encodeSec = (performance.now() - encodeStarted) / 1000;

    const manifest = await parts.put(dir, flowPartsPrefix(data.flowId) + `${partName(part)}/`, {
      part: partName(part),
      fingerprint: partFingerprint(plan, part, windows),
      encodeSec,
    });
    return {
      part: partName(part),
      files: manifest.files.length,
      bytes: manifest.files.reduce((sum, f) => sum + f.bytes, 0),
      encodeSec: Math.round(encodeSec * 10) / 10,
      elapsedSec: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    parts.close();
    await rm(temp, { recursive: true, force: true });
  }
}
