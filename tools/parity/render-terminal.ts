import type { DiffClass } from "../../policy/engine/compare";
import { formatValue, oneLine } from "./format-value";
import {
  CLASS_ORDER,
  ClassCounts,
  declarationCoverage,
  modelText,
  ParityReport,
  ReportSource,
  ResourceGroup,
  secretsLines,
  shortResourceName,
  shortType,
} from "./report-model";
import { fitColumns, padEnd, truncate, visibleWidth, wrap, wrapHanging, wrapPath } from "./text-layout";

export interface TerminalOptions {
  /** Columns available; every line printed fits in it. */
  readonly width: number;
  readonly color: boolean;
}

/** The terminal's width, or 100 when output is not a terminal (pipes, CI logs). */
export function terminalWidth(stream: { columns?: number } = process.stdout): number {
  return stream.columns && stream.columns > 0 ? stream.columns : 100;
}

/** Colour only for a person at a terminal, and never when they asked for none (https://no-color.org). */
export function wantsColor(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return stream.isTTY === true && (env["NO_COLOR"] ?? "") === "" && env["TERM"] !== "dumb";
}

type Paint = (text: string) => string;
type Painter = (style: keyof typeof SGR) => Paint;

const SGR: Record<DiffClass | "bold" | "dim", string> = {
  divergent: "31;1",
  unknown: "33",
  declared: "36",
  sizing: "34",
  identity: "35",
  match: "2",
  bold: "1",
  dim: "2",
};

const MARK: Record<DiffClass, string> = {
  divergent: "✗",
  unknown: "?",
  declared: "~",
  sizing: "≈",
  identity: "≠",
  match: "=",
};

/** Fewer columns than this and tables stop being readable: narrower terminals get 40-column lines. */
const MIN_WIDTH = 40;
const CLASS_COL = "divergent".length;
const GAP = 2;

export function renderTerminal(report: ParityReport, options: TerminalOptions): string {
  const width = Math.max(MIN_WIDTH, options.width);
  const paint: Painter = (style) => (options.color ? (t) => `\x1b[${SGR[style]}m${t}\x1b[0m` : (t) => t);
  const out: string[] = [];
  // Continuation lines hang under the text, not the margin, so wrapped items still read as items.
  const emit = (line = "") => out.push(...wrapHanging(line, width, line.length - line.trimStart().length + 2));

  // Top-down, as a reviewer reads: the verdict, what must be fixed (both values and the fix), what
  // is declared and what each declaration covers, then the totals and the full side-by-side listing.
  emit(
    paint("bold")(
      `Parity report: ${report.source.staging.stack} vs ${report.source.production.stack} (project ${report.source.project})`,
    ),
  );
  for (const line of describeSource(report.source)) emit(`  ${line}`);
  emit();
  const verdict = report.divergent
    ? paint("divergent")(
        `✗ staging diverges from production: ${divergentCount(report)} difference(s) must be fixed or declared in known-differences.yaml.`,
      )
    : paint("bold")("✓ staging matches production's structure; every difference is sizing, identity or declared.");
  emit(verdict);
  emit();

  renderSecrets(report, paint, emit);
  renderDivergent(report, width, paint, emit);
  renderPresence(report, paint, emit);
  renderDeclarations(report, paint, emit);
  renderTotals(report, width, paint, out, emit);
  renderEnv(report, width, paint, out, emit);
  renderResources(report, width, paint, out, emit);
  return `${out.join("\n").trimEnd()}\n`;
}

