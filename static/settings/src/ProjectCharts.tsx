/**
 * Tiny inline SVG charts for the metrics tab: no chart library, labelled axes, and each chart is one
 * `role="img"` with a <title> and <desc> so a screen reader hears what it shows.
 */
import { useId, type ReactNode } from 'react';

export interface ChartPoint {
  readonly label: string;
  readonly value: number;
}

const WIDTH = 560;
const HEIGHT = 180;
const PAD = { top: 16, right: 12, bottom: 36, left: 40 };

type Scale = ReturnType<typeof scale>;

function scale(points: readonly ChartPoint[]) {
  const max = Math.max(1, ...points.map((p) => p.value));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const step = points.length > 0 ? innerW / points.length : innerW;
  return { max, innerH, step, y: (v: number) => PAD.top + innerH - (v / max) * innerH };
}

/** Shows every label when few, else every n-th, so axis text never overlaps. */
const labelEvery = (count: number) => Math.max(1, Math.ceil(count / 8));

function Axes({ max, y }: { max: number; y: (v: number) => number }) {
  return (
    <g fontSize="10" style={{ fill: 'var(--ib-text-subtle)' }}>
      <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} style={{ stroke: 'var(--ib-border)' }} />
      <text x={PAD.left - 4} y={y(max) + 4} textAnchor="end">
        {Math.round(max * 10) / 10}
      </text>
      <text x={PAD.left - 4} y={y(0)} textAnchor="end">
        0
      </text>
    </g>
  );
}

interface ChartProps {
  readonly title: string;
  readonly points: readonly ChartPoint[];
  readonly unit: string;
  readonly testId?: string;
}

function describe(points: readonly ChartPoint[], unit: string): string {
  if (points.length === 0) return 'No data yet.';
  return points.map((p) => `${p.label}: ${p.value} ${unit}`).join('; ');
}

/** The frame both charts share: the accessible name and description, the axes and the unit. */
function Chart({ title, points, unit, testId, children }: ChartProps & { children: (scale: Scale, every: number) => ReactNode }) {
  const id = useId();
  const s = scale(points);
  return (
    <svg role="img" aria-labelledby={`${id}-t ${id}-d`} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" style={{ maxWidth: WIDTH }} data-testid={testId}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{describe(points, unit)}</desc>
      <Axes max={s.max} y={s.y} />
      {children(s, labelEvery(points.length))}
      <text x={PAD.left} y={HEIGHT - 4} fontSize="10" style={{ fill: 'var(--ib-text-subtle)' }}>
        {unit}
      </text>
    </svg>
  );
}

/** A point's label under the axis. */
function AxisLabel({ x, label }: { x: number | undefined; label: string }) {
  return (
    <text x={x} y={HEIGHT - PAD.bottom + 14} fontSize="10" textAnchor="middle" style={{ fill: 'var(--ib-text-subtle)' }}>
      {label}
    </text>
  );
}

export function BarChart(props: ChartProps) {
  const { points, unit } = props;
  return (
    <Chart {...props}>
      {({ step, y }, every) =>
        points.map((p, i) => {
          const x = PAD.left + i * step + step * 0.15;
          return (
            <g key={`${p.label}-${i}`}>
              <rect x={x} y={y(p.value)} width={Math.max(1, step * 0.7)} height={y(0) - y(p.value)} style={{ fill: 'var(--ib-bg-brand)' }}>
                <title>{`${p.label}: ${p.value} ${unit}`}</title>
              </rect>
              {i % every === 0 && <AxisLabel x={x + step * 0.35} label={p.label} />}
            </g>
          );
        })
      }
    </Chart>
  );
}

export function LineChart(props: ChartProps) {
  const { points, unit } = props;
  return (
    <Chart {...props}>
      {({ step, y }, every) => {
        const xs = points.map((_, i) => PAD.left + i * step + step / 2);
        const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${xs[i]!.toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
        return (
          <>
            {points.length > 1 && <path d={path} style={{ fill: 'none', stroke: 'var(--ib-bg-brand)', strokeWidth: 2 }} />}
            {points.map((p, i) => (
              <g key={`${p.label}-${i}`}>
                <circle cx={xs[i]} cy={y(p.value)} r={3} style={{ fill: 'var(--ib-bg-brand)' }}>
                  <title>{`${p.label}: ${p.value} ${unit}`}</title>
                </circle>
                {i % every === 0 && <AxisLabel x={xs[i]} label={p.label} />}
              </g>
            ))}
          </>
        );
      }}
    </Chart>
  );
}
