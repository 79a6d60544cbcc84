import { formatBytes, formatCount } from "../../lib/format.ts";

/**
 * Small inline SVG charts for the static reports: no script, no external file, every label
 * escaped here because the result is inserted into the page as markup.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const PALETTE = ["#4aa3ff", "#3fb950", "#d29922", "#f85149", "#a371f7", "#39c5cf", "#db61a2", "#8b949e"];

/** Horizontal bars, one per label, with the value printed at the end. */
export function horizontalBars(
  bars: Array<{ label: string; value: number; color?: string }>,
  unit: "count" | "bytes" = "count",
): string {
  const shown = bars.slice(0, 30);
  const max = Math.max(1, ...shown.map((b) => b.value));
  const rowHeight = 22;
  const labelWidth = 190;
  const barWidth = 360;
  const width = labelWidth + barWidth + 110;
  const height = shown.length * rowHeight + 4;
  const rows = shown.map((bar, i) => {
    const y = i * rowHeight + 2;
    const w = Math.max(1, Math.round((bar.value / max) * barWidth));
    const label = bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label;
    const value = unit === "bytes" ? formatBytes(bar.value) : formatCount(bar.value);
    return (
      `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escapeXml(label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 6}" rx="2" fill="${escapeXml(bar.color ?? PALETTE[i % PALETTE.length] ?? "")}"/>` +
      `<text x="${labelWidth + w + 6}" y="${y + 15}">${escapeXml(value)}</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(barsInWords(shown, unit))}" font-size="12" fill="currentColor">${rows.join("")}</svg>`
  );
}

/** What a screen reader says of a bar chart: "downloaded 82, dead 24". */
function barsInWords(bars: Array<{ label: string; value: number }>, unit: "count" | "bytes"): string {
  return bars
    .map((b) => `${b.label} ${unit === "bytes" ? formatBytes(b.value) : formatCount(b.value)}`)
    .join(", ");
}

/** Totals per series over the chart's span: "ok 120, rate limited 3 (from 10:00 to 10:05)". */
function columnsInWords(columns: StackedColumn[], series: string[]): string {
  const totals = series.map(
    (name, s) => `${name} ${formatCount(columns.reduce((n, c) => n + (c.values[s] ?? 0), 0))}`,
  );
  const span =
    columns.length > 0 ? ` (from ${columns[0]?.label} to ${columns[columns.length - 1]?.label})` : "";
  return `${totals.join(", ")}${span}`;
}

export interface StackedColumn {
  label: string;
  values: number[];
}

/** Vertical stacked columns over time (e.g. requests: ok / rate limited / failed). */
export function stackedColumns(columns: StackedColumn[], series: string[], colors: string[]): string {
  const width = 640;
  const height = 180;
  const top = 10;
  const bottom = 36;
  const left = 40;
  const plotHeight = height - top - bottom;
  const max = Math.max(1, ...columns.map((c) => c.values.reduce((a, b) => a + b, 0)));
  const slot = (width - left - 10) / Math.max(1, columns.length);
  const barW = Math.max(1, slot * 0.8);
  const parts: string[] = [];
  parts.push(`<text x="${left - 4}" y="${top + 10}" text-anchor="end">${formatCount(max)}</text>`);
  parts.push(`<text x="${left - 4}" y="${top + plotHeight}" text-anchor="end">0</text>`);
  parts.push(
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}" stroke="#888" stroke-width="0.5"/>`,
  );
  columns.forEach((column, i) => {
    let y = top + plotHeight;
    const x = left + i * slot + (slot - barW) / 2;
    column.values.forEach((value, s) => {
      if (value <= 0) return;
      const h = (value / max) * plotHeight;
      y -= h;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${colors[s]}"><title>${escapeXml(`${column.label} ${series[s]}: ${value}`)}</title></rect>`,
      );
    });
  });
  const first = columns[0]?.label ?? "";
  const last = columns[columns.length - 1]?.label ?? "";
  parts.push(`<text x="${left}" y="${height - 20}">${escapeXml(first)}</text>`);
  parts.push(`<text x="${width - 10}" y="${height - 20}" text-anchor="end">${escapeXml(last)}</text>`);
  let lx = left;
  series.forEach((name, s) => {
    parts.push(`<rect x="${lx}" y="${height - 11}" width="10" height="10" fill="${colors[s]}"/>`);
    parts.push(`<text x="${lx + 14}" y="${height - 2}">${escapeXml(name)}</text>`);
    lx += 24 + name.length * 7;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(columnsInWords(columns, series))}" font-size="11" fill="currentColor">${parts.join("")}</svg>`
  );
}