/** Each declaration in known-differences.yaml with the resources, properties and env keys it covered. */
function renderDeclarations(report: ParityReport, paint: Painter, emit: (l?: string) => void): void {
  const coverage = declarationCoverage(report);
  if (coverage.length === 0) return;
  emit(
    paint("bold")(
      `Declared differences (${coverage.length} declarations in known-differences.yaml; why: docs/staging-notes.md)`,
    ),
  );
  for (const d of coverage) {
    emit(`  ${paint("declared")(`${MARK.declared} ${d.id}`)}`);
    if (d.onlyIn.length > 0) emit(`      only in one stack: ${d.onlyIn.join(", ")}`);
    if (d.properties.length > 0)
      emit(`      properties: ${d.properties.map((p) => `${p.path} of ${p.resources.join(", ")}`).join("; ")}`);
    if (d.env.length > 0) emit(`      env: ${d.env.map((e) => `${e.key} of ${e.services.join(", ")}`).join("; ")}`);
  }
  emit();
}

export function describeSource(source: ReportSource): string[] {
  const side = (name: "staging" | "production") => {
    const s = source[name];
    return s.file
      ? `${name.padEnd(10)} = ${s.file} (stack ${s.stack}, from pulumi stack export)`
      : `${name.padEnd(10)} = stack ${s.stack}, this repo's program run offline`;
  };
  const model = modelText(source);
  const notes = (["staging", "production"] as const).flatMap((name) =>
    (source[name].notes ?? []).map((n) => `${name.padEnd(10)}   ${n}`),
  );
  return [side("staging"), side("production"), ...notes, ...(model ? [model] : [])];
}

function divergentCount(report: ParityReport): number {
  return (
    report.totals.properties.divergent +
    report.totals.presence.divergent +
    report.totals.env.divergent +
    report.secrets.shared.length
  );
}

function renderSecrets(report: ParityReport, paint: Painter, emit: (l?: string) => void): void {
  const { shared, unproven } = secretsLines(report);
  if (shared.length > 0) {
    emit(paint("divergent")(`SHARED SECRETS: ${shared.length} secret(s) equal in both stacks`));
    for (const line of shared) emit(`  ${paint("divergent")(MARK.divergent)} ${line}`);
    emit();
  }
  if (unproven) {
    emit(paint("unknown")(`${MARK.unknown} ${unproven}`));
    emit();
  }
}

function renderDivergent(report: ParityReport, width: number, paint: Painter, emit: (l?: string) => void): void {
  const rows = report.resources.flatMap((r) =>
    r.properties.filter((p) => p.class === "divergent").map((p) => ({ r, p })),
  );
  const env = report.env.filter((e) => e.class === "divergent");
  if (rows.length + env.length === 0) return;
  const counted = [
    rows.length > 0 ? `${rows.length} propert${rows.length === 1 ? "y" : "ies"}` : "",
    env.length > 0 ? `${env.length} env var(s)` : "",
  ];
  emit(paint("divergent")(`DIVERGENT: ${counted.filter(Boolean).join(" and ")} must match production`));
  const indent = "      ";
  for (const { r, p } of rows) {
    emit(`  ${paint("divergent")(MARK.divergent)} ${resourceTitle(r)}`);
    emit(`    ${paint("bold")(p.path)}`);
    for (const [label, value] of [
      ["staging:    ", p.staging],
      ["production: ", p.production],
    ] as const) {
      const lines = wrap(formatValue(value), width - indent.length - label.length);
      lines.forEach((l, i) => emit(`${indent}${i === 0 ? label : " ".repeat(label.length)}${l}`));
    }
    emit(
      `${indent}fix: ${oneLine(p.fix ?? "make staging's value production's, or declare the difference in known-differences.yaml")}`,
    );
  }
  for (const e of env) {
    const side = (v: string | undefined) => (v === undefined ? "(missing)" : e.secret ? "[secret]" : v);
    emit(
      `  ${paint("divergent")(MARK.divergent)} env ${e.key} of ${e.service}: staging ${side(e.staging)}, production ${side(e.production)}`,
    );
    const fix =
      e.staging === undefined || e.production === undefined
        ? "give both stacks the same keys"
        : "make staging's value production's";
    emit(`${indent}fix: ${fix}, or declare the key in known-differences.yaml (env)`);
  }
  emit();
}

