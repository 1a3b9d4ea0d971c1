import { UNPLACED_NOTE } from "../../policy/engine/compare";
import type { PolicyVerdict } from "./analyzer";
import { describeDowngrades, type Downgrade } from "./policy-downgrades";
import type { AnalyzerInfo } from "./policy-types";
import type { CollectedResource, StackSnapshot } from "./snapshot";

/**
 * Text output for a reviewer reading top-down: per stack the verdict, then the mandatory violations
 * (each message has both values and the fix), then what changed against the parity lock, declared
 * differences as a count with a pointer to their explanations, other advisory notes once each, and
 * the plan summarised by component. `--verbose` lists every declared difference and the whole
 * `pulumi preview`-style tree of `+ create` rows (every resource is a create offline: no prior state).
 */

export interface Style {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
export const COLOUR: Style = {
  green: ansi(32, 39),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  bold: ansi(1, 22),
  dim: ansi(2, 22),
};
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

/** The plan by top-level component: what a reviewer needs from 100+ identical `create` rows. */
export function renderPlanSummary(snapshot: StackSnapshot, style: Style): string {
  const byUrn = new Map(snapshot.resources.map((r) => [r.urn, r]));
  const root = snapshot.resources.find((r) => r.parent === undefined || !byUrn.has(r.parent));
  const counts = new Map<string, number>();
  const topOf = (r: CollectedResource): CollectedResource => {
    let at = r;
    const visited = new Set<CollectedResource>([at]);
    while (at.parent && byUrn.has(at.parent) && at.parent !== root?.urn) {
      const parent = byUrn.get(at.parent) as CollectedResource;
      if (visited.has(parent)) break; // a loop of parents: stop where it closes
      visited.add(parent);
      at = parent;
    }
    return at;
  };
  for (const r of snapshot.resources) {
    if (r === root) continue;
    const top = topOf(r);
    counts.set(top.urn, (counts.get(top.urn) ?? 0) + 1);
  }
  const tops = [...counts.keys()].map((urn) => byUrn.get(urn) as CollectedResource);
  const nameWidth = Math.max(4, ...tops.map((r) => r.name.length));
  const typeWidth = Math.max(4, ...tops.map((r) => displayType(r.type).length));
  return [
    `Plan: ${snapshot.resources.length} to create, by component (--verbose for every resource):`,
    ...tops.map((r) =>
      style.green(`    + ${r.name.padEnd(nameWidth)}  ${displayType(r.type).padEnd(typeWidth)}  ${counts.get(r.urn)}`),
    ),
  ].join("\n");
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
    ...rows.map((r, i) =>
      style.green(` +   ${typeCells[i].padEnd(typeWidth)}  ${r.resource.name.padEnd(nameWidth)}  create`),
    ),
    "",
    "Resources:",
    style.green(`    + ${snapshot.resources.length} to create`),
  ];
  return lines.join("\n");
}

export interface VerdictCounts {
  readonly mandatory: number;
  readonly advisory: number;
  /**
   * Values parity.lock.json cannot place (production declares nothing there and the lock knows no
   * provider default): a note in staging, a stale lock in production. Kept at zero on the real stacks,
   * so any is worth a look; counted among the advisory or mandatory verdicts too.
   */
  readonly unplaced: number;
}

