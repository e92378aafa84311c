import { useEffect } from 'react';
import type { JobView } from '../../../src/common/api/studio-api';

export const APP_TITLE = 'HLS Studio';

const RUNNING: readonly JobView['status'][] = ['probing', 'encoding', 'packaging'];

/**
 * The tab's title: how far the running encodes are and what else is under way, so a tab in the
 * background tells its progress ("42% · 2 encoding · 1 waiting — HLS Studio"); plain when idle.
 */
export function queueTitle(jobs: JobView[]): string {
  const running = jobs.filter((j) => RUNNING.includes(j.status));
  const waiting = jobs.filter((j) => j.status === 'queued').length;
  const publishing = jobs.filter((j) => j.publish?.status === 'publishing').length;
  if (running.length === 0 && waiting === 0 && publishing === 0) return APP_TITLE;
  // Packaging comes after the last frame: as far as the encode goes, it is at 100%.
  const ratios = running.map((j) => (j.status === 'packaging' ? 1 : (j.progress?.ratio ?? 0)));
  const percent = ratios.length
    ? `${Math.floor((ratios.reduce((a, b) => a + b, 0) / ratios.length) * 100)}%`
    : undefined;
  const parts = [
    percent,
    running.length ? `${running.length} encoding` : undefined,
    waiting ? `${waiting} waiting` : undefined,
    publishing ? `${publishing} publishing` : undefined,
  ];
  return `${parts.filter(Boolean).join(' · ')} — ${APP_TITLE}`;
}

/** Keeps `document.title` on the queue's progress. */
export function useQueueTitle(jobs: JobView[]): void {
  const title = queueTitle(jobs);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
