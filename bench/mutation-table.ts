/**
 * The per-file mutation table of bench/mutation.md, read from Stryker's JSON reports (the
 * mutation-testing-report-schema that `jsonReporter` writes), so the committed figures are what a
 * run measured, not what someone typed:
 *
 *   npm run mutate:table [-- --check]   (the reports of `npm run mutate`, policy/ and config/)
 *
 * Score as bench/mutation.md counts it: (killed + timed out) over valid mutants (killed, timed out,
 * survived, no coverage); ignored (static) and compile/runtime errors are not valid mutants.
 *
 * With `--under`, every `.ts` file below those folders gets a row: one no report names is listed as
 * "not in any report" (no config mutates it), so a new file cannot drop out of the table unseen.
 * Stryker leaves a file it plants no mutant in out of its reports too: one of imports, re-exports and
 * types only is known as such here, and `--no-mutants FILE` names one with code (two calls, say); a
 * report that scores such a file is an error. `--check` exits 1 when a file misses the target, has
 * only static mutants (which the other configs ignore), or no report names it (`npm run mutate` ends
 * with it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as ts from "typescript";

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

/** The `.ts` files below `dirs` (relative to `root`, `/`-separated), sorted. */
export function sourceFilesUnder(dirs: readonly string[], root: string = process.cwd()): string[] {
  const found = new Set<string>();
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory() && entry.name !== "node_modules") walk(child);
      else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.add(child);
    }
  };
  for (const dir of dirs) walk(dir.replace(/\/+$/, ""));
  return [...found].sort((a, b) => a.localeCompare(b));
}

/** Files of `expected` that no report names. */
export function unreported(scores: readonly FileScore[], expected: readonly string[]): string[] {
  const named = new Set(scores.map((s) => s.file));
  return expected.filter((f) => !named.has(f));
}

/**
 * Whether a module holds nothing Stryker could mutate: only imports, re-exports and types. Stryker
 * leaves such a file out of its report, so its absence there is expected, not a gap.
 */
export function declarationsOnly(source: string): boolean {
  const file = ts.createSourceFile("m.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return file.statements.every(
    (s) =>
      ts.isImportDeclaration(s) ||
      (ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined) ||
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s),
  );
}

/** A file against the target: scored and meeting it, scored and missing it, or only static mutants. */
export function verdictOf(s: FileScore): "meets" | "misses" | "static only" {
  const score = scoreOf(s);
  return score === undefined ? "static only" : score >= TARGET ? "meets" : "misses";
}

const VERDICT_TEXT = {
  meets: `≥ ${TARGET}%`,
  misses: `≥ ${TARGET}% — **misses**`,
  "static only": `≥ ${TARGET}% — **not scored** (static only: stryker.static.config.mjs scores such files)`,
} as const;

export function tableRows(
  scores: readonly FileScore[],
  missing: readonly string[] = [],
  nothingToMutate: readonly string[] = [],
): string[] {
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
    rows.push(`| \`${s.file}\` | ${shown} | ${s.ignored} | ${VERDICT_TEXT[verdictOf(s)]} |`);
  }
  for (const file of missing) rows.push(`| \`${file}\` | not in any report | — | ≥ ${TARGET}% — **not scored** |`);
  for (const file of nothingToMutate)
    rows.push(`| \`${file}\` | nothing Stryker mutates (no mutant planted) | — | — |`);
  return rows;
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    options: {
      under: { type: "string", multiple: true },
      "no-mutants": { type: "string", multiple: true },
      check: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) {
    process.stderr.write(
      "usage: bench/mutation-table.ts REPORT.json... [--under DIR/]... [--no-mutants FILE]... [--check]\n",
    );
    process.exit(2);
  }
  const reports = positionals.map((f) => {
    if (!fs.existsSync(f)) {
      process.stderr.write(`mutation-table: no report at ${f}: run the Stryker config that writes it first\n`);
      process.exit(2);
    }
    return JSON.parse(fs.readFileSync(f, "utf8")) as Report;
  });
  const under = values.under ?? [];
  const noMutants = values["no-mutants"] ?? [];
  const scores = fileScores(reports).filter((s) => under.length === 0 || under.some((u) => s.file.startsWith(u)));
  const absent = unreported(scores, sourceFilesUnder(under));
  const inert = absent.filter((f) => declarationsOnly(fs.readFileSync(f, "utf8")) || noMutants.includes(f));
  const missing = absent.filter((f) => !inert.includes(f));
  process.stdout.write(`${tableRows(scores, missing, inert).join("\n")}\n`);
  const misses = scores.filter((s) => verdictOf(s) === "misses").map((s) => `${s.file} is under ${TARGET}%`);
  const unscored = scores.filter((s) => verdictOf(s) === "static only").map((s) => `${s.file} has only static mutants`);
  const stale = noMutants
    .filter((f) => scores.some((s) => s.file === f))
    .map((f) => `${f} is given as --no-mutants but a report scores it`);
  const problems = [...misses, ...unscored, ...missing.map((f) => `${f} is in no report`), ...stale];
  if (values.check && problems.length > 0) {
    process.stderr.write(`mutation-table: ${problems.join("; ")}\n`);
    process.exit(1);
  }
}
