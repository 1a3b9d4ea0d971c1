import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { SECRET_SHOWN } from "./flatten";
import { comparePrints, ElementDiff, EnvDiff, PresenceDiff, printStack, PropertyDiff, showValue, StackComparison, UNPLACED_NOTE } from "./compare";
import { pathWithin } from "./elements";
import { declaredDifferencesSchema, DeclaredDifferencesConfig, stackParitySchema, StackParityConfig } from "./config";
import { knownDifferencesFor, lockFor } from "./files";
import { declarationScopeProblems, scopeOf } from "./known-differences";
import { lockPrints } from "./lock";
import { comparable, describeResource, providerEnvironment, stackEnvironment } from "./resources";

/**
 * Stack parity: this stack against production's fingerprint (parity.lock.json). Every structural
 * property, every resource and every env var key must match unless known-differences.yaml declares
 * the difference. Run on production itself, the same check says the lock is out of date.
 */

// Values are shown as they are: secrets are masked by what they are, not by what a setting is about.
// flatten() turns every Pulumi secret into `[secret]` and ECS `secrets` entries are env diffs marked
// `secret`, so `accessTokenValidity: 60` reads 60. Inside the pack, though, the policy SDK has already
// unwrapped Pulumi secrets (deserializeProperties), so their marker is gone: a property that *is* a
// credential (`masterPassword`, `clientSecret`, `privateKey`, `apiKey`) is masked by that last name.
const CREDENTIAL_LEAF = /(password|passphrase|secret|privatekey|apikey|^token)$/i;

