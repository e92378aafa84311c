import type { Draft } from './draft';

/**
 * The editor's unsaved draft, kept in the page's localStorage so that a crashed panel, a reload or a
 * restart of the desktop app brings it back (issue 10). Presets hold no secrets (publish targets and
 * their keys live in the back end), so the draft may sit in the page's storage.
 */
export interface StoredDraft {
  draft: Draft;
  /** The saved preset the draft was edited from; absent for a fork, an import or a new preset. */
  baseId?: string;
  forkedFrom?: string;
}

export const DRAFT_STORAGE_KEY = 'hls-studio.preset-editor.draft';
const VERSION = 1;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage refused (a sandboxed frame, privacy settings): the editor works, it just cannot keep drafts.
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Enough of a preset's shape for the editor to render; the schema judges the rest. */
function isDraftShaped(d: unknown): d is Draft {
  if (!isRecord(d) || typeof d.id !== 'string' || typeof d.name !== 'string') return false;
  const sections = ['video', 'audio', 'images', 'encryption', 'segment'];
  return (
    sections.every((s) => isRecord(d[s])) &&
    Array.isArray(d.rungs) &&
    d.rungs.length > 0 &&
    d.rungs.every(isRecord)
  );
}

export function loadStoredDraft(): StoredDraft | undefined {
  try {
    const text = storage()?.getItem(DRAFT_STORAGE_KEY);
    if (!text) return undefined;
    // JSON has no NaN: an emptied number field was written as null and comes back empty.
    const stored: unknown = JSON.parse(text, (_key, v: unknown) => (v === null ? NaN : v));
    if (!isRecord(stored) || stored.v !== VERSION || !isDraftShaped(stored.draft)) return undefined;
    return {
      draft: stored.draft,
      ...(typeof stored.baseId === 'string' ? { baseId: stored.baseId } : {}),
      ...(typeof stored.forkedFrom === 'string' ? { forkedFrom: stored.forkedFrom } : {}),
    };
  } catch {
    return undefined;
  }
}

export function storeDraft(stored: StoredDraft): void {
  try {
    storage()?.setItem(DRAFT_STORAGE_KEY, JSON.stringify({ v: VERSION, ...stored }));
  } catch {
    // Full or refused: keeping the draft is a convenience, never a reason to break the editor.
  }
}

export function clearStoredDraft(): void {
  try {
    storage()?.removeItem(DRAFT_STORAGE_KEY);
  } catch {
    // as above
  }
}