export function countVerdicts(verdicts: readonly PolicyVerdict[]): VerdictCounts {
  // A remediation applied is a report, not a violation; a remediate-level policy that still fails is mandatory.
  const findings = verdicts.filter((v) => v.phase !== "remediation");
  const blocking = findings.filter(
    (v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate",
  ).length;
  const unplaced = findings.filter(
    (v) => v.enforcementLevel !== "disabled" && v.message.includes(UNPLACED_NOTE),
  ).length;
  return { mandatory: blocking, advisory: findings.filter((v) => v.enforcementLevel === "advisory").length, unplaced };
}

/** The policy whose violations are differences from parity.lock.json; they get their own section. */
export const LOCK_POLICY = "stack-parity";
/** Where the explanation of every declared difference lives. */
export const STAGING_NOTES = "docs/staging-notes.md";
const DECLARED_BY = /as declared by `([^`]+)`/;

/** A stack's verdicts in reading order. */
export interface VerdictSections {
  /** Mandatory violations other than lock differences: safety, security, config rules. */
  readonly mandatory: PolicyVerdict[];
  /** Mandatory differences from parity.lock.json (stack-parity). */
  readonly lock: PolicyVerdict[];
  /** Advisory notes of declared differences, by declaration id. */
  readonly declared: Map<string, PolicyVerdict[]>;
  /** Every other advisory verdict (values unknown until deployment, policies set to advisory). */
  readonly advisory: PolicyVerdict[];
  /** What remediate-level policies changed (or, on deployed state, would change). */
  readonly remediated: PolicyVerdict[];
}

export function sectionVerdicts(verdicts: readonly PolicyVerdict[]): VerdictSections {
  const sections: VerdictSections = { mandatory: [], lock: [], declared: new Map(), advisory: [], remediated: [] };
  for (const v of verdicts) {
    const id = DECLARED_BY.exec(v.message)?.[1];
    if (v.phase === "remediation") sections.remediated.push(v);
    else if (v.enforcementLevel !== "advisory")
      (v.policyName === LOCK_POLICY ? sections.lock : sections.mandatory).push(v);
    else if (id) sections.declared.set(id, [...(sections.declared.get(id) ?? []), v]);
    else sections.advisory.push(v);
  }
  return sections;
}

/** What a pack says of each of its policies beyond the message: how to fix a violation, and where to read more. */
export interface PolicyGuidance {
  readonly remediationSteps?: string;
  readonly url?: string;
}

/** Each policy's guidance (GetAnalyzerInfo), keyed as renderVerdicts groups verdicts: pack and policy name. */
export type GuidanceByPolicy = ReadonlyMap<string, PolicyGuidance>;

function guidanceKey(pack: string, policy: string): string {
  return `${pack}\u0000${policy}`;
}

export function guidanceOf(info: AnalyzerInfo): GuidanceByPolicy {
  return new Map(
    info.policies
      .filter((p) => p.remediationSteps || p.url)
      .map((p) => [guidanceKey(info.name, p.name), { remediationSteps: p.remediationSteps, url: p.url }]),
  );
}

/**
 * Verdicts grouped by policy; within a policy, one entry per distinct message with every resource it
 * names, then the policy's own fix and link once. The CLI's violation events carry the message only
 * (engine PolicyViolationEventPayload); `remediationSteps` and `url` reach it in GetAnalyzerInfo
 * (plugin.AnalyzerPolicyInfo, apitype.Policy: what Pulumi Cloud shows), so here they are read from
 * there and shown once per policy, never repeated per violation.
 */
export function renderVerdicts(
  verdicts: readonly PolicyVerdict[],
  style: Style,
  guidance: GuidanceByPolicy = new Map(),
): string {
  if (verdicts.length === 0) return "";
  const byPolicy = new Map<string, PolicyVerdict[]>();
  for (const v of verdicts) {
    const key = `${v.policyPackName}\u0000${v.policyName}\u0000${v.phase === "remediation"}`;
    byPolicy.set(key, [...(byPolicy.get(key) ?? []), v]);
  }
  const lines: string[] = [];
  for (const group of byPolicy.values()) {
    const first = group[0];
    const remediation = first.phase === "remediation";
    const level = remediation
      ? style.yellow("[remediated]")
      : first.enforcementLevel === "advisory"
        ? style.yellow("[advisory]")
        : style.red(`[${first.enforcementLevel}]`);
    const version = first.policyPackVersion ? `@v${first.policyPackVersion}` : "";
    const what = remediation ? "resource" : "violation";
    lines.push(
      `    ${level}  ${style.bold(first.policyName)}  (${first.policyPackName}${version})  ${group.length} ${what}${group.length === 1 ? "" : "s"}`,
    );
    lines.push(`    ${style.dim(first.description)}`);
    for (const { body, where } of distinctMessages(group)) {
      lines.push(`      - ${where.length > 0 ? where.join(", ") : body.split("\n")[0]}`);
      const rest = where.length > 0 ? body.split("\n") : body.split("\n").slice(1);
      for (const line of rest) lines.push(`        ${line}`);
    }
    const help = remediation ? undefined : guidance.get(guidanceKey(first.policyPackName, first.policyName));
    if (help?.remediationSteps) lines.push(`    How to fix: ${help.remediationSteps}`);
    if (help?.url) lines.push(`    More: ${help.url}`);
  }
  return lines.join("\n");
}

/**
 * The same note about several services (`Env var X of web-task/app …`, once per task) or several
 * resources is one entry naming them all; a stack-level verdict names no resource.
 */
function distinctMessages(group: readonly PolicyVerdict[]): { body: string; where: string[] }[] {
  const byBody = new Map<string, string[]>();
  for (const v of group) {
    let body = messageBody(v);
    const where: string[] = [];
    const service = /^(Env var `[^`]+`) of `([^`]+)`/.exec(body);
    if (service) {
      body = body.replace(service[0], service[1]);
      where.push(service[2]);
    } else if (v.resourceType) where.push(`${displayType(v.resourceType)}: ${v.resourceName}`);
    byBody.set(body, [...(byBody.get(body) ?? []), ...where]);
  }
  return [...byBody].map(([body, where]) => ({ body, where }));
}

/** The message without the description the pack prepends to it. */
function messageBody(v: PolicyVerdict): string {
  const body = v.message.startsWith(v.description) ? v.message.slice(v.description.length).trim() : v.message.trim();
  return body || v.description;
}

export function summaryLine(
  stack: string,
  resources: number,
  counts: VerdictCounts | undefined,
  style: Style,
  downgrades: readonly Downgrade[] = [],
): string {
  if (!counts) return `${stack}: ${resources} to create; policies not checked (--no-policy)`;
  const violations = `${counts.mandatory} mandatory, ${counts.advisory} advisory violation${counts.mandatory + counts.advisory === 1 ? "" : "s"}`;
  const unplaced = `${counts.unplaced} unplaced value${counts.unplaced === 1 ? "" : "s"}`;
  return `${stack}: ${resources} to create; ${violations}, ${counts.unplaced > 0 ? style.yellow(unplaced) : unplaced}; ${policyVerdict(counts, style, downgrades)}`;
}

/**
 * `policy check passed`, saying which mandatory policies the policy config switched off or made
 * advisory: a pass without them is not the pass the pack would give.
 */
export function policyVerdict(counts: VerdictCounts, style: Style, downgrades: readonly Downgrade[] = []): string {
  const verdict = counts.mandatory > 0 ? style.red("FAILED") : style.green("passed");
  return `policy check ${verdict}${downgrades.length > 0 ? ` (with ${style.red(describeDowngrades(downgrades))})` : ""}`;
}
