/**
 * Geometry of the statistics page's SVG charts, computed here and drawn by Eta templates (which
 * escape every label). Pure functions: tested without a page.
 */

export interface SeriesPoint {
  at: number;
  a: number;
  b: number;
}

export interface LineChart {
  width: number;
  height: number;
  pathA: string;
  pathB: string;
  areaA: string;
  gridY: number[];
  ticksA: Array<{ y: number; value: number }>;
  ticksB: Array<{ y: number; value: number }>;
  ticksX: Array<{ x: number; at: number }>;
  /** Under a day and a half of history, ticks show the time as well as the day. */
  short: boolean;
}

const PAD = { left: 56, right: 64, top: 12, bottom: 26 };

/** "Nice" axis maximum: 1, 2 or 5 times a power of ten, at least `value`. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** Nice maximum for a byte count in binary units (1, 2 or 5 × 1024^k bytes times a power of ten). */
export function niceMaxBytes(value: number): number {
  if (value <= 0) return 1;
  const unit = 1024 ** Math.min(5, Math.floor(Math.log(value) / Math.log(1024)));
  return niceMax(value / unit) * unit;
}

/**
 * Two series over time (a: left axis, b: right axis), each scaled to its own nice maximum.
 * `niceB` picks the right axis' maximum (niceMaxBytes for sizes).
 */
export function lineChart(
  points: readonly SeriesPoint[],
  width = 1200,
  height = 300,
  niceB: (value: number) => number = niceMax,
  niceA: (value: number) => number = niceMax,
): LineChart | null {
  if (points.length === 0) return null;
  const innerW = width - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const first = points[0] as SeriesPoint;
  const last = points.at(-1) as SeriesPoint;
  const span = Math.max(1, last.at - first.at);
  const maxA = niceA(Math.max(...points.map((p) => p.a)));
  const maxB = niceB(Math.max(...points.map((p) => p.b)));
  const x = (at: number) => PAD.left + (points.length === 1 ? innerW / 2 : ((at - first.at) / span) * innerW);
  const y = (v: number, max: number) => PAD.top + innerH - (v / max) * innerH;
  const round = (n: number) => Math.round(n * 10) / 10;
  const path = (key: "a" | "b", max: number) =>
    points.map((p, i) => `${i === 0 ? "M" : "L"}${round(x(p.at))},${round(y(p[key], max))}`).join(" ");
  const pathA = path("a", maxA);
  const bottom = PAD.top + innerH;
  const areaA = `${pathA} L${round(x(last.at))},${bottom} L${round(x(first.at))},${bottom} Z`;
  const fractions = [0, 0.25, 0.5, 0.75, 1];
  const ticksX =
    points.length === 1
      ? [{ x: round(x(first.at)), at: first.at }]
      : [0, 0.25, 0.5, 0.75, 1].map((f) => ({ x: round(PAD.left + f * innerW), at: first.at + f * span }));
  return {
    width,
    height,
    pathA,
    pathB: path("b", maxB),
    areaA,
    gridY: fractions.map((f) => round(PAD.top + innerH - f * innerH)),
    ticksA: fractions.map((f) => ({ y: round(PAD.top + innerH - f * innerH), value: f * maxA })),
    ticksB: fractions.map((f) => ({ y: round(PAD.top + innerH - f * innerH), value: f * maxB })),
    ticksX,
    short: span < 36 * 3_600_000,
  };
}

export interface DonutSlice {
  key: string;
  value: number;
  percent: number;
  path: string;
}

/** Ring slices (SVG arc paths) for a breakdown, largest first, centred on (r, r). */
export function donut(
  items: ReadonlyArray<{ key: string; value: number }>,
  radius = 80,
  thickness = 26,
): DonutSlice[] {
  const total = items.reduce((s, i) => s + i.value, 0);
  if (total <= 0) return [];
  const slices: DonutSlice[] = [];
  let angle = -Math.PI / 2;
  const inner = radius - thickness;
  const pt = (r: number, a: number) =>
    `${(radius + r * Math.cos(a)).toFixed(2)},${(radius + r * Math.sin(a)).toFixed(2)}`;
  for (const item of items) {
    if (item.value <= 0) continue;
    // A full ring cannot be one arc: stop just short of 360°.
    const sweep = Math.min((item.value / total) * Math.PI * 2, Math.PI * 2 - 0.0001);
    const end = angle + sweep;
    const large = sweep > Math.PI ? 1 : 0;
    const path = `M${pt(radius, angle)} A${radius},${radius} 0 ${large} 1 ${pt(radius, end)} L${pt(inner, end)} A${inner},${inner} 0 ${large} 0 ${pt(inner, angle)} Z`;
    slices.push({
      key: item.key,
      value: item.value,
      percent: Math.round((item.value / total) * 1000) / 10,
      path,
    });
    angle = end;
  }
  return slices;
}
