/**
 * The per-file mutation table of bench/mutation.md, read from Stryker's JSON reports (the
 * mutation-testing-report-schema that `jsonReporter` writes), so the committed figures are what a
 * run measured, not what someone typed:
 *
 *   node -r ts-node/register/transpile-only bench/mutation-table.ts .parity/mutation/*.json [--under policy/ --under config/]
 *
 * Score as bench/mutation.md counts it: (killed + timed out) over valid mutants (killed, timed out,
 * survived, no coverage); ignored (static) and compile/runtime errors are not valid mutants.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";

export const TARGET = 85;

type Status =
  "Killed" | "Timeout" | "Survived" | "NoCoverage" | "Ignored" | "CompileError" | "RuntimeError" | "Pending";

interface Report {
  readonly files: Record<string, { readonly mutants: readonly { readonly status: Status }[] }>;
}

export interface FileScore {
  readonly file: string;
  readonly detected: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly ignored: number;
  readonly errors: number;
}

/** The valid mutants' score in percent, or undefined when a file has none (all static or none at all). */
export function scoreOf(s: FileScore): number | undefined {
  const valid = s.detected + s.survived + s.noCoverage;
  return valid === 0 ? undefined : (100 * s.detected) / valid;
}

/** Per file, over every report given; a file in several reports keeps its last. */
export function fileScores(reports: readonly Report[], root: string = process.cwd()): FileScore[] {
  const byFile = new Map<string, FileScore>();
  for (const report of reports) {
    for (const [name, { mutants }] of Object.entries(report.files)) {
      const file = name.startsWith(root) ? name.slice(root.length + 1) : name;
      const count = (...statuses: Status[]) => mutants.filter((m) => statuses.includes(m.status)).length;
      byFile.set(file, {
        file,
        detected: count("Killed", "Timeout"),
        survived: count("Survived"),
        noCoverage: count("NoCoverage"),
        ignored: count("Ignored"),
        errors: count("CompileError", "RuntimeError"),
      });
    }
  }
  return [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
}

export function tableRows(scores: readonly FileScore[]): string[] {
  const rows = [
    "| file | score (killed+timeout / survived / no cov) | ignored (static) | target |",
    "| --- | --- | --- | --- |",
  ];
  for (const s of scores) {
    const score = scoreOf(s);
    const shown =
      score === undefined
        ? "no valid mutant"
        : `**${score.toFixed(2)}%** (${s.detected} / ${s.survived} / ${s.noCoverage})`;
    const verdict = score === undefined || score >= TARGET ? `≥ ${TARGET}%` : `≥ ${TARGET}% — **misses**`;
    rows.push(`| \`${s.file}\` | ${shown} | ${s.ignored} | ${verdict} |`);
  }
  return rows;
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    options: { under: { type: "string", multiple: true } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) {
    process.stderr.write("usage: bench/mutation-table.ts REPORT.json... [--under DIR/]...\n");
    process.exit(2);
  }
  const reports = positionals.map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as Report);
  const under = values.under ?? [];
  const scores = fileScores(reports).filter((s) => under.length === 0 || under.some((u) => s.file.startsWith(u)));
  process.stdout.write(`${tableRows(scores).join("\n")}\n`);
}
