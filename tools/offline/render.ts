import type { PolicyVerdict } from "./analyzer";
import type { CollectedResource, StackSnapshot } from "./snapshot";

/**
 * Text output shaped like `pulumi preview`: the plan as a tree of `+ create` rows (every resource is a
 * create offline: there is no prior state), the resource count, then policy violations grouped by
 * policy, then one summary line.
 */

export interface Style {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
export const COLOUR: Style = { green: ansi(32, 39), red: ansi(31, 39), yellow: ansi(33, 39), bold: ansi(1, 22), dim: ansi(2, 22) };
export const PLAIN: Style = { green: (s) => s, red: (s) => s, yellow: (s) => s, bold: (s) => s, dim: (s) => s };

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && !env["NO_COLOR"] ? COLOUR : PLAIN;
}

/** `aws:ec2/vpc:Vpc` → `aws:ec2:Vpc`, the short form the CLI displays. */
export function displayType(type: string): string {
  const [pkg, mod, name] = type.split(":");
  if (name === undefined || !mod.includes("/")) return type;
  return `${pkg}:${mod.split("/")[0]}:${name}`;
}

interface Row {
  readonly prefix: string;
  readonly resource: CollectedResource;
}

/** Depth-first rows in registration order, each child under its parent with box-drawing guides. */
export function treeRows(resources: readonly CollectedResource[]): Row[] {
  const urns = new Set(resources.map((r) => r.urn));
  const children = new Map<string | undefined, CollectedResource[]>();
  for (const r of resources) {
    const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const rows: Row[] = [];
  const walk = (parent: string | undefined, guide: string, depth: number) => {
    const kids = children.get(parent) ?? [];
    kids.forEach((r, i) => {
      const last = i === kids.length - 1;
      rows.push({ prefix: depth === 0 ? "" : `${guide}${last ? "└─ " : "├─ "}`, resource: r });
      walk(r.urn, depth === 0 ? "" : `${guide}${last ? "   " : "│  "}`, depth + 1);
    });
  };
  walk(undefined, "", 0);
  return rows;
}

export function renderPlan(snapshot: StackSnapshot, style: Style): string {
  const rows = treeRows(snapshot.resources);
  const typeCells = rows.map((r) => `${r.prefix}${displayType(r.resource.type)}`);
  const typeWidth = Math.max(4, ...typeCells.map((c) => c.length));
  const nameWidth = Math.max(4, ...rows.map((r) => r.resource.name.length));
  const lines = [
    style.bold(`Previewing stack ${snapshot.stack} (${snapshot.project}), offline`),
    "",
    `     ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  Plan`,
    ...rows.map((r, i) => style.green(` +   ${typeCells[i].padEnd(typeWidth)}  ${r.resource.name.padEnd(nameWidth)}  create`)),
    "",
    "Resources:",
    style.green(`    + ${snapshot.resources.length} to create`),
  ];
  return lines.join("\n");
}

export interface VerdictCounts {
  readonly mandatory: number;
  readonly advisory: number;
}

export function countVerdicts(verdicts: readonly PolicyVerdict[]): VerdictCounts {
  // The pack reports a remediate-level policy that still fails as mandatory; count it the same way.
  const blocking = verdicts.filter((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate").length;
  return { mandatory: blocking, advisory: verdicts.filter((v) => v.enforcementLevel === "advisory").length };
}

export function renderVerdicts(verdicts: readonly PolicyVerdict[], style: Style): string {
  if (verdicts.length === 0) return "";
  const byPolicy = new Map<string, PolicyVerdict[]>();
  for (const v of verdicts) {
    const key = `${v.policyPackName}\u0000${v.policyName}`;
    byPolicy.set(key, [...(byPolicy.get(key) ?? []), v]);
  }
  const lines = ["", style.bold("Policy Violations:")];
  for (const group of byPolicy.values()) {
    const first = group[0];
    const level = first.enforcementLevel === "advisory" ? style.yellow("[advisory]") : style.red(`[${first.enforcementLevel}]`);
    const version = first.policyPackVersion ? `@v${first.policyPackVersion}` : "";
    lines.push(`    ${level}  ${style.bold(first.policyName)}  (${first.policyPackName}${version})  ${group.length} violation${group.length === 1 ? "" : "s"}`);
    lines.push(`    ${style.dim(first.description)}`);
    for (const v of group) {
      const where = v.resourceType ? `${displayType(v.resourceType)}: ${v.resourceName}` : v.urn ? v.urn : "the stack";
      lines.push(`      - ${where}`);
      for (const line of messageBody(v).split("\n")) lines.push(`        ${line}`);
    }
  }
  return lines.join("\n");
}

/** The message without the description the pack prepends to it. */
function messageBody(v: PolicyVerdict): string {
  const body = v.message.startsWith(v.description) ? v.message.slice(v.description.length).trim() : v.message.trim();
  return body || v.description;
}

export function summaryLine(stack: string, resources: number, counts: VerdictCounts | undefined, style: Style): string {
  if (!counts) return `${stack}: ${resources} to create; policies not checked (--no-policy)`;
  const violations = `${counts.mandatory} mandatory, ${counts.advisory} advisory violation${counts.mandatory + counts.advisory === 1 ? "" : "s"}`;
  const verdict = counts.mandatory > 0 ? style.red("FAILED") : style.green("passed");
  return `${stack}: ${resources} to create; ${violations}; policy check ${verdict}`;
}