function renderPresence(report: ParityReport, paint: Painter, emit: (l?: string) => void): void {
  // Declared ones are listed under their declaration (renderDeclarations); here only what needs action.
  const undeclared = report.presence.filter((p) => p.class !== "declared");
  if (undeclared.length === 0) return;
  const declared = report.presence.length - undeclared.length;
  emit(
    paint("bold")(
      `Resources in one stack only, not declared (${undeclared.length}${declared > 0 ? `; ${declared} more declared, below` : ""})`,
    ),
  );
  for (const p of undeclared) {
    emit(
      `  ${paint(p.class)(`${MARK[p.class]} ${p.class.padEnd(9)}`)} ${p.component} › ${shortResourceName(p.resourceKey)} (${shortType(p.resourceType)}) only in ${p.onlyIn}; not declared: add it to the other stack or declare it`,
    );
  }
  emit();
}

function resourceTitle(r: ResourceGroup): string {
  return `${r.component} › ${shortResourceName(r.resourceKey)} (${shortType(r.resourceType)})`;
}

/**
 * A fixed-width table. A cell wider than its column continues on the next lines; the `wrapped`
 * column (property paths) breaks between path segments.
 */
function table(
  width: number,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  fixed: readonly (number | null)[],
  wrapped = -1,
): { header: string; lines: (cells: readonly string[]) => string[] } {
  const natural = headers.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i]))));
  const widths = fitColumns(width, fixed, natural, GAP);
  const join = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? truncate(c, widths[i]) : padEnd(truncate(c, widths[i]), widths[i])))
      .join(" ".repeat(GAP))
      .trimEnd();
  // Values wrap like paths: a value cut short cannot be compared with the other stack's.
  const cellLines = (c: string, i: number): string[] => {
    // A value of several lines (a certificate, a script) stays in its column, one line per row.
    if (!c.includes("\n") && visibleWidth(c) <= widths[i]) return [c];
    if (i !== wrapped) return wrap(c, widths[i]);
    const indent = c.length - c.trimStart().length;
    return wrapPath(c.trimStart(), widths[i] - indent).map((p) => " ".repeat(indent) + p);
  };
  const lines = (cells: readonly string[]) => {
    const parts = cells.map(cellLines);
    const height = Math.max(...parts.map((p) => p.length));
    return Array.from({ length: height }, (_, n) => join(parts.map((p) => p[n] ?? "")));
  };
  return { header: join(headers), lines };
}

function renderResources(
  report: ParityReport,
  width: number,
  paint: Painter,
  out: string[],
  emit: (l?: string) => void,
): void {
  const propertyCount = report.resources.reduce((n, r) => n + r.properties.length, 0);
  emit(
    paint("bold")(
      `Every resource and property, side by side (${report.resources.length} resources, ${propertyCount} properties)`,
    ),
  );
  const rows = report.resources.flatMap((r) =>
    r.properties.map((p) => [p.class, `  ${p.path}`, formatValue(p.staging), formatValue(p.production)]),
  );
  const t = table(
    width,
    ["class", "property", report.source.staging.stack, report.source.production.stack],
    rows,
    [CLASS_COL, pathColumn(width, rows, 1, 3), null, null],
    1,
  );
  out.push(paint("dim")(t.header));
  for (const r of report.resources) {
    const title = r.properties.length === 0 ? `${resourceTitle(r)}: no properties to compare` : resourceTitle(r);
    const [first, ...rest] = wrap(title, width - 2);
    out.push(`${paint(r.worst)(MARK[r.worst])} ${paint("bold")(first)}`, ...rest.map((l) => `  ${paint("bold")(l)}`));
    for (const p of r.properties) {
      const cells = [p.class, `  ${p.path}`, formatValue(p.staging), formatValue(p.production)];
      for (const line of t.lines(cells)) out.push(paint(p.class)(line.slice(0, CLASS_COL)) + line.slice(CLASS_COL));
      if (p.class === "declared" && p.declaredBy)
        out.push(
          ...wrapHanging(
            `${" ".repeat(CLASS_COL + GAP + 4)}declared by ${p.declaredBy}`,
            width,
            CLASS_COL + GAP + 4,
          ).map(paint("dim")),
        );
    }
  }
  emit();
}

