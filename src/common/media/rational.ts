/** An exact frame rate or aspect ratio, as ffprobe reports them ("30000/1001", "64:45"). */
export interface Rational {
  num: number;
  den: number;
}

/** Parses "a/b" or "a:b"; undefined for "0/0", "N/A", negatives and other non-ratios. */
export function parseRational(text: string | undefined): Rational | undefined {
  if (!text) return undefined;
  const match = /^(\d+)[/:](\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const num = Number(match[1]);
  const den = Number(match[2]);
  if (num <= 0 || den <= 0) return undefined;
  return reduce({ num, den });
}

export function toNumber(r: Rational): number {
  return r.num / r.den;
}

export function reduce(r: Rational): Rational {
  const g = gcd(r.num, r.den);
  return { num: r.num / g, den: r.den / g };
}

export function divide(r: Rational, by: number): Rational {
  return reduce({ num: r.num, den: r.den * by });
}

/** "30000/1001" — the form ffmpeg's `fps` filter and `-r` take. */
export function formatRational(r: Rational): string {
  return `${r.num}/${r.den}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
