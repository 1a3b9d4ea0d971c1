import { classify, envPathOf, isSecretEnv, PropertyClass, resourceKey } from "./contract";
import { flatten, isEmptyLeaf, SECRET_SHOWN, UNKNOWN_VALUE } from "./flatten";
import { elementsOf, missingElement } from "./elements";
import { declaresEnv, declaresPresence, declaresProperty, KnownDifference } from "./known-differences";
import { normalize, StackIdentity, stackIdentityOf } from "./normalize";

/**
 * Staging vs production, property by property, classified by the one contract. The parity report
 * prints this; the stack policy runs the same comparison against parity.lock.json.
 */

export type DiffClass = "divergent" | "declared" | "sizing" | "identity" | "unknown" | "match";

export interface PropertyDiff {
  resourceKey: string;
  resourceType: string;
  /** Top-level component's logical name, or "(stack)". */
  component: string;
  /** e.g. `parameters[name=timezone].value`, `containerDefinitions[name=web].image`. */
  path: string;
  staging: unknown;
  production: unknown;
  class: DiffClass;
  /** The known-differences.yaml id that declares this difference. */
  declaredBy?: string;
  /** What to do about a divergent value. */
  fix?: string;
  /**
   * Class `unknown` because the lock cannot place the value: production declares nothing there and the
   * lock knows no provider default for it (see comparePrints).
   */
  unplaced?: boolean;
  /** The outermost list element this path lies in, when only one side has that element. */
  element?: ElementDiff;
}

/**
 * A list element (`parameters[name=statement_timeout]`, `ingress[2]`) only one side has: an addition
 * (`onlyIn: "staging"`, this stack's side) or a removal. Every leaf beneath it carries the same one.
 */
export interface ElementDiff {
  readonly path: string;
  readonly onlyIn: "staging" | "production";
}

export interface PresenceDiff {
  resourceKey: string;
  resourceType: string;
  component: string;
  onlyIn: "staging" | "production";
  class: "divergent" | "declared";
  declaredBy?: string;
}

export interface EnvDiff {
  /** `<task definition>/<container>` or `<function>`. */
  service: string;
  key: string;
  /** Undefined when the key is missing in that stack; `[secret]` for secrets. */
  staging?: string;
  production?: string;
  secret: boolean;
  class: DiffClass;
  declaredBy?: string;
  /** The container (list element) only one side has, when the key is missing for that reason. */
  element?: ElementDiff;
}

export interface StackComparison {
  properties: PropertyDiff[];
  presence: PresenceDiff[];
  env: EnvDiff[];
}

export interface ComparableResource {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
  parent?: string;
  options?: { protect?: boolean; retainOnDelete?: boolean };
  /**
   * Values the provider's `Check` filled in (autonames, schema defaults), as the bridge listed them in
   * `__defaults`; rewritten like `inputs`. The engine strips that list before `Analyze`, so the pack
   * sees these values as if declared: the lock records production's, to tell them apart.
   */
  providerDefaults?: Record<string, unknown>;
  /**
   * Only the provider's outputs are known, not what the program declared (a resource `Analyze` never
   * saw, an export without inputs): outputs hold every default the provider filled in, so only the
   * properties production declares are compared. @default false
   */
  outputsOnly?: boolean;
  /**
   * False for component resources: their properties are outputs derived from their children, which
   * are compared themselves, so only their presence counts. @default true
   */
  custom?: boolean;
}

/** One env var of one service, as the comparison sees it. */
export interface EnvValue {
  /** Normalized value; null when the lock does not record it (identity, sizing, secrets). */
  readonly value: unknown;
  readonly secret: boolean;
}

/** A resource reduced to what the contract compares: normalized leaves and env vars. */
export interface ResourcePrint {
  readonly key: string;
  readonly type: string;
  readonly component: string;
  readonly protect: boolean;
  /** Path → normalized leaf value, env var paths excluded. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Service → env key → value. */
  readonly env: Readonly<Record<string, Readonly<Record<string, EnvValue>>>>;
  /** Built from outputs (see ComparableResource.outputsOnly): compared at production's paths only. */
  readonly outputsOnly?: boolean;
  /**
   * Path → value of what the provider fills in where the program is silent (production's, from the
   * lock): a stack showing that value there declares nothing; another value is a divergence.
   */
  readonly providerDefaults?: Readonly<Record<string, unknown>>;
}

/**
 * How the pack words a value the lock cannot place (PropertyDiff.unplaced); the offline preview
 * counts the notes that say it.
 */
export const UNPLACED_NOTE = "where production declares nothing and parity.lock.json knows no provider default";

