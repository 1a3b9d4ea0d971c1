import type { DiffClass } from "../../policy/engine/compare";
import { formatValue, oneLine } from "./format-value";
import {
  CLASS_ORDER,
  declarationCoverage,
  modelText,
  ParityReport,
  secretsLines,
  shortResourceName,
  shortType,
} from "./report-model";
import { truncate } from "./text-layout";

/**
 * The report as a pull-request comment: the verdict and totals first, what needs action next, the
 * long sections folded in <details> so the comment stays readable.
 */

/** GitHub rejects comments over 65,536 characters; stay under it with room for a bot's header. */
export const COMMENT_LIMIT = 60_000;
/** Sections longer than this many rows start folded. */
const FOLD_ROWS = 10;
/** Values longer than this are cut in tables; the terminal and JSON formats carry them whole. */
const CELL_LIMIT = 120;

const BADGE: Record<DiffClass, string> = {
  divergent: "🔴 divergent",
  unknown: "🟡 unknown",
  declared: "🔵 declared",
  sizing: "⚪ sizing",
  identity: "⚪ identity",
  match: "✅ match",
};

export function renderMarkdown(report: ParityReport, limit = COMMENT_LIMIT): string {
  const head = [
    ...header(report),
    ...secrets(report),
    ...summary(report),
    ...divergent(report),
    ...presence(report),
    ...coverage(report),
    ...declared(report),
    ...env(report),
  ];
  const full = everyProperty(report, true);
  // The comment ends with a newline, which counts against the limit too.
  const room = limit - 1;
  let text = [...head, ...full].join("\n");
  if (text.length > room) {
    // Matches are the least informative rows: drop them first, and say so.
    text = [...head, ...everyProperty(report, false)].join("\n");
  }
  if (text.length > room) {
    // Then the per-property table (the verdict and every divergent row come before it).
    text = [
      ...head,
      "",
      `_The per-property table does not fit a ${limit}-character comment: run \`npm run parity\` for it._`,
    ].join("\n");
  }
  if (text.length > room) {
    const note = `\n\n_Cut at ${limit} characters: run \`npm run parity\` for the whole report._`;
    // At a line end; a limit too small for even the note keeps the note alone.
    text = text.slice(0, Math.max(0, text.lastIndexOf("\n", room - note.length))) + note;
  }
  return `${text}\n`;
}

