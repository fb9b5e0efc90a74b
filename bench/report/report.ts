/**
 * Benchmark output in one shape: a table on the terminal, a JSON file other tools can read
 * ({ bench, date, machine: { cpus, node }, rows }), and a Markdown report with an SVG chart
 * where a curve says more than a table.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type Row = Record<string, string | number | boolean | null>;

export interface BenchResult {
  bench: string;
  date: string;
  machine: { cpus: number; node: string; cpuModel: string };
  rows: Row[];
  /** what the figures mean, for the Markdown report */
  notes?: string[];
}

export function result(bench: string, rows: Row[], notes: string[] = []): BenchResult {
  return {
    bench,
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, cpuModel: os.cpus()[0]?.model ?? "unknown" },
    rows,
    notes,
  };
}

function fmt(v: Row[string]): string {
  if (v === null || v === undefined) return "-";
  if (typeof v === "number")
    return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(v < 10 ? 2 : 1);
  return String(v);
}

export function table(rows: Row[]): string {
  if (rows.length === 0) return "(no rows)";
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => fmt(r[c] ?? null)));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(width[i]!)).join("  ");
  return [line(cols), line(width.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function markdownTable(rows: Row[]): string {
  if (rows.length === 0) return "";
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [
    `| ${cols.join(" | ")} |`,
    `| ${cols.map(() => "---:").join(" | ")} |`,
    ...rows.map((r) => `| ${cols.map((c) => fmt(r[c] ?? null)).join(" | ")} |`),
  ].join("\n");
}

export interface Series {
  name: string;
  points: [number, number][];
  dashed?: boolean;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/** A line chart as standalone SVG (no dependency): x and y axes with ticks, one line per series. */
export function lineChart(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logY?: boolean;
}): string {
  const W = 720;
  const H = 420;
  const m = { l: 70, r: 20, t: 40, b: 55 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const xs = opts.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = opts.series.flatMap((s) => s.points.map((p) => p[1]));
  const xMax = Math.max(...xs, 1);
  const yMaxRaw = Math.max(...ys, 1);
  const yMin = opts.logY
    ? 10 ** Math.floor(Math.log10(Math.max(Math.min(...ys.filter((y) => y > 0)), 1e-3)))
    : 0;
  const nice = (v: number) => {
    const p = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 2.5, 5, 10].map((k) => k * p).find((x) => x >= v) ?? v;
  };
  const yMax = opts.logY ? 10 ** Math.ceil(Math.log10(yMaxRaw)) : nice(yMaxRaw * 1.05);
  const X = (x: number) => m.l + (x / xMax) * pw;
  const Y = (y: number) =>
    opts.logY
      ? m.t +
        ph -
        ((Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin) || 1)) * ph
      : m.t + ph - (y / yMax) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  const yTicks = opts.logY
    ? Array.from({ length: Math.round(Math.log10(yMax) - Math.log10(yMin)) + 1 }, (_, i) => yMin * 10 ** i)
    : Array.from({ length: 6 }, (_, i) => (yMax * i) / 5);
  for (const t of yTicks) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(t)}" y2="${Y(t)}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${m.l - 8}" y="${Y(t) + 4}" text-anchor="end">${fmt(Number(t.toPrecision(3)))}</text>`,
    );
  }
  // Label the points, skipping those that would overprint their left neighbour.
  const xTicks: number[] = [];
  for (const t of [...new Set(xs)].sort((a, b) => a - b)) {
    if (xTicks.length === 0 || X(t) - X(xTicks[xTicks.length - 1]!) >= 34) xTicks.push(t);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${X(t)}" x2="${X(t)}" y1="${m.t + ph}" y2="${m.t + ph + 5}" stroke="#333"/>`);
    out.push(
      `<text x="${X(t)}" y="${m.t + ph + 18}" text-anchor="middle">${t >= 1000 ? `${t / 1000}k` : t}</text>`,
    );
  }
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ph}" stroke="#333"/>`);
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ph}" y2="${m.t + ph}" stroke="#333"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 12}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`);
  out.push(
    `<text x="16" y="${m.t + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.t + ph / 2})">${escapeXml(opts.yLabel)}</text>`,
  );
  opts.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ");
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${pts}"/>`,
    );
    for (const [x, y] of s.points)
      out.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3.5" fill="${color}"/>`);
    out.push(`<rect x="${m.l + 12}" y="${m.t + 8 + i * 18}" width="14" height="4" fill="${color}"/>`);
    out.push(`<text x="${m.l + 32}" y="${m.t + 13 + i * 18}">${escapeXml(s.name)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/** Grouped horizontal bars (e.g. requests/s of the gateway and of its baseline, per endpoint). */
export function barChart(opts: {
  title: string;
  unit: string;
  groups: { label: string; values: { name: string; value: number }[] }[];
}): string {
  const names = [...new Set(opts.groups.flatMap((g) => g.values.map((v) => v.name)))];
  const W = 720;
  const barH = 16;
  const gap = 14;
  const m = { l: 190, r: 90, t: 46 };
  const H = m.t + opts.groups.length * (names.length * barH + gap) + 30;
  const max = Math.max(...opts.groups.flatMap((g) => g.values.map((v) => v.value)), 1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  names.forEach((n, i) => {
    out.push(
      `<rect x="${m.l + i * 160}" y="30" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
    );
    out.push(`<text x="${m.l + 18 + i * 160}" y="40">${escapeXml(n)}</text>`);
  });
  let y = m.t + 10;
  for (const g of opts.groups) {
    out.push(
      `<text x="${m.l - 8}" y="${y + (names.length * barH) / 2 + 4}" text-anchor="end">${escapeXml(g.label)}</text>`,
    );
    names.forEach((n, i) => {
      const v = g.values.find((x) => x.name === n)?.value ?? 0;
      const w = ((W - m.l - m.r) * v) / max;
      out.push(
        `<rect x="${m.l}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLORS[i % COLORS.length]}"/>`,
      );
      out.push(
        `<text x="${m.l + w + 6}" y="${y + barH - 5}">${fmt(Math.round(v))} ${escapeXml(opts.unit)}</text>`,
      );
      y += barH;
    });
    y += gap;
  }
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export interface WriteOptions {
  json?: string;
  md?: string;
  /** SVG charts to write next to the Markdown report: file name -> SVG */
  charts?: Record<string, string>;
  title: string;
  intro?: string;
}

