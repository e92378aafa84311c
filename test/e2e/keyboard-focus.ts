/// <reference lib="dom" />
import type { Page } from 'playwright-core';

/** What keyboard focus is on, as a test reads it: tag, role, name, test id, and whether a ring shows. */
export interface FocusedElement {
  tag: string;
  role: string | null;
  name: string;
  testId: string | null;
  /** An outline, a box-shadow, or (Mantine's inputs) a border in the primary colour. */
  ringVisible: boolean;
  /** The styles read, for a failure message. */
  style: string;
}

/** The focused element, described; a focus ring counts only if the page draws one. */
export function focused(page: Page): Promise<FocusedElement> {
  return page.evaluate(async () => {
    // Mantine's inputs fade their border in (100 ms transition): read the style once it has settled.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body)
      return { tag: 'body', role: null, name: '', testId: null, ringVisible: false, style: '' };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== 'none';
    // Mantine draws an input's focus as its border in the primary colour, with `outline: none`.
    const probe = document.createElement('span');
    probe.style.color = 'var(--mantine-primary-color-filled)';
    document.body.append(probe);
    const primary = getComputedStyle(probe).color;
    probe.remove();
    const border = el.tagName === 'INPUT' && style.borderTopColor === primary;
    return {
      tag: el.tagName.toLowerCase(),
      role: el.getAttribute('role'),
      name: (
        el.getAttribute('aria-label') ??
        (el as HTMLInputElement).labels?.[0]?.textContent ??
        el.textContent ??
        ''
      )
        .trim()
        .slice(0, 80),
      testId: el.getAttribute('data-testid'),
      ringVisible: outline || shadow || border,
      style: `outline ${style.outline}; box-shadow ${style.boxShadow}; border ${style.borderTopColor} (primary ${primary})`,
    };
  });
}

/**
 * Presses `key` (Tab by default) until the focused element matches `wanted`, at most `max` times;
 * throws with every stop on the way when it is not reachable.
 */
export async function pressUntil(
  page: Page,
  what: string,
  wanted: (el: FocusedElement) => boolean,
  { key = 'Tab', max = 60 }: { key?: string; max?: number } = {},
): Promise<FocusedElement> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const el = await focused(page);
    if (wanted(el)) return el;
    stops.push(`${el.tag}${el.testId ? `[${el.testId}]` : ''} "${el.name}"`);
  }
  throw new Error(`${what} is not reachable with ${key}; focus went to:\n${stops.join('\n')}`);
}
