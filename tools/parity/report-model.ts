import {
  ComparableResource,
  componentOf,
  DiffClass,
  EnvDiff,
  PresenceDiff,
  PropertyDiff,
  StackComparison,
} from "../../policy/engine/compare";
import { resourceKey } from "../../policy/engine/contract";
import { SecretScan, sharedSecretMessage } from "../../policy/engine/shared-secrets";
import { redact } from "./secrets";

/**
 * What every renderer draws: the pack's comparison, secrets redacted, put in reading order, with the
 * totals. Classification and comparison belong to the policy pack; this file only sorts and counts.
 */

/** Reading order: what needs action first, then what needs a look, then what is fine. */
export const CLASS_ORDER: readonly DiffClass[] = ["divergent", "unknown", "declared", "sizing", "identity", "match"];

export interface SideSource {
  readonly stack: string;
  /** The export file, when the stack came from `pulumi stack export`. */
  readonly file?: string;
  /** How the export's secrets were read (decrypted, or why redacted); never a secret's text. */
  readonly notes?: readonly string[];
}

export interface ReportSource {
  /** `program`: this repo's program run offline; `export`: deployed stacks' export files. */
  readonly kind: "program" | "export";
  readonly project: string;
  readonly staging: SideSource;
  readonly production: SideSource;
  /** For `program`: the provider model the offline programs ran on (which outputs, which generated values). */
  readonly model?: { readonly scenario?: string; readonly seed?: string };
}

/** `update of a deployed stack, seed 8f3a11c2`: what the offline programs' outputs modelled. */
export function modelText(source: ReportSource): string | undefined {
  if (source.kind !== "program" || !source.model?.scenario) return undefined;
  const what = source.model.scenario === "update" ? "update of a deployed stack" : "first deploy (create)";
  return `provider model: ${what}, seed ${source.model.seed} (rerun with --scenario ${source.model.scenario} --seed ${source.model.seed})`;
}

export type ClassCounts = Record<DiffClass, number>;

export interface ComponentTotals {
  readonly component: string;
  readonly resources: number;
  readonly properties: ClassCounts;
  /** Resources of this component that exist in one stack only. */
  readonly onlyInOneStack: number;
}

export interface ResourceGroup {
  readonly resourceKey: string;
  readonly resourceType: string;
  readonly component: string;
  /** The resource's most urgent class (by CLASS_ORDER). */
  readonly worst: DiffClass;
  readonly properties: readonly PropertyDiff[];
}

export interface ParityReport {
  readonly source: ReportSource;
  readonly resources: readonly ResourceGroup[];
  readonly presence: readonly PresenceDiff[];
  readonly env: readonly EnvDiff[];
  readonly totals: {
    readonly properties: ClassCounts;
    readonly presence: { readonly divergent: number; readonly declared: number };
    readonly env: ClassCounts;
    readonly components: readonly ComponentTotals[];
  };
  /** Secrets equal in both stacks (named by place, never by value), and what the run cannot prove. */
  readonly secrets: SecretsFinding;
  /** True when anything must be fixed or declared before staging can be trusted (a shared secret included). */
  readonly divergent: boolean;
}

export interface SecretsFinding extends SecretScan {
  /** One message per shared secret, for every renderer (sharedSecretMessage). */
  readonly messages: readonly string[];
}

/** What the renderers say about secrets: each shared one, then what this run could not prove. */
export function secretsLines(report: ParityReport): { readonly shared: readonly string[]; readonly unproven?: string } {
  const { secrets } = report;
  const unproven =
    secrets.unproven.length === 0
      ? undefined
      : `Secrets not proven separate: ${secrets.unproven.map((u) => `${u.count} ${u.reason}`).join("; ")}. ${secrets.compared === 0 ? "None compared" : `${secrets.compared} compared${secrets.shared.length === 0 ? ", each different" : ""}`}.`;
  return { shared: secrets.messages, ...(unproven ? { unproven } : {}) };
}

