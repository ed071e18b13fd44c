/**
 * The metrics charts, drawn with recharts: labelled axes that never overlap (angled, thinned and shortened
 * labels, the full name in the tooltip), every week drawn, and each chart one `<svg role="img">` named by
 * its <title> and whose <desc> lists every value, so a screen reader hears what it shows. Loaded lazily:
 * only the Projects & metrics tab pays for the chart library.
 */
import { Bar, BarChart as ReBarChart, CartesianGrid, Line, LineChart as ReLineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { token } from '@atlaskit/tokens';

export interface ChartPoint {
  readonly label: string;
  readonly value: number;
}

interface ChartProps {
  readonly title: string;
  readonly points: readonly ChartPoint[];
  readonly unit: string;
  readonly testId?: string;
  /** Called with the index of the bar or point clicked (the drill-down); the page offers a keyboard way too. */
  readonly onSelect?: (index: number) => void;
}

/** recharts 3 hands chart clicks the index of the category under the pointer (a string or number). */
function clickHandler(onSelect: ((index: number) => void) | undefined) {
  if (!onSelect) return undefined;
  return (state: { activeTooltipIndex?: unknown } | null | undefined) => {
    const index = Number(state?.activeTooltipIndex);
    if (Number.isInteger(index) && index >= 0) onSelect(index);
  };
}

const HEIGHT = 220;
const MAX_LABEL = 14;
const BRAND = token('color.chart.brand', '#1D7AFC');
const SUBTLE = token('color.text.subtle', '#44546F');
const GRID = token('color.border', '#091E4224');

const shorten = (label: string) => (label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label);

function describe(points: readonly ChartPoint[], unit: string): string {
  if (points.length === 0) return 'No data yet.';
  return points.map((p) => `${p.label}: ${p.value} ${unit}`).join('; ');
}

/** Angled labels when there are many or long ones; recharts drops the ones that would still collide. */
function xAxis(points: readonly ChartPoint[]) {
  const crowded = points.length > 6 || points.some((p) => p.label.length > 8);
  return (
    <XAxis
      dataKey="label"
      tickFormatter={shorten}
      interval="preserveStartEnd"
      minTickGap={8}
      angle={crowded ? -35 : 0}
      textAnchor={crowded ? 'end' : 'middle'}
      height={crowded ? 64 : 30}
      tick={{ fontSize: 11, fill: SUBTLE }}
      tickLine={false}
    />
  );
}

const yAxis = (unit: string) => <YAxis allowDecimals={false} width={44} tick={{ fontSize: 11, fill: SUBTLE }} tickLine={false} axisLine={false} label={{ value: unit, angle: -90, position: 'insideLeft', fontSize: 11, fill: SUBTLE, dy: 40 }} />;

/** recharts draws one <svg role="img"> named by its <title>, described by its <desc>. */
function Frame({ testId, onSelect, children }: ChartProps & { children: React.ReactElement }) {
  return (
    <div data-testid={testId} className="chart" style={onSelect ? { cursor: 'pointer' } : undefined}>
      <ResponsiveContainer width="100%" height={HEIGHT}>
        {children}
      </ResponsiveContainer>
    </div>
  );
}

export function BarChart(props: ChartProps) {
  const { title, points, unit } = props;
  const data = points.map((p) => ({ ...p }));
  return (
    <Frame {...props}>
      <ReBarChart data={data} title={title} desc={describe(points, unit)} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} onClick={clickHandler(props.onSelect)}>
        <CartesianGrid vertical={false} stroke={GRID} />
        {xAxis(points)}
        {yAxis(unit)}
        <Tooltip formatter={(value) => [`${String(value)} ${unit}`, '']} separator="" cursor={{ fill: GRID }} />
        {/* At most 48 px wide: one week is a bar, not the whole chart. */}
        <Bar dataKey="value" fill={BRAND} maxBarSize={48} isAnimationActive={false} />
      </ReBarChart>
    </Frame>
  );
}

export function LineChart(props: ChartProps) {
  const { title, points, unit } = props;
  const data = points.map((p) => ({ ...p }));
  return (
    <Frame {...props}>
      <ReLineChart data={data} title={title} desc={describe(points, unit)} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} onClick={clickHandler(props.onSelect)}>
        <CartesianGrid vertical={false} stroke={GRID} />
        {xAxis(points)}
        {yAxis(unit)}
        <Tooltip formatter={(value) => [`${String(value)} ${unit}`, '']} separator="" />
        <Line dataKey="value" stroke={BRAND} strokeWidth={2} dot={{ r: 3, fill: BRAND }} isAnimationActive={false} />
      </ReLineChart>
    </Frame>
  );
}

