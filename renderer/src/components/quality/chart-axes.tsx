import type { LinearScale } from './chart-scale';

/** Room around a chart's plot for tick labels and axis titles, in pixels. */
export const CHART_MARGIN = { left: 56, right: 20, top: 34, bottom: 40 };
export const CHART_HEIGHT = 250;

/** Grid lines with their tick labels, and an axis title on each side (drawn under the data). */
export function ChartAxes(props: {
  x: LinearScale;
  y: LinearScale;
  xTicks: number[];
  yTicks: number[];
  xFormat: (value: number) => string;
  yFormat: (value: number) => string;
  xTitle: string;
  yTitle: string;
  width: number;
}) {
  const { x, y, width } = props;
  const bottom = CHART_HEIGHT - CHART_MARGIN.bottom;
  const plotCentreY = (CHART_MARGIN.top + bottom) / 2;
  return (
    <g className="quality-axis" aria-hidden="true">
      {props.yTicks.map((t) => (
        <g key={`y${t}`}>
          <line x1={CHART_MARGIN.left} x2={width - CHART_MARGIN.right} y1={y(t)} y2={y(t)} />
          <text x={CHART_MARGIN.left - 6} y={y(t)} textAnchor="end" dominantBaseline="middle">
            {props.yFormat(t)}
          </text>
        </g>
      ))}
      {props.xTicks.map((t) => (
        <text key={`x${t}`} x={x(t)} y={bottom + 16} textAnchor="middle">
          {props.xFormat(t)}
        </text>
      ))}
      <path d={`M${CHART_MARGIN.left} ${bottom}H${width - CHART_MARGIN.right}`} />
      <text x={(CHART_MARGIN.left + width - CHART_MARGIN.right) / 2} y={CHART_HEIGHT - 4} textAnchor="middle">
        {props.xTitle}
      </text>
      <text
        transform={`translate(12 ${plotCentreY}) rotate(-90)`}
        textAnchor="middle"
        dominantBaseline="middle"
      >
        {props.yTitle}
      </text>
    </g>
  );
}