export function emptyCounts(): ClassCounts {
  return { divergent: 0, unknown: 0, declared: 0, sizing: 0, identity: 0, match: 0 };
}

const rank = (c: DiffClass): number => {
  const i = CLASS_ORDER.indexOf(c);
  return i === -1 ? CLASS_ORDER.length : i;
};

/** A resource as the listing names it. */
export interface ResourceRef {
  readonly resourceKey: string;
  readonly resourceType: string;
  readonly component: string;
}

/** The stack's own bookkeeping resource: it has no properties to compare. */
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Resources present in both stacks, so the listing shows every one, including those with no
 * properties to compare (components): the structure is part of what reviewers check.
 */
export function resourcesInBoth(
  staging: readonly ComparableResource[],
  production: readonly ComparableResource[],
): ResourceRef[] {
  const inProduction = new Set(production.map((r) => resourceKey(r.urn)));
  const byUrn = new Map(staging.map((r) => [r.urn, r]));
  const parents = new Set(staging.map((r) => r.parent));
  return staging
    .filter((r) => r.type !== STACK_TYPE && inProduction.has(resourceKey(r.urn)))
    .map((r) => {
      const component = componentOf(r, byUrn);
      // A top-level component is its own component, not the stack's.
      const own = component === "(stack)" && parents.has(r.urn) ? (r.urn.split("::").pop() ?? component) : component;
      return { resourceKey: resourceKey(r.urn), resourceType: r.type, component: own };
    });
}

const NO_SECRETS: SecretScan = { shared: [], compared: 0, unproven: [] };

export function buildReport(
  source: ReportSource,
  comparison: StackComparison,
  listed: readonly ResourceRef[] = [],
  scan: SecretScan = NO_SECRETS,
): ParityReport {
  const properties = comparison.properties.map((p) => ({
    ...p,
    staging: redact(p.staging),
    production: redact(p.production),
  }));
  const env = comparison.env
    .map((e) => ({ ...e, staging: redactText(e.staging), production: redactText(e.production) }))
    .sort((a, b) => rank(a.class) - rank(b.class) || a.service.localeCompare(b.service) || a.key.localeCompare(b.key));
  const presence = [...comparison.presence].sort(
    (a, b) =>
      rank(a.class) - rank(b.class) ||
      a.component.localeCompare(b.component) ||
      a.resourceKey.localeCompare(b.resourceKey),
  );

  const resources = groupByResource(properties, listed);
  const totals = {
    properties: count(properties.map((p) => p.class)),
    presence: {
      divergent: presence.filter((p) => p.class === "divergent").length,
      declared: presence.filter((p) => p.class === "declared").length,
    },
    env: count(env.map((e) => e.class)),
    components: componentTotals(resources, presence),
  };
  const secrets: SecretsFinding = {
    ...scan,
    messages: scan.shared.map((s) => sharedSecretMessage(s, source.staging.stack, source.production.stack)),
  };
  const divergent =
    totals.properties.divergent + totals.presence.divergent + totals.env.divergent + scan.shared.length > 0;
  return { source, resources, presence, env, totals, secrets, divergent };
}

function redactText(value: string | undefined): string | undefined {
  return value === undefined ? undefined : String(redact(value));
}

function count(classes: readonly DiffClass[]): ClassCounts {
  const counts = emptyCounts();
  for (const c of classes) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
}

function groupByResource(properties: readonly PropertyDiff[], listed: readonly ResourceRef[]): ResourceGroup[] {
  const byKey = new Map<string, { ref: ResourceRef; properties: PropertyDiff[] }>();
  for (const ref of listed) byKey.set(ref.resourceKey, { ref, properties: [] });
  for (const p of properties) {
    const entry = byKey.get(p.resourceKey) ?? { ref: p, properties: [] };
    entry.properties.push(p);
    byKey.set(p.resourceKey, entry);
  }
  const groups = [...byKey.values()].map(({ ref, properties: list }): ResourceGroup => {
    const sorted = [...list].sort((a, b) => rank(a.class) - rank(b.class) || a.path.localeCompare(b.path));
    const worst = sorted[0]?.class ?? "match";
    return {
      resourceKey: ref.resourceKey,
      resourceType: ref.resourceType,
      component: ref.component,
      worst,
      properties: sorted,
    };
  });
  return groups.sort(
    (a, b) =>
      rank(a.worst) - rank(b.worst) ||
      a.component.localeCompare(b.component) ||
      a.resourceKey.localeCompare(b.resourceKey),
  );
}

