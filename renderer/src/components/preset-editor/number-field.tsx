import { TextInput, type TextInputProps } from '@mantine/core';
import { useState } from 'react';

/**
 * Typed text as the model's number: undefined when empty, NaN when it is not a plain decimal number
 * (a lone "-", "4,5", pasted words), so the schema names it. `Number()` alone would take "0x10" or "".
 */
export function parseTyped(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
}

/** What a field shows for a model value: nothing for undefined or NaN. */
export function formatTyped(value: number | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

function decimalsOf(n: number): number {
  return String(n).split('.')[1]?.length ?? 0;
}

/**
 * A number the user types. The field keeps the text as typed ("", "0", "4.", "-", "abc") and hands the
 * model its parsed value on every key, so nothing typed is rewritten or clamped under the cursor
 * (issue 10). A value changed elsewhere (chart, slider, another preset) replaces the text, unless the
 * text already means that value. Arrow up/down step the value, as a number input would.
 */
export function NumberField(
  props: Omit<TextInputProps, 'value' | 'defaultValue' | 'onChange' | 'step'> & {
    value: number | undefined;
    onChange(value: number | undefined): void;
    step?: number;
    /** Where arrow keys start from an empty or unreadable field. */
    min?: number;
    decimals?: boolean;
  },
) {
  const { value, onChange, step = 1, min, decimals = true, onKeyDown, ...rest } = props;
  const [text, setText] = useState(() => formatTyped(value));
  // Follow the model during render (React's "adjusting state when a prop changes"): `seen` catches up
  // in this same pass, so the update runs once per outside change and cannot loop.
  const [seen, setSeen] = useState(value);
  if (!Object.is(seen, value)) {
    setSeen(value);
    if (!Object.is(parseTyped(text), value)) setText(formatTyped(value));
  }
  const type = (next: string) => {
    setText(next);
    onChange(parseTyped(next));
  };
  return (
    <TextInput
      {...rest}
      inputMode={decimals ? 'decimal' : 'numeric'}
      autoComplete="off"
      value={text}
      onChange={(e) => type(e.currentTarget.value)}
      onKeyDown={(e) => {
        onKeyDown?.(e);
        if (e.defaultPrevented || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
        e.preventDefault();
        const now = parseTyped(text);
        const from =
          now !== undefined && Number.isFinite(now) ? now : (min ?? 0) - (e.key === 'ArrowUp' ? step : -step);
        const next = from + (e.key === 'ArrowUp' ? step : -step);
        type(String(Number(next.toFixed(Math.max(decimalsOf(step), decimalsOf(from))))));
      }}
    />
  );
}
