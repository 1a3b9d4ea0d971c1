import type { ParityReport } from "./report-model";

/** The version of the JSON below; bump it when a field changes meaning or goes away. */
export const REPORT_JSON_VERSION = 1;

/**
 * The report for machines: the same redacted data the other formats draw, plus the exit code the
 * CLI returns, so a pipeline can read one document instead of parsing text.
 */
export function renderJson(report: ParityReport): string {
  const document = {
    version: REPORT_JSON_VERSION,
    source: report.source,
    divergent: report.divergent,
    exitCode: report.divergent ? 1 : 0,
    totals: report.totals,
    resources: report.resources,
    presence: report.presence,
    env: report.env,
    // Places and messages only: a shared secret's value, or any hash of it, is never written.
    secrets: report.secrets,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