/** Types that are bookkeeping, not infrastructure. */
const SKIPPED_TYPES = new Set(["pulumi:pulumi:Stack"]);

/** Reduces a stack's resources to prints keyed by resource key. */
export function printStack(
  resources: readonly ComparableResource[],
  identity: StackIdentity = stackIdentityOf(resources),
  opts: { readonly providerDefaults?: boolean } = {},
): Map<string, ResourcePrint> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const prints = new Map<string, ResourcePrint>();
  for (const r of resources) {
    if (SKIPPED_TYPES.has(r.type) || isDefaultProvider(r.urn)) continue;
    const key = resourceKey(r.urn);
    const properties: Record<string, unknown> = {};
    const env: Record<string, Record<string, EnvValue>> = {};
    for (const [path, leaf] of r.custom === false ? [] : flatten(r.inputs)) {
      const envPath = envPathOf(path);
      if (!envPath) {
        properties[path] = normalize(leaf, identity);
        continue;
      }
      const service =
        envPath.container === undefined
          ? (key.split("::").pop() ?? key)
          : `${key.split("::").pop()}/${envPath.container}`;
      // A credential in a plain env var (by its key, or a URL with a password) is as secret as an ECS secret.
      const secret = envPath.secret || leaf === SECRET_SHOWN || isSecretEnv(envPath.key, leaf);
      (env[service] ??= {})[envPath.key] = { value: secret ? SECRET_SHOWN : normalize(leaf, identity), secret };
    }
    // Only the lock records them; a print compared with another program's print never needs them.
    const defaults =
      !opts.providerDefaults || r.custom === false || !r.providerDefaults
        ? undefined
        : defaultsPrint(r.providerDefaults, properties, identity);
    prints.set(key, {
      key,
      type: r.type,
      component: componentOf(r, byUrn),
      protect: r.options?.protect === true,
      properties,
      env,
      ...(r.outputsOnly ? { outputsOnly: true } : {}),
      ...(defaults && Object.keys(defaults).length > 0 ? { providerDefaults: defaults } : {}),
    });
  }
  return prints;
}

/** The provider-filled leaves that are not also declared (a declared value wins over a default). */
function defaultsPrint(
  defaults: Record<string, unknown>,
  declared: Record<string, unknown>,
  identity: StackIdentity,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, leaf] of flatten(defaults))
    if (!(path in declared) && !envPathOf(path)) out[path] = normalize(leaf, identity);
  return out;
}

/**
 * The CLI registers a default provider per plugin version (`default_4_21_2`) for resources without an
 * explicit one; its name changes with every plugin upgrade and says nothing about the platform.
 */
function isDefaultProvider(urn: string): boolean {
  return /::pulumi:providers:[^:]+::default(_[\w-]+)?$/.test(urn);
}

/** The logical name of the top-level component a resource belongs to, or "(stack)". */
export function componentOf(r: ComparableResource, byUrn: ReadonlyMap<string, ComparableResource>): string {
  let top: ComparableResource | undefined;
  let cur: ComparableResource | undefined = r;
  // A state the engine would refuse can still reach the pack: a chain of parents that loops ends here.
  const visited = new Set<ComparableResource>();
  while (cur && !SKIPPED_TYPES.has(cur.type) && !visited.has(cur)) {
    visited.add(cur);
    top = cur;
    cur = cur.parent ? byUrn.get(cur.parent) : undefined;
  }
  if (!top || top === r) return "(stack)";
  return top.urn.split("::").pop() ?? "(stack)";
}

export function compareStacks(
  staging: ComparableResource[],
  production: ComparableResource[],
  known: KnownDifference[],
): StackComparison {
  return comparePrints(printStack(staging), printStack(production), known);
}

/**
 * Compares two sets of prints; `production` may come from the lock, where identity and sizing
 * values are not recorded. Stable order: resource key, then path.
 */
export function comparePrints(
  staging: ReadonlyMap<string, ResourcePrint>,
  production: ReadonlyMap<string, ResourcePrint>,
  known: readonly KnownDifference[],
): StackComparison {
  const result: StackComparison = { properties: [], presence: [], env: [] };
  const keys = [...new Set([...staging.keys(), ...production.keys()])].sort();
  for (const key of keys) {
    const s = staging.get(key);
    const p = production.get(key);
    if (!s || !p) {
      const only = (s ?? p) as ResourcePrint;
      const onlyIn = s ? "staging" : "production";
      const d = declaresPresence(known, key, only.type, onlyIn);
      result.presence.push({
        resourceKey: key,
        resourceType: only.type,
        component: only.component,
        onlyIn,
        class: d ? "declared" : "divergent",
        ...(d ? { declaredBy: d.id } : {}),
      });
      continue;
    }
    const paths = [
      ...new Set([...(s.outputsOnly ? [] : Object.keys(s.properties)), ...Object.keys(p.properties)]),
    ].sort();
    const elements = { staging: elementsOfPrint(s), production: elementsOfPrint(p) };
    for (const path of paths) result.properties.push(diffProperty(s, p, path, known, elements));
    result.env.push(...diffEnv(s, p, known, elements));
  }
  return result;
}

