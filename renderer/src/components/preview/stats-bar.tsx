import { bitrate } from '../format';
import { rungName } from './rung-label';
import type { PlayerStats } from './use-hls-player';

/**
 * What the player is doing, on a line under the picture (never over it): the rung playing, counted
 * from 1 as in the preset editor, whether Auto chose it, and hls.js's estimate, buffer and drops.
 */
export function StatsBar({ stats, auto }: { stats?: PlayerStats; auto: boolean }) {
  if (!stats) return null;
  const playing = stats.level >= 0 ? `${rungName(stats.level)} · ${stats.resolution}` : 'loading';
  return (
    <div
      className="preview-stats"
      data-testid="stats"
      data-level={stats.level}
      data-rung={stats.level >= 0 ? stats.level + 1 : undefined}
      aria-live="polite"
    >
      <span data-testid="stats-rung">
        {auto ? 'Auto: ' : ''}
        {playing}
      </span>
      <span>estimate {bitrate(stats.bandwidthEstimate)}</span>
      <span>buffer {stats.bufferSec.toFixed(1)} s</span>
      <span>dropped {stats.droppedFrames}</span>
    </div>
  );
}
