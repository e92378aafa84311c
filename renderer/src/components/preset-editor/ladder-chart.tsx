import { Group, Slider, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import type { LadderAnalysis } from '../../../../src/common/presets/ladder-analysis';
import { APPLE_LADDERS } from '../../../../src/common/presets/ladder-analysis';
import type { Rung, VideoCodec } from '../../../../src/common/presets/preset-schema';
import { clampKbps, KBPS_STEP, MAX_KBPS, MIN_KBPS, snapKbps } from './draft';

const W = 640;
const H = 240;
const M = { left: 48, right: 16, top: 12, bottom: 30 };
const Y_TICKS = [50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000];
const X_TICKS = [144, 234, 360, 432, 540, 720, 1080, 1440, 2160, 4320];
/** Heights the chart draws (the schema's 16-8192 px); a height typed outside is drawn at the edge. */
const HEIGHTS = { min: 16, max: 8192 };

interface Domain {
  min: number;
  max: number;
}

/** Log scale from a domain onto [from, to] (to may be below from: the y axis grows upwards). */
function scale(d: Domain, from: number, to: number) {
  const span = Math.log(d.max) - Math.log(d.min);
  return {
    at: (v: number) => from + ((Math.log(v) - Math.log(d.min)) / span) * (to - from),
    invert: (p: number) => Math.exp(Math.log(d.min) + ((p - from) / (to - from)) * span),
  };
}

/** Where a rung is drawn: a value being typed (empty, 0, 4, 900000) is drawn at the chart's edge. */
function drawnHeight(r: Rung): number {
  const h = Math.min(r.width, r.height);
  return Number.isFinite(h) ? Math.min(HEIGHTS.max, Math.max(HEIGHTS.min, h)) : HEIGHTS.min;
}

function yDomainOf(rungs: readonly Rung[]): Domain {
  const kbps = rungs.map((r) => clampKbps(r.bitrateKbps));
  return { min: Math.min(100, ...kbps) / 1.6, max: Math.max(8000, ...kbps) * 1.6 };
}

function xDomainOf(rungs: readonly Rung[]): Domain {
  const heights = rungs.map(drawnHeight);
  return { min: Math.min(234, ...heights) / 1.25, max: Math.max(1080, ...heights) * 1.25 };
}

/**
 * The ladder as a chart: x = rung height (log), y = average bit rate (log). Each rung is a point to drag
 * up or down (50 kb/s steps) or move with the arrow keys; Apple's reference ladder is drawn behind it.
 */
export function LadderChart(props: {
  rungs: Rung[];
  analysis: LadderAnalysis;
  codec: VideoCodec;
  selected?: number;
  onSelect(index: number): void;
  onBitrate(index: number, kbps: number): void;
}) {
  const { rungs, analysis, codec, selected, onSelect, onBitrate } = props;
  const svg = useRef<SVGSVGElement>(null);
  // The y domain is frozen while a point is dragged, so the axis does not slide under the pointer.
  const [drag, setDrag] = useState<{ index: number; y: Domain }>();
  const yDomain = drag?.y ?? yDomainOf(rungs);
  const xDomain = xDomainOf(rungs);
  const x = scale(xDomain, M.left, W - M.right);
  const y = scale(yDomain, H - M.bottom, M.top);
  const inX = (v: number) => v >= xDomain.min && v <= xDomain.max;
  const inY = (v: number) => v >= yDomain.min && v <= yDomain.max;

  // Drawn from clamped copies: the rung keeps the value as typed, and nothing here writes it back.
  const points = rungs.map((r, i) => {
    const kbps = clampKbps(r.bitrateKbps);
    return {
      i,
      r,
      kbps,
      off: r.bitrateKbps < kbps ? '▾' : r.bitrateKbps > kbps ? '▴' : '',
      cx: x.at(drawnHeight(r)),
      cy: y.at(kbps),
      report: analysis.rungs[i],
    };
  });
  const line = [...points]
    .filter((p) => p.report?.kept !== false)
    .sort((a, b) => a.kbps - b.kbps)
    .map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`)
    .join(' ');

  const kbpsAt = (clientY: number): number | undefined => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || box.height <= 0) return undefined;
    const kbps = y.invert(((clientY - box.top) / box.height) * H);
    return Number.isFinite(kbps) ? snapKbps(kbps) : undefined;
  };

  return (
    <svg
      ref={svg}
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="group"
      aria-label="Ladder chart: bit rate against resolution"
      data-testid="ladder-chart"
      style={{ display: 'block', touchAction: 'none', userSelect: 'none', fontSize: 10 }}
      onPointerMove={(e) => {
        if (!drag) return;
        const kbps = kbpsAt(e.clientY);
        if (kbps !== undefined && kbps !== rungs[drag.index]?.bitrateKbps) onBitrate(drag.index, kbps);
      }}
      onPointerUp={() => setDrag(undefined)}
      onPointerCancel={() => setDrag(undefined)}
    >
      {Y_TICKS.filter(inY).map((t) => (
        <g key={`y${t}`}>
          <line
            x1={M.left}
            x2={W - M.right}
            y1={y.at(t)}
            y2={y.at(t)}
            style={{ stroke: 'var(--mantine-color-default-border)', strokeWidth: 1 }}
          />
          <text
            x={M.left - 6}
            y={y.at(t) + 3}
            textAnchor="end"
            style={{ fill: 'var(--mantine-color-dimmed)' }}
          >
            {t >= 1000 ? `${t / 1000}M` : `${t}k`}
          </text>
        </g>
      ))}
      {X_TICKS.filter(inX).map((t) => (
        <g key={`x${t}`}>
          <line
            x1={x.at(t)}
            x2={x.at(t)}
            y1={M.top}
            y2={H - M.bottom}
            style={{ stroke: 'var(--mantine-color-default-border)', strokeDasharray: '2 3' }}
          />
          <text
            x={x.at(t)}
            y={H - M.bottom + 14}
            textAnchor="middle"
            style={{ fill: 'var(--mantine-color-dimmed)' }}
          >
            {t}p
          </text>
        </g>
      ))}
      <text x={W - M.right} y={H - 4} textAnchor="end" style={{ fill: 'var(--mantine-color-dimmed)' }}>
        height (log)
      </text>
      <text x={4} y={M.top + 2} style={{ fill: 'var(--mantine-color-dimmed)' }}>
        b/s
      </text>

      {APPLE_LADDERS[codec]
        .filter((a) => inX(a.height) && inY(a.kbps))
        .map((a) => (
          <rect
            key={`apple-${a.height}-${a.kbps}`}
            data-testid="apple-reference"
            x={x.at(a.height) - 3}
            y={y.at(a.kbps) - 3}
            width={6}
            height={6}
            transform={`rotate(45 ${x.at(a.height)} ${y.at(a.kbps)})`}
            style={{ fill: 'none', stroke: 'var(--mantine-color-gray-5)', strokeWidth: 1 }}
          >
            <title>{`Apple ${codec.toUpperCase()}: ${a.width}x${a.height} ${a.kbps} kb/s`}</title>
          </rect>
        ))}

      {line && (
        <polyline
          points={line}
          style={{
            fill: 'none',
            stroke: 'var(--mantine-primary-color-filled)',
            strokeWidth: 1.5,
            opacity: 0.6,
          }}
        />
      )}

      {points.map(({ i, r, kbps, off, cx, cy, report }) => {
        const kept = report?.kept !== false;
        const isSelected = selected === i;
        const nudge = (delta: number) => onBitrate(i, snapKbps(kbps + delta));
        return (
          <g key={i}>
            {report?.isStart && (
              <circle
                cx={cx}
                cy={cy}
                r={11}
                style={{ fill: 'none', stroke: 'var(--mantine-color-teal-6)', strokeWidth: 1.5 }}
              />
            )}
            <circle
              data-testid="chart-point"
              data-index={i}
              data-kbps={String(r.bitrateKbps)}
              data-off-chart={off ? true : undefined}
              cx={cx}
              cy={cy}
              r={isSelected ? 8 : 6}
              tabIndex={0}
              role="slider"
              aria-label={`Rung ${i + 1} on the chart`}
              aria-valuemin={MIN_KBPS}
              aria-valuemax={MAX_KBPS}
              aria-valuenow={kbps}
              aria-valuetext={`${r.width}x${r.height}, ${r.bitrateKbps} kb/s`}
              style={{
                cursor: 'ns-resize',
                fill: kept ? 'var(--mantine-primary-color-filled)' : 'var(--mantine-color-body)',
                stroke: kept
                  ? isSelected
                    ? 'var(--mantine-color-text)'
                    : 'var(--mantine-color-body)'
                  : 'var(--mantine-color-gray-6)',
                strokeWidth: isSelected ? 2 : 1.5,
                strokeDasharray: kept ? undefined : '2 2',
                outline: 'none',
              }}
              onPointerDown={(e) => {
                e.preventDefault();
                e.currentTarget.setPointerCapture?.(e.pointerId);
                onSelect(i);
                setDrag({ index: i, y: yDomain });
              }}
              onKeyDown={(e) => {
                const big = e.shiftKey ? 10 : 1;
                if (e.key === 'ArrowUp' || e.key === 'ArrowRight') nudge(KBPS_STEP * big);
                else if (e.key === 'ArrowDown' || e.key === 'ArrowLeft') nudge(-KBPS_STEP * big);
                else return;
                e.preventDefault();
              }}
              onFocus={() => onSelect(i)}
            >
              <title>
                {`Rung ${i + 1}: ${r.width}x${r.height}, ${r.bitrateKbps} kb/s${kept ? '' : ' (skipped for this source)'}`}
              </title>
            </circle>
            <text
              x={cx + 10}
              y={cy + 3}
              style={{
                fill: kept ? 'var(--mantine-color-text)' : 'var(--mantine-color-dimmed)',
                pointerEvents: 'none',
              }}
            >
              {Number.isFinite(r.bitrateKbps) ? `${r.bitrateKbps}${off}` : '?'}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/**
 * A slider to nudge the selected rung's average rate within half to twice what it was when picked; its
 * range re-centres only when the value is moved outside it by other means.
 */
export function BitrateNudge(props: {
  index: number;
  rung: Rung;
  onBitrate(index: number, kbps: number): void;
}) {
  const { index, rung, onBitrate } = props;
  const typed = rung.bitrateKbps;
  // The slider works on the rate clamped to its own scale: rangeOf(k) holds k only for k in
  // [MIN_KBPS, MAX_KBPS], and re-centring on a raw 4 or 0 (typed on the way to 450) set state on every
  // render, React error #301 (issue 10).
  const current = clampKbps(typed);
  const [anchor, setAnchor] = useState({ index, kbps: current });
  const rangeOf = (kbps: number) => ({
    min: snapKbps(kbps / 2),
    max: Math.max(snapKbps(kbps * 2), snapKbps(kbps / 2) + 10 * KBPS_STEP),
  });
  let range = rangeOf(anchor.kbps);
  if (anchor.index !== index || current < range.min || current > range.max) {
    range = rangeOf(current);
    if (anchor.index !== index || anchor.kbps !== current) setAnchor({ index, kbps: current });
  }
  return (
    <Group gap="sm" wrap="nowrap" align="center" pr="md">
      <Text size="xs" c="dimmed" w={110}>
        Rung {index + 1}: {Number.isFinite(typed) ? typed : '?'} kb/s
      </Text>
      <Slider
        style={{ flex: 1 }}
        size="sm"
        min={range.min}
        max={range.max}
        step={KBPS_STEP}
        value={current}
        onChange={(v) => onBitrate(index, v)}
        thumbLabel={`Rung ${index + 1} bit rate slider`}
        label={(v) => `${v} kb/s`}
        marks={[
          { value: range.min, label: `${range.min}` },
          { value: range.max, label: `${range.max}` },
        ]}
        mb="md"
      />
    </Group>
  );
}
