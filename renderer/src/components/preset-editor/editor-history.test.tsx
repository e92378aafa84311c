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

  it("joins a gesture's steps within MERGE_MS of each other (one drag is one step)", () => {
    let h = startHistory(100);
    h = pushHistory(h, 150, { key: 'bitrate-1', at: 0 });
    h = pushHistory(h, 200, { key: 'bitrate-1', at: 400 });
    h = pushHistory(h, 250, { key: 'bitrate-1', at: 400 + MERGE_MS });
    expect(h.past).toEqual([100]);
    h = pushHistory(h, 300, { key: 'bitrate-1', at: 401 + 2 * MERGE_MS });
    expect(h.past).toEqual([100, 250]);
    h = pushHistory(h, 350, { key: 'bitrate-2', at: 402 + 2 * MERGE_MS });
    expect(h.past).toEqual([100, 250, 300]);
  });

  it("joins a field's keystrokes while it keeps focus, however slow (typing 3500 is one step)", () => {
    let h = startHistory('');
    for (const text of ['3', '35', '350', '3500']) h = pushHistory(h, text, { key: 'field-1' });
    expect(h.past).toEqual(['']);
    h = pushHistory(h, '35000', { key: 'field-2' });
    expect(h.past).toEqual(['', '3500']);
    h = pushHistory(h, 'x');
    h = pushHistory(h, 'xy', { key: 'field-2' });
    expect(h.past).toEqual(['', '3500', '35000', 'x']);
  });

  it('an undo ends the joined step: the next keystroke is a step of its own', () => {
    let h = pushHistory(startHistory('a'), 'b', { key: 'field-1' });
    h = undoHistory(pushHistory(h, 'c', { key: 'field-1' }));
    expect(h.present).toBe('a');
    h = pushHistory(h, 'd', { key: 'field-1' });
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
