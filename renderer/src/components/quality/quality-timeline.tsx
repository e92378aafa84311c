import { useElementSize } from '@mantine/hooks';
import { useId, type MouseEvent } from 'react';
import type { MetricName } from '../../../../src/common/quality/quality-report';
import { clockTime } from '../preview/scrub-math';
import { ChartAxes, CHART_HEIGHT, CHART_MARGIN } from './chart-axes';
import { linearScale, niceTicks, paddedDomain } from './chart-scale';
import { METRICS, rungColour } from './metric-format';
import { rungMetric, type RungFigures } from './quality-figures';
import type { SegmentTimeline } from './segment-timeline';

/** Seeks the preview to `timeSec`; with `rung`, plays that rung (counted from 1) too. */
export type QualitySeek = (timeSec: number, rung?: number) => void;

/**
 * Each rung's quality segment by segment (a step per segment, as measured), with its worst segment
 * marked by a button that seeks the preview there on that rung; a click anywhere else seeks to that time.
 */
export function QualityTimeline(props: {
  rungs: RungFigures[];
  timelines: SegmentTimeline[];
  metric: MetricName;
  /** Where the preview's player is, drawn as a line across the chart. */
  playheadSec?: number;
  onSeek: QualitySeek;
}) {
  const { rungs, timelines, metric, playheadSec, onSeek } = props;
  const { ref, width: measured } = useElementSize();
  const width = Math.max(measured || 480, 240);
  const id = useId();
  const { label, axis, format, tick, minSpread } = METRICS[metric];
  const endSec = Math.max(...timelines.map((t) => t.endSec));
  const x = linearScale([0, endSec], [CHART_MARGIN.left, width - CHART_MARGIN.right]);
  const values = rungs.flatMap((r) => rungMetric(r, metric).perSegment);
  const y = linearScale(paddedDomain(values, 0.15, minSpread), [
    CHART_HEIGHT - CHART_MARGIN.bottom,
    CHART_MARGIN.top,
  ]);
  const steps = (r: RungFigures, t: SegmentTimeline) =>
    rungMetric(r, metric)
      .perSegment.map(
        (v, i) => `${i ? 'V' : `M${x(t.starts[i] ?? 0)} `}${y(v)}H${x(t.starts[i + 1] ?? t.endSec)}`,
      )
      .join('');
  const seekAt = (event: MouseEvent<SVGRectElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const time = x.invert(CHART_MARGIN.left + event.clientX - box.left);
    onSeek(Math.min(Math.max(0, time), endSec));
  };
  const worstLabel = (r: RungFigures) => {
    const worst = rungMetric(r, metric).worst;
    return `Rung ${r.number} worst: ${format(worst.value)} at ${clockTime(worst.startSec)}, seek`;
  };
  return (
    <div ref={ref} className="quality-chart" data-testid="quality-timeline">
      <svg width={width} height={CHART_HEIGHT} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{`${label} over time, per rung`}</title>
        <desc id={`${id}-d`}>{rungs.map((r) => worstLabel(r).replace(/, seek$/, '')).join('; ')}</desc>
        <ChartAxes
          x={x}
          y={y}
          xTicks={niceTicks(0, endSec, width / 90)}
          yTicks={niceTicks(y.invert(CHART_HEIGHT - CHART_MARGIN.bottom), y.invert(CHART_MARGIN.top), 4)}
          xFormat={clockTime}
          yFormat={tick}
          xTitle="Time (click to seek)"
          yTitle={axis}
          width={width}
        />
        {rungs.map((r, i) => (
          <path
            key={r.number}
            d={steps(r, timelines[i]!)}
            fill="none"
            stroke={rungColour(r.number)}
            strokeWidth={2}
            data-testid="quality-timeline-line"
          />
        ))}
        {playheadSec !== undefined && (
          <path
            className="quality-playhead"
            d={`M${x(Math.min(playheadSec, endSec))} ${CHART_MARGIN.top}V${CHART_HEIGHT - CHART_MARGIN.bottom}`}
            data-testid="quality-playhead"
          />
        )}
        <g aria-hidden="true">
          {rungs.map((r, i) => (
            <text key={r.number} className="quality-label" x={CHART_MARGIN.left + i * 110} y={14}>
              <tspan fill={rungColour(r.number)}>● </tspan>
              {`${r.number} · ${r.width}x${r.height}`}
            </text>
          ))}
        </g>
        <rect
          className="quality-plot"
          x={CHART_MARGIN.left}
          y={CHART_MARGIN.top}
          width={width - CHART_MARGIN.left - CHART_MARGIN.right}
          height={CHART_HEIGHT - CHART_MARGIN.top - CHART_MARGIN.bottom}
          fill="transparent"
          onClick={seekAt}
          data-testid="quality-timeline-plot"
        />
      </svg>
      {rungs.map((r) => {
        const worst = rungMetric(r, metric).worst;
        return (
          <button
            key={r.number}
            type="button"
            className="quality-marker"
            style={{
              left: x(worst.startSec),
              top: y(worst.value),
              ['--marker-colour' as string]: rungColour(r.number),
            }}
            aria-label={worstLabel(r)}
            title={worstLabel(r)}
            data-testid="worst-marker"
            data-rung={r.number}
            data-time={worst.startSec}
            onClick={() => onSeek(worst.startSec, r.number)}
          />
        );
      })}
    </div>
  );
}
