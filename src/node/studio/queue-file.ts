import { z } from 'zod';
import { JOB_STATUSES, type JobView } from '../../common/api/studio-api.js';

/** One job as queue.json keeps it: what the UI shows, plus where its source and package are. */
export interface PersistedJob {
  input: string;
  view: JobView;
  packageDir?: string;
  watchKey?: string;
}

// The view is our own output; only what restoring relies on is checked, the rest is carried as is.
const viewSchema = z.looseObject({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  fileName: z.string(),
  presetId: z.string(),
  status: z.enum(JOB_STATUSES),
  notes: z.array(z.string()),
  addedAt: z.number().default(0),
});

export const queueFileSchema = z.strictObject({
  version: z.literal(1),
  jobs: z.array(
    z.strictObject({
      input: z.string(),
      view: viewSchema.transform((v) => v as unknown as JobView),
      packageDir: z.string().optional(),
      watchKey: z.string().optional(),
    }),
  ),
});
