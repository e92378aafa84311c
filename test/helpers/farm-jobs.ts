import type { FarmQueue, JobRow } from '../../src/node/farm/farm-queue.js';

/**
 * Polls a farm job until it is completed or failed; `onRow` sees every row on the way. A job that does
 * not settle in time fails the test with its state and the workers' log.
 */
export async function settledJob(
  queue: FarmQueue,
  id: string,
  options: { timeoutMs?: number; log?: () => string; onRow?: (row: JobRow) => void } = {},
): Promise<JobRow> {
  const until = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const row = await queue.row(id);
    if (row) options.onRow?.(row);
    if (row && (row.state === 'completed' || row.state === 'failed')) return row;
    if (Date.now() > until) throw new Error(`job ${id} still ${row?.state}: ${options.log?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
