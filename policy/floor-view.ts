import { PolicyResource } from "@pulumi/policy";
import { declaredInputsOf } from "./declared";
import { isPulumiSecret } from "./flatten";
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

/** The properties of `r` that name `target` (see `refersTo`). */
export function propertiesReferring(r: PolicyResource, target: PolicyResource): string[] {
  const props = new Set([...Object.keys(r.propertyDependencies), ...Object.keys(declaredView(r)), ...Object.keys(raw(r.props))]);
  return [...props].filter((p) => refersTo(r, p, target));
}

/** A value as a list of strings (IAM's "one or many"). */
export function strings(v: unknown): string[] {
  const x = plain(v);
  if (x === undefined || x === null) return [];
  return (Array.isArray(x) ? x : [x]).map(plain).filter((s): s is string => typeof s === "string");
}
