import { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { ComparableResource } from "../engine/compare";
import { ComparableSource, comparableFrom } from "../engine/comparable";
import { ENVIRONMENT_TAG } from "../engine/contract";
import { parseJsonString } from "../engine/flatten";
import { AWS_PROVIDER_TYPE, PROVIDER_TYPE_PREFIX } from "../types";
import { declaredInputsOf } from "./declared";
import { raw } from "./raw";

/**
 * How policies read what the policy SDK hands them: raw values (raw.ts), each resource's declared
 * inputs (declared.ts) in the shape the comparison engine compares (engine/comparable.ts), and the
 * environment a resource belongs to, from the provider it uses.
 */

export { isUnknown, raw } from "./raw";

/** A JSON-in-string property parsed, an object property as is, anything else undefined. */
export function jsonValue(v: unknown): unknown {
  return parseJsonString(v) ?? (typeof v === "object" && v !== null ? v : undefined);
}

/**
 * The stack's resources in the shape the contract compares: what each declares (its `Analyze`
 * inputs without provider defaults; its outputs, compared only where production declares a value,
 * when `Analyze` never saw it), with references to the stack's own resources rewritten by
 * provenance. The providers the resources use are included even when the engine leaves provider
 * resources out of the stack (their inputs arrive with every resource).
 */
export function comparable(resources: readonly PolicyResource[]): ComparableResource[] {
  return comparableFrom(withProviders(resources));
}

/**
 * The stack's resources plus every provider they reference that the stack itself does not list.
 * A provider's inputs are its declaration (the engine sends them with every resource).
 */
function withProviders(resources: readonly PolicyResource[]): ComparableSource[] {
  const parents = new Set(
    resources.map((r) => r.parent?.urn ?? r.opts.parent).filter((u): u is string => u !== undefined),
  );
  const entries: ComparableSource[] = resources.map((r) => {
    const isProvider = r.type.startsWith(PROVIDER_TYPE_PREFIX);
    const props = raw(r.props);
    return {
      urn: r.urn,
      type: r.type,
      declared: declaredInputsOf(r.urn) ?? (isProvider ? props : undefined),
      outputs: props,
      parent: r.parent?.urn ?? r.opts.parent,
      protect: r.opts.protect,
      // The SDK does not say which resources are components; a component is a parent with no
      // provider (resources on default providers, e.g. random's, may arrive without one).
      custom: r.provider !== undefined || isProvider || !parents.has(r.urn),
    };
  });
  const listed = new Set(entries.map((e) => e.urn));
  for (const r of resources) {
    const p = r.provider;
    if (!p || listed.has(p.urn)) continue;
    listed.add(p.urn);
    entries.push({ urn: p.urn, type: p.type, declared: raw(p.props), outputs: raw(p.props), custom: true });
  }
  return entries;
}

/** `production`, `staging` or undefined: the AWS provider's `parity:environment` default tag. */
export function providerEnvironment(provider: PolicyProviderResource | PolicyResource | undefined): string | undefined {
  if (!provider || provider.type !== AWS_PROVIDER_TYPE) return undefined;
  const tags = jsonValue(raw(provider.props).defaultTags) as { tags?: Record<string, unknown> } | undefined;
  const env = tags?.tags?.[ENVIRONMENT_TAG];
  return typeof env === "string" ? env : undefined;
}

/**
 * The AWS providers a stack uses, in order of first use: its provider resources and those its
 * resources reference (`pulumi policy analyze` may send a stack without its provider resources).
 */
export function awsProviders(resources: readonly PolicyResource[]): (PolicyProviderResource | PolicyResource)[] {
  const providers = new Map<string, PolicyProviderResource | PolicyResource>();
  for (const r of resources) {
    if (r.type === AWS_PROVIDER_TYPE) providers.set(r.urn, r);
    else if (r.provider?.type === AWS_PROVIDER_TYPE && !providers.has(r.provider.urn))
      providers.set(r.provider.urn, r.provider);
  }
  return [...providers.values()];
}

/** The stack's environment, from the first AWS provider it uses that names one. */
export function stackEnvironment(resources: readonly PolicyResource[]): string | undefined {
  for (const p of awsProviders(resources)) {
    const env = providerEnvironment(p);
    if (env) return env;
  }
  return undefined;
}

/** Whether the stack is production, by its AWS provider's environment tag. */
export function isProductionStack(resources: readonly PolicyResource[]): boolean {
  return stackEnvironment(resources) === "production";
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
