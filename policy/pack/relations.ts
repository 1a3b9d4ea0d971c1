import { PolicyResource } from "@pulumi/policy";
import { BUCKET_TYPES } from "../types";
import { isUnknown, raw } from "./raw";
import { stringsIn } from "./resources";

/** Who references whom among a stack's resources, as the stack policies ask it. */

/** Whether `r` references `target` (its dependencies or one of its property values). */
export function dependsOn(r: PolicyResource, target: PolicyResource): boolean {
  if (r.dependencies.some((d) => d.urn === target.urn)) return true;
  if (Object.values(r.propertyDependencies).some((ds) => ds.some((d) => d.urn === target.urn))) return true;
  const t = raw(target.props);
  const ids = [t.id, t.bucket, t.arn, t.url].filter((x): x is string => typeof x === "string" && !isUnknown(x));
  return stringsIn(raw(r.props)).some((s) => ids.includes(s));
}

/** The resources whose type starts with `typePrefix` that reference `target`. */
export function attached(
  resources: readonly PolicyResource[],
  target: PolicyResource,
  typePrefix: string,
): PolicyResource[] {
  return resources.filter((r) => r.type.startsWith(typePrefix) && dependsOn(r, target));
}

/** The stack's S3 buckets, in either of aws 7's shapes. */
export function buckets(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => BUCKET_TYPES.includes(r.type));
}
