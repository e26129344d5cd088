/** The study's report for a program: one JSON object, without the chart's series and markers. */
import type { StudyReport } from './types.ts';

export function formatJson(report: StudyReport): string {
  const { series: _series, markers: _markers, ...rest } = report;
  return JSON.stringify(rest, null, 2);
}
