/** One row of metrics.csv: a named metric at a training iteration. */
export interface MetricRow {
  name: string;
  iteration: number;
  value: number;
}
