import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueueState } from '../state/use-jobs';

const STORAGE_KEY = 'hls-studio.queue-notice';

export type NoticeState = 'unsupported' | 'off' | 'on' | 'denied';

/** The notification a finished queue shows: what happened to its files. */
export function queueNotice(summary: NonNullable<QueueState['summary']>): { title: string; body: string } {
  const parts = [
    `${summary.done} done`,
    summary.failed ? `${summary.failed} failed` : undefined,
    summary.cancelled ? `${summary.cancelled} cancelled` : undefined,
  ];
  return {
    title: summary.failed ? 'Queue finished, with failures' : 'Queue finished',
    body: parts.filter(Boolean).join(', '),
  };
}

function initialState(): NoticeState {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return Notification.permission === 'granted' && localStorage.getItem(STORAGE_KEY) === 'on' ? 'on' : 'off';
}

/**
 * A browser notification when the queue drains. Permission is asked only when the user turns it on
 * (browsers ignore, and users resent, a prompt on load); the choice is kept for the next visit.
 */
export function useQueueNotice(summary: QueueState['summary']) {
  const [state, setState] = useState<NoticeState>(initialState);
  const shown = useRef(summary);
  useEffect(() => {
    const before = shown.current;
    shown.current = summary;
    if (!summary || before || state !== 'on') return;
    const { title, body } = queueNotice(summary);
    new Notification(title, { body, tag: 'hls-studio-queue' });
  }, [summary, state]);
  const toggle = useCallback(async () => {
    if (state === 'on') {
      localStorage.setItem(STORAGE_KEY, 'off');
      return setState('off');
    }
    if (state !== 'off') return;
    const permission = await Notification.requestPermission();
    localStorage.setItem(STORAGE_KEY, permission === 'granted' ? 'on' : 'off');
    setState(permission === 'granted' ? 'on' : permission === 'denied' ? 'denied' : 'off');
  }, [state]);
  return { state, toggle };
}