function componentTotals(resources: readonly ResourceGroup[], presence: readonly PresenceDiff[]): ComponentTotals[] {
  const names = new Set([...resources.map((r) => r.component), ...presence.map((p) => p.component)]);
  return [...names].sort().map((component) => {
    const mine = resources.filter((r) => r.component === component);
    return {
      component,
      resources: mine.length,
      properties: count(mine.flatMap((r) => r.properties.map((p) => p.class))),
      onlyInOneStack: presence.filter((p) => p.component === component).length,
    };
  });
}

/** What one declaration in known-differences.yaml covered in this comparison. */
export interface DeclarationCoverage {
  readonly id: string;
  /** Resources present in one stack only, by name. */
  readonly onlyIn: readonly string[];
  /** Each property path with the resources (by name) where it differs. */
  readonly properties: readonly { readonly path: string; readonly resources: readonly string[] }[];
  /** Each env key with the services where it differs. */
  readonly env: readonly { readonly key: string; readonly services: readonly string[] }[];
}

/** Per declaration, what it excused here: the report says what each declaration really covers. */
export function declarationCoverage(report: ParityReport): DeclarationCoverage[] {
  const byId = new Map<
    string,
    { onlyIn: Set<string>; properties: Map<string, Set<string>>; env: Map<string, Set<string>> }
  >();
  const entry = (id: string) => {
    const found = byId.get(id) ?? {
      onlyIn: new Set<string>(),
      properties: new Map<string, Set<string>>(),
      env: new Map<string, Set<string>>(),
    };
    byId.set(id, found);
    return found;
  };
  const add = (map: Map<string, Set<string>>, key: string, value: string) =>
    map.set(key, (map.get(key) ?? new Set<string>()).add(value));
  for (const p of report.presence)
    if (p.class === "declared" && p.declaredBy) entry(p.declaredBy).onlyIn.add(shortResourceName(p.resourceKey));
  for (const r of report.resources) {
    for (const p of r.properties)
      if (p.class === "declared" && p.declaredBy)
        add(entry(p.declaredBy).properties, p.path, shortResourceName(r.resourceKey));
  }
  for (const e of report.env)
    if (e.class === "declared" && e.declaredBy) add(entry(e.declaredBy).env, e.key, e.service);
  return [...byId.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, c]) => ({
      id,
      onlyIn: [...c.onlyIn].sort(),
      properties: [...c.properties].map(([path, resources]) => ({ path, resources: [...resources].sort() })),
      env: [...c.env].map(([key, services]) => ({ key, services: [...services].sort() })),
    }));
}

/** A resource key is long (`parity:components:Database$aws:rds/instance:Instance::db-instance`); people read the name. */
export function shortResourceName(resourceKey: string): string {
  const i = resourceKey.lastIndexOf("::");
  return i === -1 ? resourceKey : resourceKey.slice(i + 2);
}

/** `aws:rds/instance:Instance` → `rds.Instance`: enough to tell resources apart at a glance. */
export function shortType(type: string): string {
  const m = /^([^:]+):([^/:]+)(?:\/[^:]*)?:(.+)$/.exec(type);
  if (!m) return type;
  const [, pkg, mod, name] = m;
  if (pkg === "aws") return `${mod}.${name}`;
  if (pkg === "pulumi" && mod === "providers") return `provider.${name}`;
  return mod === "index" ? `${pkg}.${name}` : `${pkg}.${mod}.${name}`;
}
