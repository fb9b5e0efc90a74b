export {
  type BenchResult,
  barChart,
  emit,
  lineChart,
  markdownTable,
  type Row,
  result,
  type Series,
  table,
  type WriteOptions,
} from "./report.js";