/** Print the table and write the JSON / Markdown (+ SVG) outputs asked for. */
export function emit(res: BenchResult, opts: WriteOptions): void {
  console.log(`\n${opts.title}\n\n${table(res.rows)}\n`);
  for (const n of res.notes ?? []) console.log(`  ${n}`);
  if (opts.json) {
    mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
    writeFileSync(opts.json, `${JSON.stringify(res, null, 2)}\n`);
    console.log(`wrote ${opts.json}`);
  }
  if (opts.md) {
    const dir = path.dirname(path.resolve(opts.md));
    mkdirSync(dir, { recursive: true });
    const parts = [
      `# ${opts.title}`,
      "",
      `${res.date}, ${res.machine.cpus} CPU(s) (${res.machine.cpuModel}), Node ${res.machine.node}.`,
      "",
    ];
    if (opts.intro) parts.push(opts.intro, "");
    for (const [file, svg] of Object.entries(opts.charts ?? {})) {
      writeFileSync(path.join(dir, file), svg);
      parts.push(`![${file}](${file})`, "");
    }
    parts.push(markdownTable(res.rows), "");
    for (const n of res.notes ?? []) parts.push(`- ${n}`);
    writeFileSync(opts.md, `${parts.join("\n")}\n`);
    console.log(`wrote ${opts.md}${opts.charts ? ` and ${Object.keys(opts.charts).join(", ")}` : ""}`);
  }
}
