import { useEffect, useRef, type RefObject } from 'react';

export type UndoKey = 'undo' | 'redo';

/** Ctrl/Cmd+Z undoes; Ctrl/Cmd+Shift+Z and Ctrl+Y redo (Cmd+Y is the history window in Mac browsers). */
export function undoKeyOf(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>) {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return undefined;
  const key = e.key.toLowerCase();
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && e.ctrlKey && !e.shiftKey) return 'redo';
  return undefined;
}

/**
 * The editor's undo keys, on the page while the editor is shown and focus is in it or nowhere (after a
 * click on a button that went away, such as a removed rung's ✕).
 *
 * Inside the editor's own fields the keys are the editor's undo, not the field's: every keystroke there
 * is already a step of the editor's history (joined per field, see editor-history.ts), so undo takes back
 * what was typed in that field as the field's own undo would, and the chart, checks and other fields
 * follow. Left to the browser, a field would undo its text alone, skipping changes made by the chart.
 * When the editor has nothing to undo or redo, the key is left to the browser. Fields outside the editor
 * (the header, dialogs, the Rename popover) keep their native undo.
 *
 * `act` answers whether it did something; only then is the browser's default prevented.
 */
export function useUndoKeys(root: RefObject<HTMLElement | null>, act: (key: UndoKey) => boolean): void {
  const latest = useRef(act);
  latest.current = act;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const key = undoKeyOf(e);
      const el = root.current;
      if (!key || !el || e.defaultPrevented) return;
      if (!isShown(el)) return;
      const target = e.target instanceof Node ? e.target : null;
      const inEditor = target !== null && el.contains(target);
      if (!inEditor && target !== document.body && target !== document.documentElement) return;
      if (latest.current(key)) e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [root]);
}

/** Not under display: none (another tab is showing: the editor stays mounted, hidden). */
function isShown(el: HTMLElement): boolean {
  for (let node: HTMLElement | null = el; node; node = node.parentElement)
    if (getComputedStyle(node).display === 'none') return false;
  return true;
}
