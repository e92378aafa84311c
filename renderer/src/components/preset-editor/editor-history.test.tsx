import { describe, expect, it } from 'vitest';
import {
  amendPresent,
  HISTORY_LIMIT,
  MERGE_MS,
  pushHistory,
  redoHistory,
  startHistory,
  undoHistory,
} from './editor-history';

describe('editor history', () => {
  it('undoes and redoes steps in order; a new step drops what was undone', () => {
    let h = startHistory('a');
    h = pushHistory(h, 'b');
    h = pushHistory(h, 'c');
    h = undoHistory(h);
    expect(h.present).toBe('b');
    h = undoHistory(h);
    expect(h.present).toBe('a');
    expect(undoHistory(h)).toBe(h);
    h = redoHistory(h);
    expect(h.present).toBe('b');
    h = pushHistory(h, 'd');
    expect(h.future).toEqual([]);
    expect(redoHistory(h)).toBe(h);
    expect(h.past).toEqual(['a', 'b']);
  });

  it('joins steps from one source within MERGE_MS (typing in one field is one step)', () => {
    const field = {};
    let h = startHistory('');
    h = pushHistory(h, '3', { key: field, at: 0 });
    h = pushHistory(h, '35', { key: field, at: 400 });
    h = pushHistory(h, '350', { key: field, at: 400 + MERGE_MS });
    expect(h.past).toEqual(['']);
    h = pushHistory(h, '3500', { key: field, at: 401 + 2 * MERGE_MS });
    expect(h.past).toEqual(['', '350']);
    h = pushHistory(h, 'x', { key: {}, at: 402 + 2 * MERGE_MS });
    expect(h.past).toEqual(['', '350', '3500']);
  });

  it('an undo ends the joined step: the next keystroke is a step of its own', () => {
    const field = {};
    let h = pushHistory(startHistory('a'), 'b', { key: field, at: 0 });
    h = undoHistory(pushHistory(h, 'c', { key: field, at: 1 }));
    expect(h.present).toBe('a');
    h = pushHistory(h, 'd', { key: field, at: 2 });
    expect(undoHistory(h).present).toBe('a');
    expect(h.past).toEqual(['a']);
  });

  it('keeps at most HISTORY_LIMIT steps', () => {
    let h = startHistory(0);
    for (let i = 1; i <= HISTORY_LIMIT + 10; i++) h = pushHistory(h, i);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(10);
  });

  it('amending the present adds no step', () => {
    const h = amendPresent(pushHistory(startHistory('a'), 'b'), 'B');
    expect(h.present).toBe('B');
    expect(undoHistory(h).present).toBe('a');
  });
});
