import { useLayoutEffect, useRef, useState } from 'react';
import { rateAt, type NetworkProfile } from '../../../../src/common/lab/network-profiles';
import { bitrate } from '../format';
import type { Rung } from '../preview/rung-label';
import type { LabRecord, LabSample } from './lab-record';

const LANE = 64;
const GAP = 22;
const LEFT = 70;
const RIGHT = 12;
const TOP = 18;
const AXIS = 22;

interface Lane {
  title: string;
  testId: string;
  /** Values mapped to 0..1 of the lane's height. */
  max: number;
  ticks: { value: number; label: string }[];
  value: (s: LabSample) => number;
  step?: boolean;
}

/**
 * The run as plain SVG, one lane above another on a shared time axis: the rung playing, hls.js's
 * bandwidth estimate against the simulated network's rate (dashed), and the buffer ahead of the play
 * head; stalls are red bands across all three.
 */
export function LabTimeline(props: { record: LabRecord; rungs: Rung[]; profile: NetworkProfile }) {
  const { record, rungs, profile } = props;
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const last = record.endSec ?? record.samples.at(-1)?.sec ?? 0;
  const span = Math.max(30, Math.ceil(last / 10) * 10);
  const x = (sec: number) => LEFT + (sec / span) * (width - LEFT - RIGHT);
  // Scaled to the network and the ladder: one wild estimate (a fragment timed while the page was busy
  // can read 100 Mb/s) would flatten everything else; estimates above the lane are drawn at its top.
  const maxRate = 1.5 * Math.max(...rungs.map((r) => r.bitrate), ...profile.trace.map((s) => s.bitsPerSec));
  const maxBuffer = Math.max(10, ...record.samples.map((s) => s.bufferSec));
  const lanes: Lane[] = [
    {
      title: 'Rung playing',
      testId: 'lab-lane-rung',
      max: Math.max(1, rungs.length - 1),
      ticks: rungs.map((r, i) => ({ value: i, label: `${i + 1} · ${r.height}p` })),
      value: (s) => s.level,
      step: true,
    },
    {
      title: 'Bandwidth: hls.js estimate (solid), the network (dashed)',
      testId: 'lab-lane-estimate',
      max: maxRate,
      ticks: [
        { value: maxRate, label: bitrate(maxRate) },
        { value: 0, label: '0' },
      ],
      value: (s) => s.bandwidthEstimate,
    },
    {
      title: 'Buffer ahead of the play head',
      testId: 'lab-lane-buffer',
      max: maxBuffer,
      ticks: [
        { value: maxBuffer, label: `${Math.round(maxBuffer)} s` },
        { value: 0, label: '0 s' },
      ],
      value: (s) => s.bufferSec,
    },
  ];
  const top = (i: number) => TOP + i * (LANE + GAP);
  const height = top(lanes.length) - GAP + AXIS;
  const plotted = record.samples.filter((s) => s.level >= 0);
  const ticks = Array.from({ length: span / 10 + 1 }, (_, i) => i * 10);
  // The network's rate over the run, as steps (the trace changes it while the run goes on).
  const networkPath = Array.from({ length: Math.ceil(span) + 1 }, (_, sec) => {
    const y = laneY(1, rateAt(profile, sec) / maxRate);
    return `${sec === 0 ? 'M' : 'L'}${x(sec).toFixed(1)} ${y.toFixed(1)}`;
  }).join('');
  function laneY(lane: number, share: number) {
    return top(lane) + LANE - Math.min(1, Math.max(0, share)) * LANE;
  }
  return (
    <div ref={box} className="lab-timeline">
      <svg width={width} height={height} role="img" aria-label="Playback timeline" data-testid="lab-timeline">
        {lanes.map((lane, i) => (
          <g key={lane.title} className="lab-lane" data-testid={lane.testId}>
            <text className="lab-lane-title" x={LEFT} y={top(i) - 6}>
              {lane.title}
            </text>
            {lane.ticks.map((t) => (
              <g key={t.value}>
                <line
                  className="lab-grid"
                  x1={LEFT}
                  x2={width - RIGHT}
                  y1={laneY(i, t.value / lane.max)}
                  y2={laneY(i, t.value / lane.max)}
                />
                <text
                  className="lab-tick"
                  x={LEFT - 4}
                  y={laneY(i, t.value / lane.max)}
                  textAnchor="end"
                  dominantBaseline="middle"
                >
                  {t.label}
                </text>
              </g>
            ))}
            {plotted.length > 0 && (
              <path
                className={`lab-line lab-line-${i}`}
                d={linePath(
                  plotted,
                  (s) => x(s.sec),
                  (s) => laneY(i, lane.value(s) / lane.max),
                  lane.step,
                )}
              />
            )}
          </g>
        ))}
        <path className="lab-network" d={networkPath} data-testid="lab-network-rate" />
        {record.stalls.map((s) => (
          <rect
            key={s.atSec}
            className="lab-stall"
            data-testid="lab-stall-band"
            x={x(s.atSec)}
            y={TOP}
            width={Math.max(2, x(s.atSec + (s.durationSec ?? last - s.atSec)) - x(s.atSec))}
            height={top(lanes.length) - GAP - TOP}
          />
        ))}
        {ticks.map((t) => (
          <text key={t} className="lab-tick" x={x(t)} y={height - 6} textAnchor="middle">
            {t} s
          </text>
        ))}
      </svg>
    </div>
  );
}

function linePath(
  samples: LabSample[],
  x: (s: LabSample) => number,
  y: (s: LabSample) => number,
  step = false,
): string {
  return samples
    .map((s, i) => {
      const at = `${x(s).toFixed(1)} ${y(s).toFixed(1)}`;
      if (i === 0) return `M${at}`;
      return step ? `H${x(s).toFixed(1)}V${y(s).toFixed(1)}` : `L${at}`;
    })
    .join('');
}

/** The element's width, followed as the window resizes. */
function useWidth(box: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(600);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(280, element.clientWidth)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [box]);
  return width;
}
