import { useElementSize } from '@mantine/hooks';
import { useId, useRef, useState, type PointerEvent } from 'react';
import {
  curvesByResolution,
  rateQualityHull,
  type ProbePoint,
} from '../../../../../src/common/plan/rate-quality-hull';
import { bitrate } from '../../format';
import { ChartAxes, CHART_HEIGHT, CHART_MARGIN } from '../../quality/chart-axes';
import { linearScale, niceTicks, paddedDomain, type LinearScale } from '../../quality/chart-scale';
import { rungColour } from '../../quality/metric-format';
import '../../quality/quality.css';
import { KBPS_STEP } from '../draft';
import type { LadderComparison } from './ladder-compare';
import { psnrText } from './ladder-compare-table';

const RATE_TICKS = [50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** kb/s on a log axis (each doubling the same width, as the hull is built), as a scale ChartAxes takes. */
function logScale(domain: [number, number], range: [number, number]): LinearScale {
  const lin = linearScale([Math.log2(domain[0]), Math.log2(domain[1])], range);
  const scale = (kbps: number) => lin(Math.log2(kbps));
  scale.invert = (pixel: number) => 2 ** lin.invert(pixel);
  return scale;
}

/**
 * The source's rate-quality plane: every probe encode faint (coloured by resolution), the hull through
 * the best of them, the preset's fixed rungs (hollow squares) and the per-title rungs (filled, movable
 * with the arrow keys: 50 kb/s, ×10 with Shift, or dragged sideways with the mouse or a finger, in
 * 50 kb/s steps), each at its predicted PSNR.
 */
export function HullChart(props: {
  points: ProbePoint[];
  comparison: LadderComparison;
  onMove(index: number, kbps: number): void;
}) {
  const { points, comparison, onMove } = props;
  const { ref, width: measured } = useElementSize();
  const width = Math.max(measured || 560, 280);
  const id = useId();
  const svg = useRef<SVGSVGElement>(null);
  // The rung being dragged, and the pixel offset between the pointer and its centre when it was taken.
  const [drag, setDrag] = useState<{ index: number; offset: number }>();
  const hull = rateQualityHull(points);
  const curves = curvesByResolution(points);
  const sides = [comparison.fixed, comparison.auto];
  const rates = [
    ...points.map((p) => p.kbps),
    ...sides.flatMap((s) => s.rungs.map((r) => r.rung.bitrateKbps)),
  ];
  const quality = [...points.map((p) => p.psnr), ...sides.flatMap((s) => s.rungs.map((r) => r.psnr))];
  const x = logScale(
    [Math.min(...rates) / 1.3, Math.max(...rates) * 1.3],
    [CHART_MARGIN.left, width - CHART_MARGIN.right],
  );
  const y = linearScale(paddedDomain(quality, 0.12, 2), [
    CHART_HEIGHT - CHART_MARGIN.bottom,
    CHART_MARGIN.top,
  ]);
  const [lo, hi] = [x.invert(CHART_MARGIN.left), x.invert(width - CHART_MARGIN.right)];
  const kbpsAt = (e: PointerEvent, offset: number) => {
    const left = svg.current?.getBoundingClientRect().left ?? 0;
    const kbps = x.invert(e.clientX - left - offset);
    return Math.max(KBPS_STEP, Math.round(kbps / KBPS_STEP) * KBPS_STEP);
  };
  const colourOf = (p: { width: number; height: number }) =>
    rungColour(1 + curves.findIndex((c) => c[0]!.width === p.width && c[0]!.height === p.height));
  return (
    <div ref={ref} className="quality-chart quality-panel" data-testid="hull-chart">
      <svg ref={svg} width={width} height={CHART_HEIGHT} role="group" aria-labelledby={`${id}-t`}>
        <title id={`${id}-t`}>PSNR against bit rate: probe encodes, their hull, and both ladders</title>
        <ChartAxes
          x={x}
          y={y}
          xTicks={RATE_TICKS.filter((t) => t >= lo && t <= hi)}
          yTicks={niceTicks(y.invert(CHART_HEIGHT - CHART_MARGIN.bottom), y.invert(CHART_MARGIN.top), 4)}
          xFormat={(kbps) => bitrate(kbps * 1000)}
          yFormat={String}
          xTitle="Average bit rate (log)"
          yTitle="PSNR (dB)"
          width={width}
        />
        {points.map((p) => (
          <circle
            key={`${p.width}x${p.height}/${p.crf}`}
            data-testid="probe-point"
            cx={x(p.kbps)}
            cy={y(p.psnr)}
            r={3.5}
            fill={colourOf(p)}
            opacity={0.35}
          >
            <title>{`Probe ${p.width}x${p.height} CRF ${p.crf}: ${p.kbps} kb/s, ${p.psnr} dB`}</title>
          </circle>
        ))}
        <polyline
          data-testid="hull-line"
          points={hull.map((p) => `${x(p.kbps)},${y(p.psnr)}`).join(' ')}
          fill="none"
          stroke="var(--mantine-color-dimmed)"
          strokeWidth={1.5}
          strokeDasharray="4 3"
        />
        {comparison.fixed.rungs.map((c, i) => (
          <rect
            key={`fixed-${i}`}
            data-testid="fixed-rung-point"
            x={x(c.rung.bitrateKbps) - 5}
            y={y(c.psnr) - 5}
            width={10}
            height={10}
            fill="none"
            stroke="var(--mantine-color-text)"
            strokeWidth={1.5}
          >
            <title>{`Fixed ${c.rung.width}x${c.rung.height}: ${c.rung.bitrateKbps} kb/s, ${psnrText(c)} dB predicted`}</title>
          </rect>
        ))}
        {comparison.auto.rungs.map((c, index) => {
          const { rung, psnr } = c;
          const px = x(rung.bitrateKbps);
          const left = px > width * 0.75;
          return (
            <g key={`auto-${index}`}>
              <circle
                data-testid="auto-rung-point"
                cx={px}
                cy={y(psnr)}
                r={6}
                fill="var(--mantine-primary-color-filled)"
                stroke="var(--mantine-color-body)"
                strokeWidth={1.5}
                tabIndex={0}
                role="slider"
                aria-label={`Per-title rung ${rung.width}x${rung.height}`}
                aria-valuenow={rung.bitrateKbps}
                aria-valuetext={`${rung.bitrateKbps} kb/s, ${psnrText(c)} dB predicted`}
                style={{
                  cursor: drag?.index === index ? 'grabbing' : 'grab',
                  outline: 'none',
                  touchAction: 'none',
                }}
                onPointerDown={(e) => {
                  const left = svg.current?.getBoundingClientRect().left ?? 0;
                  e.currentTarget.setPointerCapture?.(e.pointerId);
                  e.currentTarget.focus();
                  setDrag({ index, offset: e.clientX - left - px });
                  e.preventDefault();
                }}
                onPointerMove={(e) => {
                  if (drag?.index !== index) return;
                  const kbps = kbpsAt(e, drag.offset);
                  if (Number.isFinite(kbps) && kbps !== rung.bitrateKbps) onMove(index, kbps);
                }}
                onPointerUp={() => setDrag(undefined)}
                onPointerCancel={() => setDrag(undefined)}
                onKeyDown={(e) => {
                  const step = KBPS_STEP * (e.shiftKey ? 10 : 1);
                  if (e.key === 'ArrowUp' || e.key === 'ArrowRight') onMove(index, rung.bitrateKbps + step);
                  else if (e.key === 'ArrowDown' || e.key === 'ArrowLeft')
                    onMove(index, Math.max(KBPS_STEP, rung.bitrateKbps - step));
                  else return;
                  e.preventDefault();
                }}
              >
                <title>{`Per-title ${rung.width}x${rung.height}: ${rung.bitrateKbps} kb/s, ${psnrText(c)} dB predicted`}</title>
              </circle>
              <text
                className="quality-label"
                x={px + (left ? -10 : 10)}
                y={y(psnr) + 14}
                textAnchor={left ? 'end' : 'start'}
              >
                {`${rung.height}p`}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