/**
 * Whether `path` lies under a value unknown until deployment in `print` (a create preview leaves a
 * whole container definition unknown when it embeds an ARN not yet known): nothing beneath it is
 * known to be missing or different.
 */
export function underUnknown(print: ResourcePrint, path: string): boolean {
  for (const [p, v] of Object.entries(print.properties))
    if (v === UNKNOWN_VALUE && p !== path && within(p, path)) return true;
  return false;
}

/** Each side's list elements, from everything its print holds: properties, provider defaults, env vars. */
interface SideElements {
  readonly staging: ReadonlySet<string>;
  readonly production: ReadonlySet<string>;
}

function elementsOfPrint(print: ResourcePrint): Set<string> {
  const env = Object.entries(print.env).flatMap(([service, vars]) =>
    Object.entries(vars).map(([key, v]) => envVarPath(service, key, v.secret)),
  );
  return elementsOf([...Object.keys(print.properties), ...Object.keys(print.providerDefaults ?? {}), ...env]);
}

/**
 * The element `path` lies in that only one side has, judged from the side that has the path. Only an
 * element holding a value the lock records (structural: the contract simulates only tags and env
 * vars, never a list element's field) counts: one of names and references only (a route's CIDR and
 * gateway, an alias target) is identity, leaf by leaf, as the lock cannot tell production's from another.
 */
function onlyElement(
  path: string,
  inStaging: boolean,
  elements: SideElements,
  print: ResourcePrint,
): ElementDiff | undefined {
  const missing = missingElement(path, inStaging ? elements.production : elements.staging);
  if (missing === undefined || !holdsLocked(print, missing)) return undefined;
  return { path: missing, onlyIn: inStaging ? "staging" : "production" };
}

function holdsLocked(print: ResourcePrint, element: string): boolean {
  return Object.keys(print.properties).some((p) => within(element, p) && classify(print.type, p) === "structural");
}

/** Whether `path` is `element` or lies beneath it. */
function within(element: string, path: string): boolean {
  return (
    path.startsWith(element) &&
    (path.length === element.length || path[element.length] === "." || path[element.length] === "[")
  );
}

function diffProperty(
  s: ResourcePrint,
  p: ResourcePrint,
  path: string,
  known: readonly KnownDifference[],
  elements: SideElements,
): PropertyDiff {
  const cls = classify(s.type, path);
  const sv = s.properties[path];
  const pv = p.properties[path];
  const base = { resourceKey: s.key, resourceType: s.type, component: s.component, path, staging: sv, production: pv };
  const hidden = underUnknown(s, path) || underUnknown(p, path);
  if (cls !== "identity" && hidden) return { ...base, class: "unknown" };
  // An element only one side has is one divergence, whatever the class of each leaf in it: no
  // provider default adds a list element, so the lock needs no default to place it.
  const inStaging = path in s.properties;
  const element =
    !hidden && inStaging !== path in p.properties
      ? onlyElement(path, inStaging, elements, inStaging ? s : p)
      : undefined;
  if (element) {
    const d = declaresProperty(known, s.key, s.type, element.path) ?? declaresProperty(known, s.key, s.type, path);
    if (d) return { ...base, class: "declared", declaredBy: d.id, element };
    return { ...base, class: "divergent", element, fix: elementFix(s.key, element) };
  }
  // Only paths the lock records (structural, simulated) can be placed by it; sizing is never locked.
  if (
    (cls === "structural" || cls === "simulated") &&
    sv !== UNKNOWN_VALUE &&
    path in s.properties &&
    !(path in p.properties) &&
    p.providerDefaults
  ) {
    // Production declares nothing here: the provider fills it in. Analyze shows that default without
    // saying so, so the same value declares nothing; another value is this stack's own setting.
    if (path in p.providerDefaults) {
      const def = p.providerDefaults[path];
      if (sameValue(sv, def)) return { ...base, class: "match" };
      const d = declaresProperty(known, s.key, s.type, path);
      if (d) return { ...base, class: "declared", declaredBy: d.id };
      return { ...base, production: def, class: "divergent", fix: propertyFix(s.key, path, sv, def) };
    }
    // A value the lock cannot place: a default the offline provider model does not know, or a
    // setting only this stack makes. Not proven either way (the parity report, which compares the two
    // programs, decides the second); noted, never counted as a match.
    if (!isEmptyLeaf(sv)) return { ...base, class: "unknown", unplaced: true };
  }
  const verdict = judge(cls, sv, pv, path in s.properties, path in p.properties);
  if (verdict !== "divergent") return { ...base, class: verdict };
  const d = declaresProperty(known, s.key, s.type, path);
  if (d) return { ...base, class: "declared", declaredBy: d.id };
  return { ...base, class: "divergent", fix: propertyFix(s.key, path, sv, pv) };
}

