import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { EnvDiff, PresenceDiff, PropertyDiff, UNPLACED_NOTE } from "../engine/compare";
import { stackParitySchema, StackParityConfig } from "../pack/config";
import {
  Comparison,
  compareWithLock,
  elementContents,
  ElementGroup,
  elementGroups,
  shown,
} from "../pack/parity-comparison";
import { PARITY_CONTRACT_DOC } from "../pack/docs";
import { describeResource, providerEnvironment, stackEnvironment } from "../pack/resources";
import { AWS_PACKAGE } from "../types";

export { elementGroups } from "../pack/parity-comparison";
export type { ElementGroup } from "../pack/parity-comparison";

/**
 * Stack parity: this stack against production's fingerprint (parity.lock.json). Every structural
 * property, every resource and every env var key must match unless known-differences.yaml declares
 * the difference. Run on production itself, the same check says the lock is out of date.
 */

const DECLARE =
  "or, if the difference is deliberate, declare it in known-differences.yaml (id, what, why, howToTestSafely, and the resources/properties/env it covers)";

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
  const what =
    d.onlyIn === "staging"
      ? `\`${d.resourceKey}\` (${d.resourceType}, component ${d.component}) exists in this stack but not in production (parity.lock.json)`
      : `\`${d.resourceKey}\` (${d.resourceType}, component ${d.component}) exists in production (parity.lock.json) but this stack does not create it`;
  return `${what}. ${fixFor(isProduction)}.`;
}

export function envMessage(d: EnvDiff, isProduction: boolean): string {
  if (d.staging === undefined || d.production === undefined) {
    const where =
      d.staging === undefined
        ? "production sets it and this stack does not"
        : "this stack sets it and production does not";
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

export function elementMessage(g: ElementGroup, isProduction: boolean): string {
  const lock = isProduction ? "parity.lock.json" : "production (parity.lock.json)";
  const where =
    g.element.onlyIn === "staging"
      ? `exists in this stack but not in ${lock}; it holds`
      : `exists in ${lock} but not in this stack; production's holds`;
  const fix =
    isProduction || g.element.onlyIn === "production"
      ? fixFor(isProduction)
      : `Fix: remove it from this stack, or add it to production too (in code, then \`npm run parity:lock\` and commit the lock), ${DECLARE}`;
  return `\`${g.resourceKey}\`${g.resourceType ? ` (${g.resourceType})` : ""} list element \`${g.element.path}\` ${where} ${elementContents(g)}. ${fix}.`;
}

function reportDivergences(c: Comparison, report: ReportViolation): void {
  for (const p of c.scopeProblems) report(`known-differences.yaml declaration ${p}`);
  // Production is the lock's source: any difference from it means a stale lock, declared or not, so a
  // declaration (meant for staging) can never hide it.
  const diverges = (cls: string) => cls === "divergent" || (c.isProduction && cls === "declared");
  for (const d of c.cmp.presence)
    if (diverges(d.class)) report(presenceMessage(d, c.isProduction), c.urnOf(d.resourceKey));
  const properties = c.cmp.properties.filter((d) => diverges(d.class));
  const env = c.cmp.env.filter((d) => diverges(d.class));
  // An element only one side has is one violation, however many leaves it holds.
  for (const g of elementGroups(properties, env)) report(elementMessage(g, c.isProduction), c.urnOf(g.resourceKey));
  for (const d of properties) if (!d.element) report(propertyMessage(d, c.isProduction), c.urnOf(d.resourceKey));
  for (const d of env) if (!d.element) report(envMessage(d, c.isProduction));
  if (c.isProduction)
    for (const d of c.cmp.properties) if (d.unplaced) report(unplacedInProductionMessage(d), c.urnOf(d.resourceKey));
}

/**
 * Every policy tells production from staging by the AWS provider's `parity:environment` default tag;
 * a stack without it, or an AWS resource on another provider, would be judged as the wrong environment.
 */
function reportEnvironmentProblems(resources: PolicyResource[], report: ReportViolation): void {
  if (stackEnvironment(resources) === undefined) {
    report(
      `No \`pulumi:providers:aws\` resource carries the default tag \`parity:environment\`, so the pack cannot tell whether this stack is production.`,
    );
    return;
  }
  for (const r of resources.filter(
    (x) => x.type.startsWith(AWS_PACKAGE) && providerEnvironment(x.provider) === undefined,
  )) {
    report(
      `${describeResource(r)} does not use the stack's tagged AWS provider (\`parity:environment\`), so it escapes the environment's rules and its tags.`,
      r.urn,
    );
  }
}

export const stackParity: StackValidationPolicy = {
  name: "stack-parity",
  description:
    "Every structural property, resource and env var key equals production's (parity.lock.json) unless known-differences.yaml declares the difference.",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Each message says which way to fix its difference. In staging: build it the way production does (structural settings live in code and Pulumi.yaml defaults, not in stack files), or, if the difference is deliberate, declare it in known-differences.yaml. In production: if production is meant to change, run `npm run parity:lock` and commit parity.lock.json so reviewers see the change; otherwise revert it. A resource the pack cannot place in an environment: create every AWS resource with the explicit provider from index.ts, whose `defaultTags.tags["parity:environment"]` is the `environment` setting.',
  url: PARITY_CONTRACT_DOC,
  configSchema: stackParitySchema,
  validateStack: (args, report) => {
    reportEnvironmentProblems(args.resources, report);
    reportDivergences(compareWithLock(args.resources, args.getConfig<StackParityConfig>()), report);
  },
};