/** The property column takes what it needs up to 45% of the row: paths are what people scan for. */
function pathColumn(width: number, rows: readonly (readonly string[])[], column: number, columns: number): number {
  const natural = Math.max(8, ...rows.map((r) => visibleWidth(r[column])));
  const flexible = width - CLASS_COL - GAP * columns;
  return Math.max(Math.min(natural, Math.floor(flexible * 0.45)), Math.min(natural, 12));
}

function renderEnv(
  report: ParityReport,
  width: number,
  paint: Painter,
  out: string[],
  emit: (l?: string) => void,
): void {
  if (report.env.length === 0) return;
  const services = new Set(report.env.map((e) => e.service)).size;
  emit(
    paint("bold")(
      `Environment variables of ${services} service(s): keys must match, values may differ (secrets masked)`,
    ),
  );
  const cell = (v: string | undefined, secret: boolean) =>
    v === undefined ? "(missing)" : secret ? "[secret]" : v === "" ? '""' : v;
  const rows = report.env.map((e) => [
    e.class,
    e.service,
    e.key,
    cell(e.staging, e.secret),
    cell(e.production, e.secret),
  ]);
  const t = table(
    width,
    ["class", "service", "key", report.source.staging.stack, report.source.production.stack],
    rows,
    [CLASS_COL, null, null, null, null],
    2,
  );
  out.push(paint("dim")(t.header));
  for (const [i, e] of report.env.entries()) {
    for (const line of t.lines(rows[i])) out.push(paint(e.class)(line.slice(0, CLASS_COL)) + line.slice(CLASS_COL));
  }
  emit();
}

function renderTotals(
  report: ParityReport,
  width: number,
  paint: Painter,
  out: string[],
  emit: (l?: string) => void,
): void {
  emit(paint("bold")("Totals"));
  const counts = (c: ClassCounts) => CLASS_ORDER.map((k) => String(c[k]));
  emit(`  properties: ${CLASS_ORDER.map((k) => `${k} ${report.totals.properties[k]}`).join(" · ")}`);
  emit(`  one stack only: divergent ${report.totals.presence.divergent} · declared ${report.totals.presence.declared}`);
  if (report.env.length > 0) emit(`  env vars: ${CLASS_ORDER.map((k) => `${k} ${report.totals.env[k]}`).join(" · ")}`);
  const headers = ["component", "resources", ...CLASS_ORDER, "one stack"];
  const rows = report.totals.components.map((c) => [
    c.component,
    String(c.resources),
    ...counts(c.properties),
    String(c.onlyInOneStack),
  ]);
  const fixed = headers.map((h, i) => (i === 0 ? null : Math.max(h.length, ...rows.map((r) => r[i].length))));
  const longestName = Math.max(...rows.map((r) => r[0].length), headers[0].length);
  const tableWidth = fixed.reduce<number>((n, w) => n + (w ?? longestName), 0) + GAP * (headers.length - 1);
  if (tableWidth <= width) {
    const t = table(width, headers, rows, fixed);
    out.push(paint("dim")(t.header));
    for (const r of rows) out.push(...t.lines(r));
  } else {
    // Too narrow for the grid: one wrapped line per component says the same.
    for (const c of report.totals.components) {
      const nonZero = CLASS_ORDER.filter((k) => c.properties[k] > 0).map((k) => `${k} ${c.properties[k]}`);
      emit(
        `  ${c.component}: ${c.resources} resources; ${nonZero.join(" · ") || "no properties"}; one stack only ${c.onlyInOneStack}`,
      );
    }
  }
  emit();
}
