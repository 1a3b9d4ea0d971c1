import { PolicyResource } from "@pulumi/policy";
import {
  comparePrints,
  ElementDiff,
  EnvDiff,
  printStack,
  PropertyDiff,
  showValue,
  StackComparison,
} from "../engine/compare";
import { pathWithin } from "../engine/elements";
import { SECRET_SHOWN } from "../engine/flatten";
import { declarationScopeProblems, scopeOf } from "../engine/known-differences";
import { lockPrints } from "../engine/lock";
import { StackParityConfig } from "./config";
import { knownDifferencesFor, lockFor } from "./files";
import { comparable, stackEnvironment } from "./resources";

/**
 * This stack against production's fingerprint (parity.lock.json), as stack-parity and parity-notes
 * both read it: the comparison, what the declarations reach that they may not, and how a value or a
 * list element only one side has is shown.
 */

// Values are shown as they are: secrets are masked by what they are, not by what a setting is about.
// flatten() turns every Pulumi secret into `[secret]` and ECS `secrets` entries are env diffs marked
// `secret`, so `accessTokenValidity: 60` reads 60. Inside the pack, though, the policy SDK has already
// unwrapped Pulumi secrets (deserializeProperties), so their marker is gone: a property that *is* a
// credential (`masterPassword`, `clientSecret`, `privateKey`, `apiKey`) is masked by that last name.
const CREDENTIAL_LEAF = /(password|passphrase|secret|privatekey|apikey|^token)$/i;

export function shown(path: string, v: unknown): string {
  const leaf =
    path
      .split(/[.[\]"]+/)
      .filter(Boolean)
      .pop() ?? path;
  return v !== undefined && CREDENTIAL_LEAF.test(leaf) ? SECRET_SHOWN : showValue(v);
}

export interface Comparison {
  readonly cmp: StackComparison;
  /** What the declarations reach in this stack that they may not (see declarationScopeProblems). */
  readonly scopeProblems: readonly string[];
  readonly isProduction: boolean;
  readonly urnOf: (key: string) => string | undefined;
}

export function compareWithLock(resources: PolicyResource[], config: StackParityConfig): Comparison {
  const lock = lockFor(config);
  const known = knownDifferencesFor(config);
  const stack = comparable(resources);
  const prints = printStack(stack);
  const cmp = comparePrints(prints, lockPrints(lock), known);
  // The lock knows production's resources only; a staging-only resource is judged here, in its stack.
  const scopeProblems = declarationScopeProblems(known, scopeOf(prints.values()));
  const urns = new Map(stack.map((r) => [r.urn.split("::").slice(2).join("::"), r.urn]));
  const environment = stackEnvironment(resources);
  return {
    cmp,
    scopeProblems,
    isProduction: environment !== undefined && environment === lock.production.environment,
    urnOf: (k) => urns.get(k),
  };
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
    const owner = [...groups.values()].find(
      (g) => g.resourceKey.endsWith(`::${resource}`) && g.element.path === d.element?.path,
    );
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
