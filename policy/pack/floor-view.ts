import { PolicyResource } from "@pulumi/policy";
import { declaredInputsOf } from "./declared";
import { isPulumiSecret } from "../engine/flatten";
import { isUnknown, raw, stringsIn } from "./resources";

/**
 * How the security floor reads a resource: what the program declared (the `Analyze` inputs the
 * `declared-inputs` policy recorded), and where `Analyze` never saw the resource or saw a property
 * unknown, its outputs. Declarations first, because a security group's outputs also list the rules
 * standalone rule resources added (the floor judges each rule where it is declared, once).
 */
export function declaredView(r: PolicyResource): Record<string, unknown> {
  const outputs = raw(r.props);
  const declared = declaredInputsOf(r.urn);
  if (!declared) return outputs;
  const view: Record<string, unknown> = { ...declared };
  for (const [k, v] of Object.entries(view)) if (isUnknown(v) && outputs[k] !== undefined) view[k] = outputs[k];
  return view;
}

/** A value with Pulumi's secret wrapper taken off (the floor reads it, never prints it). */
export function plain(v: unknown): unknown {
  return isPulumiSecret(v) ? v.value : v;
}

/** The ids and ARNs a deploy gave `target`, as other resources' values name it. */
function idsOf(target: PolicyResource): string[] {
  const t = raw(target.props);
  return [t.id, t.arn].filter((x): x is string => typeof x === "string" && x !== "" && !isUnknown(x));
}

/**
 * Whether `r`'s property `prop` names `target`: by property dependency (known even on a first
 * deploy, when ids are unknown), or by `target`'s id or ARN in the value (deployed state, where a
 * caller may send no dependencies).
 */
export function refersTo(r: PolicyResource, prop: string, target: PolicyResource): boolean {
  if ((r.propertyDependencies[prop] ?? []).some((d) => d.urn === target.urn)) return true;
  const ids = idsOf(target);
  if (ids.length === 0) return false;
  const values = [...stringsIn(declaredView(r)[prop]), ...stringsIn(raw(r.props)[prop])];
  return values.some((s) => ids.includes(s));
}

/**
 * Who names whom in one stack, built once: "what uses this group" is then a lookup instead of a scan
 * of every resource's every property for every group (quadratic: minutes on a 19,000-resource
 * export). A resource names a target as `refersTo` says: by property dependency, or by the target's
 * id or ARN in the property's declared or output value.
 */
export class Referrers {
  private readonly byKey = new Map<string, Map<PolicyResource, Set<string>>>();

  constructor(resources: readonly PolicyResource[], include: (r: PolicyResource) => boolean) {
    for (const r of resources) {
      if (!include(r)) continue;
      for (const [prop, deps] of Object.entries(r.propertyDependencies))
        for (const d of deps) this.add(`urn:${d.urn}`, r, prop);
      const view = declaredView(r);
      const outputs = raw(r.props);
      for (const prop of new Set([...Object.keys(view), ...Object.keys(outputs)])) {
        for (const s of [...stringsIn(view[prop]), ...stringsIn(outputs[prop])]) this.add(`id:${s}`, r, prop);
      }
    }
  }

  /** The resources that name `target`, each with the properties that name it. */
  of(target: PolicyResource): Map<PolicyResource, Set<string>> {
    const out = new Map<PolicyResource, Set<string>>();
    for (const key of [`urn:${target.urn}`, ...idsOf(target).map((id) => `id:${id}`)]) {
      for (const [r, props] of this.byKey.get(key) ?? []) {
        const seen = out.get(r) ?? new Set<string>();
        for (const p of props) seen.add(p);
        out.set(r, seen);
      }
    }
    return out;
  }

  private add(key: string, r: PolicyResource, prop: string): void {
    const users = this.byKey.get(key) ?? new Map<PolicyResource, Set<string>>();
    this.byKey.set(key, users);
    const props = users.get(r) ?? new Set<string>();
    users.set(r, props.add(prop));
  }
}

/** A value as a list of strings (IAM's "one or many"). */
export function strings(v: unknown): string[] {
  const x = plain(v);
  return (Array.isArray(x) ? x : [x]).map(plain).filter((s): s is string => typeof s === "string");
}