export function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** A value in a table cell: code-formatted, cut to CELL_LIMIT, safe for pipes and backticks. */
export function codeCell(value: unknown): string {
  const text = truncate(formatValue(value), CELL_LIMIT);
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return cell(`${fence}${pad}${text}${pad}${fence}`);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function tableLines(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ("l" | "r")[],
): string[] {
  const rule = headers.map((_, i) => (align?.[i] === "r" ? "---:" : "---"));
  return [row(headers), row(rule), ...rows.map(row)];
}

function folded(summaryText: string, lines: readonly string[], fold: boolean): string[] {
  return fold
    ? [`<details><summary>${summaryText}</summary>`, "", ...lines, "", "</details>", ""]
    : [`**${summaryText}**`, "", ...lines, ""];
}

function header(report: ParityReport): string[] {
  const { source } = report;
  const side = (name: "staging" | "production") => {
    const s = source[name];
    return s.file
      ? `\`${s.file}\` (stack \`${s.stack}\`, \`pulumi stack export\`)`
      : `stack \`${s.stack}\` (program run offline)`;
  };
  const divergentTotal =
    report.totals.properties.divergent +
    report.totals.presence.divergent +
    report.totals.env.divergent +
    report.secrets.shared.length;
  const verdict = report.divergent
    ? `**🔴 ${divergentTotal} divergent** — each must match production: fix it, or declare it in \`known-differences.yaml\`.`
    : "**✅ No divergence** — every difference is sizing, identity or declared.";
  const model = modelText(source);
  return [
    `## Parity report: ${source.staging.stack} vs ${source.production.stack}`,
    "",
    `Staging: ${side("staging")} · Production: ${side("production")}${model ? ` · ${model}` : ""}`,
    "",
    verdict,
    "",
  ];
}

function secrets(report: ParityReport): string[] {
  const { shared, unproven } = secretsLines(report);
  const lines =
    shared.length === 0
      ? []
      : [`**🔴 ${shared.length} secret(s) equal in both stacks**`, "", ...shared.map((m) => `- ${m}`), ""];
  return unproven ? [...lines, `_🟡 ${unproven}_`, ""] : lines;
}

function summary(report: ParityReport): string[] {
  const { totals } = report;
  const byClass = CLASS_ORDER.map((c) => [
    BADGE[c],
    String(totals.properties[c]),
    c === "divergent" || c === "declared" ? String(totals.presence[c]) : "",
    String(totals.env[c]),
  ]);
  const components = totals.components.map((c) => [
    cell(c.component),
    String(c.resources),
    ...CLASS_ORDER.map((k) => String(c.properties[k])),
    String(c.onlyInOneStack),
  ]);
  return [
    ...tableLines(["class", "properties", "resources in one stack", "env vars"], byClass, ["l", "r", "r", "r"]),
    "",
    ...folded(
      `Per component (${components.length})`,
      tableLines(["component", "resources", ...CLASS_ORDER, "one stack only"], components, [
        "l",
        ...Array<"r">(CLASS_ORDER.length + 2).fill("r"),
      ]),
      components.length > FOLD_ROWS,
    ),
  ];
}

function divergent(report: ParityReport): string[] {
  const rows = report.resources.flatMap((r) =>
    r.properties
      .filter((p) => p.class === "divergent")
      .map((p) => [
        cell(`${r.component} › ${shortResourceName(r.resourceKey)}`),
        cell(shortType(r.resourceType)),
        cell(`\`${p.path}\``),
        codeCell(p.staging),
        codeCell(p.production),
        cell(oneLine(p.fix ?? "align staging with production, or declare it in known-differences.yaml")),
      ]),
  );
  const env = report.env
    .filter((e) => e.class === "divergent")
    .map((e) => [
      cell(e.service),
      cell(`\`${e.key}\``),
      envValue(e.staging, e.secret),
      envValue(e.production, e.secret),
    ]);
  return [
    ...(rows.length === 0
      ? []
      : [
          `### 🔴 Divergent properties (${rows.length})`,
          "",
          ...tableLines(
            ["resource", "type", "property", report.source.staging.stack, report.source.production.stack, "fix"],
            rows,
          ),
          "",
        ]),
    ...(env.length === 0
      ? []
      : [
          `### 🔴 Divergent environment variables (${env.length})`,
          "",
          "Every service needs the same keys in both stacks, and values that match unless declared.",
          "",
          ...tableLines(["service", "key", report.source.staging.stack, report.source.production.stack], env),
          "",
        ]),
  ];
}

function envValue(v: string | undefined, secret: boolean): string {
  return v === undefined ? "*(missing)*" : secret ? "`[secret]`" : codeCell(v);
}

function presence(report: ParityReport): string[] {
  if (report.presence.length === 0) return [];
  const rows = report.presence.map((p) => [
    BADGE[p.class],
    cell(`${p.component} › ${shortResourceName(p.resourceKey)}`),
    cell(shortType(p.resourceType)),
    p.onlyIn,
    cell(p.declaredBy ?? "—"),
  ]);
  const title = `Resources in one stack only (${rows.length})`;
  const lines = tableLines(["class", "resource", "type", "only in", "declared by"], rows);
  // An undeclared one needs action, so it is never folded away.
  if (report.presence.some((p) => p.class === "divergent") || rows.length <= FOLD_ROWS)
    return [`### ${title}`, "", ...lines, ""];
  return folded(`${title}, all declared`, lines, true);
}

/** What each declaration in known-differences.yaml covered: a blanket declaration shows here. */
function coverage(report: ParityReport): string[] {
  const rows = declarationCoverage(report).map((d) => [
    cell(`\`${d.id}\``),
    cell(d.onlyIn.join(", ") || "—"),
    cell(d.properties.map((p) => `\`${p.path}\` of ${p.resources.join(", ")}`).join("; ") || "—"),
    cell(d.env.map((e) => `\`${e.key}\` of ${e.services.join(", ")}`).join("; ") || "—"),
  ]);
  if (rows.length === 0) return [];
  return folded(
    `🔵 What each declaration covers (${rows.length})`,
    tableLines(["declaration", "only in one stack", "properties", "env vars"], rows),
    rows.length > FOLD_ROWS,
  );
}

function declared(report: ParityReport): string[] {
  const rows = report.resources.flatMap((r) =>
    r.properties
      .filter((p) => p.class === "declared")
      .map((p) => [
        cell(`${r.component} › ${shortResourceName(r.resourceKey)}`),
        cell(`\`${p.path}\``),
        codeCell(p.staging),
        codeCell(p.production),
        cell(p.declaredBy ?? "—"),
      ]),
  );
  if (rows.length === 0) return [];
  return folded(
    `🔵 Declared differences (${rows.length}) — see docs/staging-notes.md`,
    tableLines(
      ["resource", "property", report.source.staging.stack, report.source.production.stack, "declared by"],
      rows,
    ),
    rows.length > FOLD_ROWS,
  );
}

function env(report: ParityReport): string[] {
  if (report.env.length === 0) return [];
  const rows = report.env.map((e) => [
    BADGE[e.class],
    cell(e.service),
    cell(`\`${e.key}\``),
    envValue(e.staging, e.secret),
    envValue(e.production, e.secret),
  ]);
  const missing = report.env.filter((e) => e.staging === undefined || e.production === undefined).length;
  const title = `Environment variables (${rows.length}; ${missing === 0 ? "same keys in both stacks" : `${missing} key(s) missing from one stack`})`;
  return folded(
    title,
    tableLines(["class", "service", "key", report.source.staging.stack, report.source.production.stack], rows),
    rows.length > FOLD_ROWS,
  );
}

function everyProperty(report: ParityReport, includeMatches: boolean): string[] {
  const all = report.resources.flatMap((r) => r.properties.map((p) => ({ r, p })));
  const shown = includeMatches ? all : all.filter(({ p }) => p.class !== "match");
  const rows = shown.map(({ r, p }) => [
    BADGE[p.class],
    cell(`${r.component} › ${shortResourceName(r.resourceKey)}`),
    cell(`\`${p.path}\``),
    codeCell(p.staging),
    codeCell(p.production),
  ]);
  const omitted = all.length - shown.length;
  const note =
    omitted > 0
      ? [`_${omitted} matching properties left out to fit a comment; \`npm run parity\` prints them all._`, ""]
      : [];
  return folded(
    `Every resource and property (${report.resources.length} resources, ${all.length} properties)`,
    [
      ...note,
      ...tableLines(
        ["class", "resource", "property", report.source.staging.stack, report.source.production.stack],
        rows,
      ),
    ],
    true,
  );
}
