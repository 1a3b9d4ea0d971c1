import { isDeepStrictEqual } from "node:util";
import { analyzedInputs } from "./analyzer-requests";
import type { PolicyVerdict } from "./analyzer";
import type { CollectedResource } from "./snapshot";

/**
 * Remediate's answers and what a preview does with them (pkg/resource/deploy/step_generator.go,
 * the `remediate` pass): each remediation's properties are the resource's whole new inputs, used
 * "from this point onwards" — by Analyze, by the step (the plan) and so by AnalyzeStack.
 */

export interface Remediation {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  /** The resource's properties after the remediation (absent when it only reports a diagnostic). */
  readonly properties?: Record<string, unknown>;
  /** Why the remediation could not run (the engine reports it as an advisory violation). */
  readonly diagnostic?: string;
}

/** Top-level properties a remediation set, changed or removed: what the report names (never values). */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !isDeepStrictEqual(before[k], after[k])).sort();
}

/**
 * The resource with the remediated properties as its checked inputs. Its outputs are the provider
 * model's answer to the old inputs; offline no provider runs again, so the changed properties are
 * carried into the outputs as they are (what a create preview's planned state shows for them).
 */
export function applyRemediation(r: CollectedResource, properties: Record<string, unknown>): CollectedResource {
  const before = analyzedInputs(r);
  const keys = changedKeys(before, properties);
  if (keys.length === 0) return r;
  if (!r.custom) return { ...r, checkedInputs: properties };
  const outputs = { ...r.outputs };
  for (const k of keys) {
    if (k in properties) outputs[k] = properties[k];
    else delete outputs[k];
  }
  return { ...r, checkedInputs: properties, outputs };
}

/** The report of one remediation: the CLI prints it as a `remediated` policy event on the resource. */
export function remediationVerdict(
  m: Remediation,
  before: CollectedResource,
  after: CollectedResource,
  applied: boolean,
): PolicyVerdict {
  const keys = changedKeys(analyzedInputs(before), m.properties ?? analyzedInputs(after));
  return {
    policyPackName: m.policyPackName,
    policyPackVersion: m.policyPackVersion,
    policyName: m.policyName,
    enforcementLevel: "remediate",
    message: `${applied ? "Remediated" : "Would remediate (not applied to deployed state)"}: ${keys.length > 0 ? keys.map((k) => `\`${k}\``).join(", ") : "no property changed"}.`,
    description: m.description,
    phase: "remediation",
    urn: before.urn,
    resourceType: before.type,
    resourceName: before.name,
    remediated: keys,
    applied,
  };
}
