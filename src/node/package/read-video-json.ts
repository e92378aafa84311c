import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../common/errors.js';
import { PACKAGE_NAMES } from '../../common/package/package-layout.js';
import type { VideoJson } from './video-json.js';

// What readers rely on; the rest of the file passes through untouched.
const videoJsonSchema = z.looseObject({
  schema: z.literal('hls-studio/video@1'),
  id: z.string(),
  title: z.string(),
  durationSec: z.number(),
  multivariantPlaylist: z.string(),
  variants: z.array(
    z.looseObject({ uri: z.string(), codecs: z.array(z.string()), averageBandwidth: z.number() }),
  ),
  audio: z.array(z.looseObject({ uri: z.string(), name: z.string() })),
  subtitles: z.array(z.looseObject({ uri: z.string(), name: z.string() })),
  validation: z.looseObject({ valid: z.boolean() }),
  files: z.array(
    z.object({ path: z.string(), bytes: z.number(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  ),
});

/** Reads a package's video.json back (CLI `info`, publishing, the UI), checking it is ours and whole. */
export async function readVideoJson(packageDir: string): Promise<VideoJson> {
  const file = path.join(packageDir, PACKAGE_NAMES.videoJson);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new StudioError(
      'PACKAGE_INVALID',
      `${file}: missing or not JSON — is this an HLS Studio package?`,
      { file, cause },
    );
  }
  const parsed = videoJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new StudioError('PACKAGE_INVALID', `${file}: not an HLS Studio video.json`, {
      file,
      detail: z.prettifyError(parsed.error),
    });
  }
  return parsed.data as unknown as VideoJson;
}
