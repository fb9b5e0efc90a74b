/**
 * A report as a file: CSV (one section per table, `;`-free RFC 4180 with commas) or a workbook
 * (the SDK's StatsFormat `xls`: written as Office Open XML by exceljs, one sheet per table, so the
 * entry is `.xlsx`). The SDK downloads a zip and keeps its first entry: the file is sent zipped.
 * The zip container is written here (one deflated entry: local header, data, central directory),
 * the workbook by the library.
 */
import { PassThrough } from "node:stream";
import { crc32, deflateRawSync } from "node:zlib";
import type { StatsDataJson } from "./schema.js";

export type FileFormat = "csv" | "xls";

interface Table {
  name: string;
  columns: string[];
  rows: (string | number)[][];
}

/** The report as flat tables: agents, agents by pilot, pilots; one line per slot and object. */
export function tablesOf(report: StatsDataJson): Table[] {
  const tables: Table[] = [];
  const flat = (
    name: string,
    stats: { timeSlot: string; rows?: Record<string, unknown>[] | undefined }[] | undefined,
    nested?: string,
  ) => {
    if (!stats) return;
    // The columns: every key met (rows of one table may lack some: names, a pilot's name).
    const cols = new Set<string>(["timeSlot"]);
    const subCols = new Set<string>(["timeSlot", "number"]);
    for (const s of stats)
      for (const r of s.rows ?? [])
        for (const k in r) {
          if (k !== nested) cols.add(k);
          else for (const n of r[k] as Record<string, unknown>[]) for (const sk in n) subCols.add(sk);
        }
    const columns = [...cols];
    const subColumns = [...subCols];
    const rows: (string | number)[][] = [];
    const sub: (string | number)[][] = [];
    const cell = (v: unknown) => (v === undefined ? "" : (v as string | number));
    for (const s of stats) {
      for (const r of s.rows ?? []) {
        rows.push(columns.map((c) => cell(c === "timeSlot" ? s.timeSlot : r[c])));
        if (!nested || !r[nested]) continue;
        for (const n of r[nested] as Record<string, unknown>[])
          sub.push(
            subColumns.map((c) => cell(c === "timeSlot" ? s.timeSlot : c === "number" ? r.number : n[c])),
          );
      }
    }
    tables.push({ name, columns, rows });
    if (nested && sub.length) tables.push({ name: `${name} by pilot`, columns: subColumns, rows: sub });
  };
  flat("Agents", report.agentsStats as never, "pilotAgentStatsRows");
  flat("Pilots", report.pilotsStats as never);
  return tables;
}

const NEEDS_QUOTES = /[",\r\n]/;
const csvCell = (v: string | number) => {
  if (typeof v === "number") return String(v);
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

export function toCsv(report: StatsDataJson): Buffer {
  const parts: string[] = [];
  for (const t of tablesOf(report)) {
    parts.push(`# ${t.name}`);
    parts.push(t.columns.map(csvCell).join(","));
    for (const r of t.rows) parts.push(r.map(csvCell).join(","));
    parts.push("");
  }
  return Buffer.from(parts.join("\r\n"), "utf8");
}

/** Written with exceljs' streaming writer: rows are committed as they come (the whole-book model is several times slower). */
export async function toXlsx(report: StatsDataJson): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    sink.on("end", resolve);
    sink.on("error", reject);
  });
  // Loaded on the first workbook: the library costs about half a second of CPU to import, which
  // every process starting a gateway paid, though few ever write a workbook.
  const { default: ExcelJS } = await import("exceljs");
  // No styles (a bold header row made the whole sheet three times slower) nor shared strings.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useStyles: false,
    useSharedStrings: false,
  });
  wb.creator = "o2g-testbench";
  for (const t of tablesOf(report)) {
    const ws = wb.addWorksheet(t.name.slice(0, 31));
    ws.addRow(t.columns).commit();
    for (const r of t.rows) ws.addRow(r).commit();
    ws.commit();
  }
  await wb.commit();
  await ended;
  return Buffer.concat(chunks);
}

/** One file in a zip archive (deflated), as the SDK's AdmZip reads it. */
export function zipOne(name: string, data: Buffer, when = new Date()): Buffer {
  const packed = deflateRawSync(data);
  const crc = crc32(data);
  const nameBuf = Buffer.from(name, "utf8");
  const time = (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2);
  const date = ((when.getFullYear() - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate();
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(date, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  central.writeUInt32LE(0, 42); // local header at offset 0
  const centralOffset = local.length + nameBuf.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBuf.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBuf, packed, central, nameBuf, end]);
}

/** The report as the zipped file of `format`, and the entry's name. */
export async function reportFile(
  report: StatsDataJson,
  format: FileFormat,
  baseName: string,
): Promise<{ entry: string; zip: Buffer }> {
  const entry = `${baseName}.${format === "csv" ? "csv" : "xlsx"}`;
  const data = format === "csv" ? toCsv(report) : await toXlsx(report);
  return { entry, zip: zipOne(entry, data) };
}