/**
 * The class of one pair of values. A property one side leaves out and the other sets to an empty
 * value counts as equal: that is what providers fill in for a property the program did not set.
 */
export function judge(
  cls: PropertyClass,
  staging: unknown,
  production: unknown,
  inStaging = true,
  inProduction = true,
): DiffClass {
  if (cls === "identity") return "identity";
  if (staging === UNKNOWN_VALUE || production === UNKNOWN_VALUE) return "unknown";
  const missing = !inStaging || !inProduction;
  if (missing && isEmptyLeaf(inStaging ? staging : production)) return "match";
  if (!missing && sameValue(staging, production)) return "match";
  return cls === "sizing" ? "sizing" : "divergent";
}

function diffEnv(
  s: ResourcePrint,
  p: ResourcePrint,
  known: readonly KnownDifference[],
  elements: SideElements,
): EnvDiff[] {
  const out: EnvDiff[] = [];
  const services = [...new Set([...Object.keys(s.env), ...Object.keys(p.env)])].sort();
  for (const service of services) {
    const se = s.env[service] ?? {};
    const pe = p.env[service] ?? {};
    for (const key of [...new Set([...Object.keys(se), ...Object.keys(pe)])].sort()) {
      const sv = se[key];
      const pv = pe[key];
      const secret = (sv ?? pv).secret;
      const shown = {
        staging: sv === undefined ? undefined : show(sv),
        production: pv === undefined ? undefined : show(pv),
      };
      const path = envVarPath(service, key, secret);
      if (!sv || !pv) {
        if (underUnknown(sv ? p : s, path)) {
          out.push({ service, key, ...shown, secret, class: "unknown" });
          continue;
        }
        const d = declaresEnv(known, key, sv ? "staging" : "production");
        const element = onlyElement(path, sv !== undefined, elements, sv ? s : p);
        out.push({
          service,
          key,
          ...shown,
          secret,
          class: d ? "declared" : "divergent",
          ...(d ? { declaredBy: d.id } : {}),
          ...(element ? { element } : {}),
        });
        continue;
      }
      // A secret is this stack's own value on either side (the lock records none): never compared.
      const cls = sv.secret || pv.secret ? "identity" : judge(classify(s.type, path), sv.value, pv.value);
      const d = cls === "divergent" ? declaresEnv(known, key) : undefined;
      out.push({ service, key, ...shown, secret, class: d ? "declared" : cls, ...(d ? { declaredBy: d.id } : {}) });
    }
  }
  return out;
}

/** The property path of env var `key` of `service` (`<task definition>/<container>` or `<function>`). */
export function envVarPath(service: string, key: string, secret: boolean): string {
  const slash = service.indexOf("/");
  if (slash < 0) return `environment.variables.${key}`;
  return `containerDefinitions[name=${service.slice(slash + 1)}].${secret ? "secrets" : "environment"}[${key}]`;
}

function show(v: EnvValue): string {
  if (v.secret) return SECRET_SHOWN;
  if (v.value === null) return "(not recorded)";
  return typeof v.value === "string" ? v.value : JSON.stringify(v.value);
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function showValue(v: unknown): string {
  if (v === undefined) return "(not set)";
  const text = JSON.stringify(v);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function elementFix(key: string, element: ElementDiff): string {
  const what =
    element.onlyIn === "staging"
      ? `Remove list element \`${element.path}\` from \`${key}\` (production has no such element), or add it to production too`
      : `Add list element \`${element.path}\` to \`${key}\` as production has it`;
  return `${what}, or declare the difference in known-differences.yaml (what, why, howToTestSafely).`;
}

function propertyFix(key: string, path: string, staging: unknown, production: unknown): string {
  return `Set \`${path}\` of \`${key}\` to production's value ${showValue(production)} (this stack has ${showValue(staging)}), or declare the difference in known-differences.yaml (what, why, howToTestSafely).`;
}
