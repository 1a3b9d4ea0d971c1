import { PULUMI_UNKNOWN } from "../engine/flatten";

/**
 * The policy SDK wraps properties in a proxy that throws on the first unknown value, which would
 * silently skip a whole stack policy in a preview; policies read the raw values instead, so an
 * unknown is seen (and reported as unknown) rather than turning the check off.
 */
export function raw(props: unknown): Record<string, unknown> {
  if (typeof props !== "object" || props === null) return {};
  const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
  return (target ?? props) as Record<string, unknown>;
}

export function isUnknown(v: unknown): boolean {
  return v === PULUMI_UNKNOWN;
}
