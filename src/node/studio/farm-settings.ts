import { z } from 'zod';

/** A farm connection as settings.json keeps it (the main process's file: the Redis URL whole). */
export const farmSettingsSchema = z.strictObject({
  name: z.string(),
  redisUrl: z.string(),
  queueName: z.string(),
  out: z.union([z.strictObject({ url: z.string() }), z.strictObject({ target: z.string() })]),
  sharedFolder: z.string().optional(),
});

/**
 * A job sent to a farm: its last known view (loose: a newer studio may have added fields) and, when the
 * source was copied into the shared folder, where (removed when the studio forgets the job).
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
});

export type FarmSettings = z.output<typeof farmSettingsSchema>;
export type FarmJobRecord = z.output<typeof farmJobRecordSchema>;
