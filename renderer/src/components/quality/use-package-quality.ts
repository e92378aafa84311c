import { useEffect, useState } from 'react';
import type { JobResult } from '../../../../src/common/api/studio-api';
import { PACKAGE_NAMES } from '../../../../src/common/package/package-layout';
import { qualityFromVideoJson, type PackageQuality } from './quality-figures';
import { evenTimeline, timelineFromPlaylist, type SegmentTimeline } from './segment-timeline';

export type QualityLoad =
  | { state: 'loading' }
  /** No video.json, or one without quality figures (an older package, `--no-quality`, audio only). */
  | { state: 'none' }
  /** `timelines[i]` places `quality.rungs[i]`'s segments on the timeline. */
  | { state: 'ready'; quality: PackageQuality; timelines: SegmentTimeline[] };

/**
 * A finished package's quality figures (video.json) and each rung's segment times (its media playlist's
 * EXTINFs; equal segments if the playlist cannot be read). A live preview has none yet.
 */
export function usePackageQuality(result: JobResult | undefined): QualityLoad {
  const base = result ? new URL(result.baseUrl, location.href).href : undefined;
  const [load, setLoad] = useState<QualityLoad>({ state: base ? 'loading' : 'none' });
  useEffect(() => {
    if (!base) return setLoad({ state: 'none' });
    let current = true;
    setLoad({ state: 'loading' });
    void loadQuality(base)
      .catch(() => ({ state: 'none' }) as const)
      .then((loaded) => current && setLoad(loaded));
    return () => {
      current = false;
    };
  }, [base]);
  return load;
}

async function loadQuality(base: string): Promise<QualityLoad> {
  const response = await fetch(new URL(PACKAGE_NAMES.videoJson, base));
  const quality = response.ok ? qualityFromVideoJson(await response.json()) : undefined;
  if (!quality) return { state: 'none' };
  const timelines = await Promise.all(
    quality.rungs.map(async (rung) => {
      const text = await fetch(new URL(rung.uri, base))
        .then((r) => (r.ok ? r.text() : ''))
        .catch(() => '');
      const timeline = timelineFromPlaylist(text);
      // The figures are per segment of the final playlist: a timeline of another length would misplace them.
      return timeline?.starts.length === rung.quality.psnr.perSegment.length
        ? timeline
        : evenTimeline(rung.quality.psnr.perSegment.length, quality.durationSec);
    }),
  );
  return { state: 'ready', quality, timelines };
}