function shown(path: string, v: unknown): string {
  const leaf = path.split(/[.[\]"]+/).filter(Boolean).pop() ?? path;
  return v !== undefined && CREDENTIAL_LEAF.test(leaf) ? SECRET_SHOWN : showValue(v);
}

const DECLARE = "or, if the difference is deliberate, declare it in known-differences.yaml (id, what, why, howToTestSafely, and the resources/properties/env it covers)";

interface Comparison {
  readonly cmp: StackComparison;
  /** What the declarations reach in this stack that they may not (see declarationScopeProblems). */
  readonly scopeProblems: readonly string[];
  readonly isProduction: boolean;
  readonly urnOf: (key: string) => string | undefined;
}

function compareWithLock(resources: PolicyResource[], config: StackParityConfig): Comparison {
  const lock = lockFor(config);
  const known = knownDifferencesFor(config);
  const stack = comparable(resources);
  const prints = printStack(stack);
  const cmp = comparePrints(prints, lockPrints(lock), known);
  // The lock knows production's resources only; a staging-only resource is judged here, in its stack.
  const scopeProblems = declarationScopeProblems(known, scopeOf(prints.values()));
  const urns = new Map(stack.map((r) => [r.urn.split("::").slice(2).join("::"), r.urn]));
  const environment = stackEnvironment(resources);
  return { cmp, scopeProblems, isProduction: environment !== undefined && environment === lock.production.environment, urnOf: (k) => urns.get(k) };
}


/** The fix for a divergence: staging aligns with production; production regenerates the lock. */
function fixFor(isProduction: boolean): string {
  return isProduction
    ? "Fix: if production is meant to change, run `npm run parity:lock` and commit parity.lock.json so reviewers see the change; otherwise revert it"
    : `Fix: make this stack build it the way production does (structural settings live in code and Pulumi.yaml defaults, not in stack files), ${DECLARE}`;
}

export function propertyMessage(d: PropertyDiff, isProduction: boolean): string {
  return `\`${d.resourceKey}\` (${d.resourceType}) property \`${d.path}\`: this stack has ${shown(d.path, d.staging)}, production has ${shown(d.path, d.production)} (parity.lock.json). ${fixFor(isProduction)}.`;
}

export function presenceMessage(d: PresenceDiff, isProduction: boolean): string {
  const what = d.onlyIn === "staging"
    ? `\`${d.resourceKey}\` (${d.resourceType}, component ${d.component}) exists in this stack but not in production (parity.lock.json)`
    : `\`${d.resourceKey}\` (${d.resourceType}, component ${d.component}) exists in production (parity.lock.json) but this stack does not create it`;
  return `${what}. ${fixFor(isProduction)}.`;
}

export function envMessage(d: EnvDiff, isProduction: boolean): string {
  if (d.staging === undefined || d.production === undefined) {
    const where = d.staging === undefined ? "production sets it and this stack does not" : "this stack sets it and production does not";
    return `Env var \`${d.key}\` of service \`${d.service}\`: ${where}; every environment gets the same keys with different values. ${fixFor(isProduction)}.`;
  }
  const value = (v: string) => (d.secret ? "[secret]" : JSON.stringify(v));
  return `Env var \`${d.key}\` of service \`${d.service}\`: this stack has ${value(d.staging)}, production has ${value(d.production)} (parity.lock.json). ${fixFor(isProduction)}.`;
}

/**
 * A value the lock cannot place, in production: the lock is written from production's own program,
 * so whatever production's run shows that the lock does not record means the lock is stale.
 */
export function unplacedInProductionMessage(d: PropertyDiff): string {
  return `\`${d.resourceKey}\` (${d.resourceType}) property \`${d.path}\`: this stack has ${shown(d.path, d.staging)}, ${UNPLACED_NOTE}, though the lock is written from production. ${fixFor(true)}.`;
}

/** One list element only one side has, with every leaf (and env var) of it the comparison saw. */
export interface ElementGroup {
  readonly resourceKey: string;
  readonly resourceType: string;
  readonly element: ElementDiff;
  readonly properties: PropertyDiff[];
  readonly env: EnvDiff[];
}

/** Diffs that lie in an element only one side has, one group per element, in comparison order. */
export function elementGroups(properties: readonly PropertyDiff[], env: readonly EnvDiff[]): ElementGroup[] {
  const groups = new Map<string, ElementGroup>();
  const groupOf = (resourceKey: string, resourceType: string, element: ElementDiff) => {
    const id = `${resourceKey}\0${element.path}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { resourceKey, resourceType, element, properties: [], env: [] }));
    return g;
  };
  for (const d of properties) if (d.element) groupOf(d.resourceKey, d.resourceType, d.element).properties.push(d);
  for (const d of env) {
    if (!d.element) continue;
    const [resource] = d.service.split("/");
    const owner = [...groups.values()].find((g) => g.resourceKey.endsWith(`::${resource}`) && g.element.path === d.element?.path);
    // A container only one side has, with env vars and nothing the lock records: still one element.
    (owner ?? groupOf(resource, "", d.element)).env.push(d);
  }
  return [...groups.values()];
}

/** What an element holds, short and secret-safe: `{fromPort: 22, protocol: "tcp", toPort: 22}`. */
export function elementContents(g: ElementGroup): string {
  const side = g.element.onlyIn;
  const fields = g.properties.map((d) => {
    const within = pathWithin(g.element.path, d.path);
    const value = shown(d.path, side === "staging" ? d.staging : d.production);
    return within === "" ? value : `${within}: ${value}`;
  });
  const env = g.env.filter((d) => !d.secret).map((d) => d.key);
  const secrets = g.env.filter((d) => d.secret).map((d) => d.key);
  if (env.length > 0) fields.push(`environment: ${env.join(", ")}`);
  if (secrets.length > 0) fields.push(`secrets: ${secrets.join(", ")} (values not shown)`);
  const text = `{${fields.join(", ")}}`;
  return text.length > 240 ? `${text.slice(0, 236)}...}` : text;
}

export function elementMessage(g: ElementGroup, isProduction: boolean): string {
  const lock = isProduction ? "parity.lock.json" : "production (parity.lock.json)";
  const where = g.element.onlyIn === "staging"
    ? `exists in this stack but not in ${lock}; it holds`
    : `exists in ${lock} but not in this stack; production's holds`;
  const fix = isProduction || g.element.onlyIn === "production"
    ? fixFor(isProduction)
    : `Fix: remove it from this stack, or add it to production too (in code, then \`npm run parity:lock\` and commit the lock), ${DECLARE}`;
  return `\`${g.resourceKey}\`${g.resourceType ? ` (${g.resourceType})` : ""} list element \`${g.element.path}\` ${where} ${elementContents(g)}. ${fix}.`;
}

function reportDivergences(c: Comparison, report: ReportViolation): void {
  for (const p of c.scopeProblems) report(`known-differences.yaml declaration ${p}`);
  // Production is the lock's source: any difference from it means a stale lock, declared or not, so a
  // declaration (meant for staging) can never hide it.
  const diverges = (cls: string) => cls === "divergent" || (c.isProduction && cls === "declared");
  for (const d of c.cmp.presence) if (diverges(d.class)) report(presenceMessage(d, c.isProduction), c.urnOf(d.resourceKey));
  const properties = c.cmp.properties.filter((d) => diverges(d.class));
  const env = c.cmp.env.filter((d) => diverges(d.class));
  // An element only one side has is one violation, however many leaves it holds.
  for (const g of elementGroups(properties, env)) report(elementMessage(g, c.isProduction), c.urnOf(g.resourceKey));
  for (const d of properties) if (!d.element) report(propertyMessage(d, c.isProduction), c.urnOf(d.resourceKey));
  for (const d of env) if (!d.element) report(envMessage(d, c.isProduction));
  if (c.isProduction) for (const d of c.cmp.properties) if (d.unplaced) report(unplacedInProductionMessage(d), c.urnOf(d.resourceKey));
}

/**
 * Every policy tells production from staging by the AWS provider's `parity:environment` default tag;
 * a stack without it, or an AWS resource on another provider, would be judged as the wrong environment.
 */
function reportEnvironmentProblems(resources: PolicyResource[], report: ReportViolation): void {
  const fix = "Fix: create every AWS resource with the explicit provider from index.ts, whose `defaultTags.tags[\"parity:environment\"]` is the `environment` setting";
  if (stackEnvironment(resources) === undefined) {
    report(`No \`pulumi:providers:aws\` resource carries the default tag \`parity:environment\`, so the pack cannot tell whether this stack is production. ${fix}.`);
    return;
  }
  for (const r of resources.filter((x) => x.type.startsWith("aws:") && providerEnvironment(x.provider) === undefined)) {
    report(`${describeResource(r)} does not use the stack's tagged AWS provider (\`parity:environment\`), so it escapes the environment's rules and its tags. ${fix}.`, r.urn);
  }
}

export const stackParity: StackValidationPolicy = {
  name: "stack-parity",
  description: "Every structural property, resource and env var key equals production's (parity.lock.json) unless known-differences.yaml declares the difference.",
  enforcementLevel: "mandatory",
  configSchema: stackParitySchema,
  validateStack: (args, report) => {
    reportEnvironmentProblems(args.resources, report);
    reportDivergences(compareWithLock(args.resources, args.getConfig<StackParityConfig>()), report);
  },
};

/**
 * The other half of "declared differences are reported, not rejected": an advisory note per
 * declared difference and per value unknown until deployment (never counted as a match).
 */
export const parityNotes: StackValidationPolicy = {
  name: "parity-notes",
  description: "Notes (advisory): the declared differences this stack has from production, and values that stay unknown until deployment.",
  enforcementLevel: "advisory",
  configSchema: declaredDifferencesSchema,
  validateStack: (args, report) => {
    const c = compareWithLock(args.resources, args.getConfig<DeclaredDifferencesConfig>());
    for (const d of c.cmp.presence) {
      if (d.class === "declared") report(`\`${d.resourceKey}\` exists only in ${d.onlyIn === "staging" ? "this stack" : "production"}, as declared by \`${d.declaredBy}\` in known-differences.yaml.`, c.urnOf(d.resourceKey));
    }
    for (const g of elementGroups(c.cmp.properties.filter((d) => d.class === "declared"), c.cmp.env.filter((d) => d.class === "declared"))) {
      const by = g.properties[0]?.declaredBy ?? g.env[0]?.declaredBy;
      report(`\`${g.resourceKey}\` list element \`${g.element.path}\` exists only in ${g.element.onlyIn === "staging" ? "this stack" : "production"} (${elementContents(g)}), as declared by \`${by}\`.`, c.urnOf(g.resourceKey));
    }
    for (const d of c.cmp.properties) {
      if (d.class === "declared" && !d.element) report(`\`${d.resourceKey}\` \`${d.path}\` is ${shown(d.path, d.staging)} here and ${shown(d.path, d.production)} in production, as declared by \`${d.declaredBy}\`.`, c.urnOf(d.resourceKey));
      if (d.unplaced) {
        // In production it is stack-parity's finding instead: the lock is stale.
        if (!c.isProduction) report(`\`${d.resourceKey}\` \`${d.path}\` is ${shown(d.path, d.staging)} here, ${UNPLACED_NOTE}: a default the offline provider model lacks (add it under tools/offline/provider-model and run \`npm run parity:lock\`), or a setting only this stack makes (\`npm run parity\` compares the two programs and says which).`, c.urnOf(d.resourceKey));
      } else if (d.class === "unknown" && d.staging !== undefined) {
        // Paths beneath an unknown value are covered by the note on that value.
        report(`\`${d.resourceKey}\` \`${d.path}\` is unknown until deployment, so its parity with production (${shown(d.path, d.production)}) is not proven by this preview.`, c.urnOf(d.resourceKey));
      }
    }
    for (const d of c.cmp.env) {
      if (d.class === "declared" && !d.element) report(`Env var \`${d.key}\` of \`${d.service}\` differs from production as declared by \`${d.declaredBy}\` (${d.secret ? "[secret]" : `${d.staging ?? "(not set)"} here, ${d.production ?? "(not set)"} in production`}).`);
    }
  },
};
