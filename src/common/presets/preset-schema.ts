import { z } from 'zod';

const even = (what: string) =>
  z
    .number()
    .int()
    .min(16)
    .max(8192)
    .refine((n) => n % 2 === 0, { message: `${what} must be even (4:2:0 chroma needs it)` });

/** One rung of the ladder, written for a landscape 16:9 source; the planner fits it to the real picture. */
export const rungSchema = z
  .object({
    width: even('width'),
    height: even('height'),
    /** Target average bit rate of the video stream. */
    bitrateKbps: z.number().int().min(16).max(200_000),
    /** VBV peak; defaults to 1.5x the average (Apple 1.30 allows up to 2x measured). */
    maxBitrateKbps: z.number().int().min(16).max(400_000).optional(),
    /** Frames per second this rung may not exceed (Apple 1.25: <= 30 for the low rungs). */
    maxFrameRate: z.number().positive().max(240).optional(),
  })
  .strict()
  .refine((r) => r.maxBitrateKbps === undefined || r.maxBitrateKbps >= r.bitrateKbps, {
    message: 'maxBitrateKbps must be at least bitrateKbps',
    path: ['maxBitrateKbps'],
  });

export const VIDEO_CODECS = ['h264', 'hevc'] as const;
export const SEGMENT_FORMATS = ['ts', 'fmp4'] as const;
export const SPEED_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
] as const;

export const presetSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id is lower-case letters, digits and dashes'),
    name: z.string().min(1),
    description: z.string().default(''),
    video: z
      .object({
        codec: z.enum(VIDEO_CODECS).default('h264'),
        speedPreset: z.enum(SPEED_PRESETS).default('veryfast'),
        /** vbr: capped average bit rate; crf: constant quality capped by maxBitrateKbps. */
        rateControl: z.enum(['vbr', 'crf']).default('vbr'),
        crf: z.number().min(0).max(51).default(23),
      })
      .strict()
      .prefault({}),
    audio: z
      .object({
        bitrateKbps: z.number().int().min(32).max(320).default(128),
        sampleRate: z.union([z.literal(44100), z.literal(48000)]).default(48000),
        /** EBU R128 integrated loudness target in LUFS (e.g. -16 for web, -23 for broadcast); off when absent. */
        loudnessLufs: z.number().min(-40).max(-5).optional(),
      })
      .strict()
      .prefault({}),
    images: z
      .object({
        /** Seconds between storyboard thumbnails; 0 turns the storyboard off. */
        storyboardIntervalSec: z.number().min(0).max(60).default(5),
        storyboardTileWidth: z.number().int().min(32).max(640).default(160),
        /** An animated WebP of a few seconds for galleries; 0 turns it off. */
        previewDurationSec: z.number().min(0).max(10).default(3),
      })
      .strict()
      .prefault({}),
    encryption: z
      .object({
        enabled: z.boolean().default(false),
        /** EXT-X-KEY URI; `{key}` is the key file name, `{package}` the package folder name. */
        keyUri: z.string().min(1).default('../../{package}.keys/{key}'),
        rotateEverySegments: z.number().int().positive().optional(),
      })
      .strict()
      .prefault({}),
    segment: z
      .object({
        durationSec: z.number().min(1).max(20).default(6),
        format: z.enum(SEGMENT_FORMATS).default('ts'),
      })
      .strict()
      .prefault({}),
    /** Publish each package made with this preset as soon as it is done (to `target`, else the default target). */
    publish: z
      .object({
        auto: z.boolean().default(false),
        target: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/)
          .optional(),
      })
      .strict()
      .optional(),
    /** The variant listed first (the one players start on); Apple 1.32 suggests about 2000 kb/s. */
    startBitrateKbps: z.number().int().positive().default(2000),
    rungs: z.array(rungSchema).min(1).max(16),
  })
  .strict()
  .refine((p) => p.video.codec !== 'hevc' || p.segment.format === 'fmp4', {
    message: 'HEVC must be packaged as fMP4 (Apple HLS 1.10)',
    path: ['segment', 'format'],
  });

export type Rung = z.infer<typeof rungSchema>;
export type Preset = z.infer<typeof presetSchema>;
export type PresetInput = z.input<typeof presetSchema>;
export type VideoCodec = (typeof VIDEO_CODECS)[number];
export type SegmentFormat = (typeof SEGMENT_FORMATS)[number];
export type SpeedPreset = (typeof SPEED_PRESETS)[number];

/** Validates untrusted preset JSON; the error lists each bad field with its path and the reason. */
export function parsePreset(json: unknown): { ok: true; preset: Preset } | { ok: false; issues: string[] } {
  const result = presetSchema.safeParse(json);
  if (result.success) return { ok: true, preset: result.data };
  return {
    ok: false,
    issues: result.error.issues.map(
      (i) => `${i.path.length ? formatPath(i.path) : '(preset)'}: ${i.message}`,
    ),
  };
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
