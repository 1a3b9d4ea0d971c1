import { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { AWS_PROVIDER_TYPE, ENVIRONMENT_TAG } from "./contract";
import { ComparableResource } from "./compare";
import { parseJsonString, PULUMI_UNKNOWN } from "./flatten";

/**
 * How policies read what the policy SDK hands them. The SDK wraps properties in a proxy that throws
 * on the first unknown value, which would silently skip a whole stack policy in a preview; these
 * helpers read the raw values instead, so an unknown is seen (and reported as unknown) rather than
 * turning the check off.
 */

/** The raw object behind the SDK's unknown-checking proxy. */
export function raw(props: unknown): Record<string, unknown> {
  if (typeof props !== "object" || props === null) return {};
  const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
  return (target ?? props) as Record<string, unknown>;
}

export function isUnknown(v: unknown): boolean {
  return v === PULUMI_UNKNOWN;
}

/** A JSON-in-string property parsed, an object property as is, anything else undefined. */
export function jsonValue(v: unknown): unknown {
  return parseJsonString(v) ?? (typeof v === "object" && v !== null ? v : undefined);
}

/** The stack's resources in the shape the contract compares. */
export function comparable(resources: readonly PolicyResource[]): ComparableResource[] {
  const parents = new Set(resources.map((r) => r.parent?.urn ?? r.opts.parent).filter((u): u is string => u !== undefined));
  return resources.map((r) => {
    const props = raw(r.props);
    return {
      urn: r.urn,
      type: r.type,
      inputs: props,
      outputs: props,
      parent: r.parent?.urn ?? r.opts.parent,
      options: { protect: r.opts.protect },
      // The SDK does not say which resources are components; a component is a parent with no
      // provider (resources on default providers, e.g. random's, may arrive without one).
      custom: r.provider !== undefined || r.type.startsWith("pulumi:providers:") || !parents.has(r.urn),
    };
  });
}

/** `production`, `staging` or undefined: the AWS provider's `parity:environment` default tag. */
export function providerEnvironment(provider: PolicyProviderResource | PolicyResource | undefined): string | undefined {
  if (!provider || provider.type !== AWS_PROVIDER_TYPE) return undefined;
  const tags = jsonValue(raw(provider.props).defaultTags) as { tags?: Record<string, unknown> } | undefined;
  const env = tags?.tags?.[ENVIRONMENT_TAG];
  return typeof env === "string" ? env : undefined;
}

/** The stack's environment, from its AWS provider resource. */
export function stackEnvironment(resources: readonly PolicyResource[]): string | undefined {
  for (const r of resources) {
    const env = providerEnvironment(r);
    if (env) return env;
  }
  return undefined;
}

/** The environment of the provider a resource uses, falling back to the stack's. */
export function environmentOf(r: PolicyResource, all: readonly PolicyResource[]): string | undefined {
  return providerEnvironment(r.provider) ?? stackEnvironment(all);
}

/** `<name> (<type>)`: how messages name a resource. */
export function describeResource(r: { name: string; type: string }): string {
  return `\`${r.name}\` (${r.type})`;
}

/** Every string inside a value, JSON-in-strings opened. */
export function stringsIn(v: unknown, out: string[] = []): string[] {
  const parsed = parseJsonString(v);
  if (parsed !== undefined) return stringsIn(parsed, out);
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => stringsIn(x, out));
  else if (typeof v === "object" && v !== null) Object.values(v).forEach((x) => stringsIn(x, out));
  return out;
}
