/**
 * The playback lab's networks: one table for the server that throttles the package's bytes and for the
 * picker that offers them. A profile is a trace of rates, each held for `forSec` (the last one for ever),
 * and a latency added before each response's first byte.
 */
export interface NetworkStep {
  bitsPerSec: number;
  /** How long this rate holds; absent on the last step. */
  forSec?: number;
}

export interface NetworkProfile {
  id: string;
  label: string;
  latencyMs: number;
  trace: NetworkStep[];
}

const MBPS = 1_000_000;

const FOUR_G = { bitsPerSec: 9 * MBPS, latencyMs: 60 };

/** 4G that falls to 0.5 Mb/s for `forSec` after `afterSec`, then recovers. */
function drop(id: string, name: string, afterSec: number, forSec: number): NetworkProfile {
  return {
    id,
    label: `${name} (4G, ${forSec} s at 0.5 Mb/s from ${afterSec} s)`,
    latencyMs: FOUR_G.latencyMs,
    trace: [
      { bitsPerSec: FOUR_G.bitsPerSec, forSec: afterSec },
      { bitsPerSec: 0.5 * MBPS, forSec },
      { bitsPerSec: FOUR_G.bitsPerSec },
    ],
  };
}

export const NETWORK_PROFILES: readonly NetworkProfile[] = [
  { id: '3g', label: '3G (1.6 Mb/s, 300 ms)', latencyMs: 300, trace: [{ bitsPerSec: 1.6 * MBPS }] },
  {
    id: '4g',
    label: '4G (9 Mb/s, 60 ms)',
    latencyMs: FOUR_G.latencyMs,
    trace: [{ bitsPerSec: FOUR_G.bitsPerSec }],
  },
  { id: 'cable', label: 'Cable (25 Mb/s, 15 ms)', latencyMs: 15, trace: [{ bitsPerSec: 25 * MBPS }] },
  drop('drop', 'Drop', 15, 20),
  drop('short-drop', 'Short drop', 8, 8),
];

export function networkProfile(id: string): NetworkProfile | undefined {
  return NETWORK_PROFILES.find((p) => p.id === id);
}

/** The link's rate `atSec` seconds into a lab session. */
export function rateAt(profile: NetworkProfile, atSec: number): number {
  let start = 0;
  for (const step of profile.trace) {
    if (step.forSec === undefined || atSec < start + step.forSec) return step.bitsPerSec;
    start += step.forSec;
  }
  return profile.trace[profile.trace.length - 1]!.bitsPerSec;
}

/**
 * When `bytes` sent from `startSec` have crossed the link, following the trace's rate changes (a
 * segment that starts before a drop and ends in it takes the slow rate for its tail).
 */
export function transmitEndSec(profile: NetworkProfile, startSec: number, bytes: number): number {
  let bits = bytes * 8;
  let at = startSec;
  let stepStart = 0;
  for (const step of profile.trace) {
    const stepEnd = step.forSec === undefined ? Infinity : stepStart + step.forSec;
    if (at < stepEnd) {
      const fits = (stepEnd - at) * step.bitsPerSec;
      if (bits <= fits) return at + bits / step.bitsPerSec;
      bits -= fits;
      at = stepEnd;
    }
    stepStart = stepEnd;
  }
  return at;
}

/** The lab's route: `/lab/<profile>/<session>/packages/<job>/…` serves `/packages/<job>/…` throttled. */
export const LAB_ROUTE = '/lab';

export function labUrl(profileId: string, session: string, packagePath: string): string {
  return `${LAB_ROUTE}/${encodeURIComponent(profileId)}/${encodeURIComponent(session)}${packagePath}`;
}
