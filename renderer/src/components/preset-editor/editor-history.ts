/**
 * The editor's undo history: states before the present, the present, and states undone. Pure; the
 * editor keeps one per loaded preset (loading, saving or importing starts a new one).
 */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** Where the last step came from and when: the next step from the same source soon after joins it. */
  last?: StepSource;
}

export interface StepSource {
  /** A field's focus session ("field-7"), or a gesture's name ("bitrate-2" for a drag of rung 3). */
  key: string;
  /**
   * When a gesture's step came: it joins the last one only within MERGE_MS. A field's steps carry no
   * time and join for as long as the field keeps focus (a loaded machine may take seconds per key).
   */
  at?: number;
}

/** Dragging one point, or the slider, is one step while it goes on (no 1.5 s pause). */
export const MERGE_MS = 1500;
export const HISTORY_LIMIT = 200;

export function startHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new present, undoable; it joins the last step when it comes from the same source within MERGE_MS. */
export function pushHistory<T>(history: History<T>, next: T, source?: StepSource): History<T> {
  if (Object.is(next, history.present)) return history;
  const last = history.last;
  const joins =
    source !== undefined &&
    last !== undefined &&
    source.key === last.key &&
    (source.at === undefined || (last.at !== undefined && source.at - last.at <= MERGE_MS));
  return {
    past: joins ? history.past : [...history.past, history.present].slice(-HISTORY_LIMIT),
    present: next,
    future: [],
    ...(source ? { last: source } : {}),
  };
}

export function undoHistory<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redoHistory<T>(history: History<T>): History<T> {
  const next = history.future[0];
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: history.future.slice(1) };
}

/** Replaces the present without a step (the saved list changed under it): nothing to undo there. */
export function amendPresent<T>(history: History<T>, present: T): History<T> {
  return Object.is(present, history.present) ? history : { ...history, present, last: undefined };
}
