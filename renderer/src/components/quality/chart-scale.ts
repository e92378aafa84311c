/** A linear map from data values to pixels (`invert` goes back, for a click on the chart). */
export interface LinearScale {
  (value: number): number;
  invert(pixel: number): number;
}

export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = (value: number) => r0 + ((value - d0) / span) * (r1 - r0);
  scale.invert = (pixel: number) => d0 + ((pixel - r0) / (r1 - r0 || 1)) * span;
  return scale;
}

/** About `count` round values (1, 2 or 5 times a power of ten apart) covering min..max. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  // The factor nearest the raw step on a log scale (as d3's ticks choose: thresholds √50, √10, √2).
  const error = raw / power;
  const step =
    (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1) * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
    ticks.push(Number(t.toFixed(10)));
  }
  return ticks;
}

/** A domain around `values` padded by `share` of their spread on each side (a single value gets room too). */
export function paddedDomain(values: number[], share: number, minSpread: number): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max(hi - lo, minSpread) * share;
  return [lo - pad, hi + pad];
}
