import type { EncodePlan } from '../plan/encode-plan.js';
import { CUT_SCORE } from '../plan/scene-windows.js';
import { windowInput, type ProbeWindow } from './probe-encode-args.js';

/** A stretch's per-frame record (scdet's values, one block per frame), relative to the analysis folder. */
export const sceneScanFile = (stretch: number) => `scene-scan-${stretch}.txt`;

/**
 * One decode of a stretch of the source for the per-title analysis (the whole span, or one of a long
 * source's samples: scene-windows.ts scanStretches): scdet scores every frame against the one before
 * (cuts, and the mean frame difference as a measure of motion) on a 320-pixel-wide copy. The decoder
 * may cut corners (no loop filter, fast flags: about a fifth less CPU on H.264) because nothing is
 * encoded from these frames. Progress goes to stdout.
 */
export function buildSceneScanArgs(plan: EncodePlan, stretch: ProbeWindow, index: number): string[] {
  const video = plan.video!;
  return [
    ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', '-progress', 'pipe:1'],
    ...['-skip_loop_filter', 'all', '-flags2', '+fast'],
    ...windowInput(plan, stretch),
    ...['-map', `0:${video.streamIndex}`, '-an', '-sn', '-dn'],
    '-vf',
    `scale='min(320,iw)':-2:flags=fast_bilinear,scdet=threshold=${CUT_SCORE}:sc_pass=0,metadata=mode=print:file=${sceneScanFile(index)}`,
    ...['-f', 'null', '-'],
  ];
}
