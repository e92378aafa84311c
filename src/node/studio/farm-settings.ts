import { z } from 'zod';

/** A farm connection as settings.json keeps it (the main process's file: the Redis URL whole). */
export const farmSettingsSchema = z.strictObject({
  name: z.string(),
  redisUrl: z.string(),
  queueName: z.string(),
  out: z.union([z.strictObject({ url: z.string() }), z.strictObject({ target: z.string() })]),
  sharedFolder: z.string().optional(),
  /** `s3://bucket/prefix` local sources are uploaded to, with a saved target's store settings and keys. */
  inputBucket: z.strictObject({ url: z.string(), target: z.string().optional() }).optional(),
});

/**
 * A job sent to a farm: its last known view (loose: a newer studio may have added fields) and, when the
 * source was copied into the shared folder or uploaded to the input bucket, where (removed when the studio
 * forgets the job).
 */
export const farmJobRecordSchema = z.looseObject({
  id: z.string(),
  farm: z.string(),
  fileName: z.string(),
  presetId: z.string(),
  sentAt: z.number(),
  state: z.string(),
  attemptsMade: z.number().default(0),
  attempts: z.number().default(1),
  copiedInput: z.string().optional(),
  /** The uploaded source: its `s3://bucket/key` and the target whose settings and keys reach it. */
  uploadedInput: z.strictObject({ url: z.string(), target: z.string().optional() }).optional(),
});

export type FarmSettings = z.output<typeof farmSettingsSchema>;
export type FarmJobRecord = z.output<typeof farmJobRecordSchema>;
