import { useElementSize } from '@mantine/hooks';
import { useId } from 'react';
import type { MetricName } from '../../../../src/common/quality/quality-report';
import { bitrate } from '../format';
import { ChartAxes, CHART_HEIGHT, CHART_MARGIN } from './chart-axes';
import { linearScale, niceTicks, paddedDomain } from './chart-scale';
import { METRICS, rungColour } from './metric-format';
import { rungMetric, type RungFigures } from './quality-figures';

/** The rate-quality curve: one point per rung, its average bit rate across, its mean quality up. */
export function RateQualityChart(props: {
  rungs: RungFigures[];
  metric: MetricName;
  /** Every metric the package has, named in each point's description. */
  metrics: MetricName[];
}) {
  const { rungs, metric, metrics } = props;
  const { ref, width: measured } = useElementSize();
  const width = Math.max(measured || 480, 240);
  const id = useId();
  const { label, axis, format, tick, minSpread } = METRICS[metric];
  const rates = rungs.map((r) => r.averageBandwidth);
  const values = rungs.map((r) => rungMetric(r, metric).mean);
  const [rateLo, rateHi] = paddedDomain(rates, 0.15, Math.max(...rates) * 0.3);
  const x = linearScale([Math.max(0, rateLo), rateHi], [CHART_MARGIN.left, width - CHART_MARGIN.right]);
  const y = linearScale(paddedDomain(values, 0.25, minSpread), [
    CHART_HEIGHT - CHART_MARGIN.bottom,
    CHART_MARGIN.top,
  ]);
  const [yLo, yHi] = [y.invert(CHART_HEIGHT - CHART_MARGIN.bottom), y.invert(CHART_MARGIN.top)];
  const byRate = [...rungs].sort((a, b) => a.averageBandwidth - b.averageBandwidth);
  const describe = (r: RungFigures) =>
    `Rung ${r.number}, ${r.width}x${r.height}: ${bitrate(r.averageBandwidth)}, ` +
    metrics.map((m) => `${METRICS[m].label} ${METRICS[m].format(rungMetric(r, m).mean)}`).join(', ');
  return (
    <div ref={ref} className="quality-chart" data-testid="rate-quality-chart">
      <svg width={width} height={CHART_HEIGHT} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{`${label} against average bit rate, per rung`}</title>
        <desc id={`${id}-d`}>{rungs.map(describe).join('; ')}</desc>
        <ChartAxes
          x={x}
          y={y}
          xTicks={niceTicks(x.invert(CHART_MARGIN.left), x.invert(width - CHART_MARGIN.right), width / 110)}
          yTicks={niceTicks(yLo, yHi, 4)}
          xFormat={bitrate}
          yFormat={tick}
          xTitle="Average bit rate"
          yTitle={axis}
          width={width}
        />
        <polyline
          points={byRate.map((r) => `${x(r.averageBandwidth)},${y(rungMetric(r, metric).mean)}`).join(' ')}
          fill="none"
          stroke="var(--mantine-color-dimmed)"
          strokeWidth={1.5}
        />
        {rungs.map((r) => {
          const px = x(r.averageBandwidth);
          const py = y(rungMetric(r, metric).mean);
          // Labels sit beside the point, on the side with room.
          const left = px > width * 0.7;
          const tx = px + (left ? -10 : 10);
          return (
            <g key={r.number} data-testid="rate-quality-point" data-rung={r.number}>
              <title>{describe(r)}</title>
              <circle cx={px} cy={py} r={6} fill={rungColour(r.number)} />
              <text className="quality-label" x={tx} y={py - 4} textAnchor={left ? 'end' : 'start'}>
                {`${r.number} · ${r.width}x${r.height}`}
              </text>
              <text
                className="quality-label"
                x={tx}
                y={py + 12}
                textAnchor={left ? 'end' : 'start'}
                data-testid="rate-quality-value"
              >
                {format(rungMetric(r, metric).mean)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
