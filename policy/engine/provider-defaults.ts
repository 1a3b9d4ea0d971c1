import { SECRET_SIG } from "./flatten";

/**
 * Provider defaults: what a Terraform-bridged provider's `Check` filled in, as opposed to what the
 * program declared. Each object level of its checked inputs lists the keys it defaulted in
 * `__defaults`; the engine strips that list before `Analyze` (`SkipInternalKeys`,
 * pkg/resource/plugin/analyzer_plugin.go), but the offline provider model's snapshots and a
 * `pulumi stack export` keep it, and there the keys it names are split off exactly (see
 * pack/declared.ts for the two views the engine sends a pack).
 */

/** Keys a bridged provider adds to a property map: which keys it defaulted, and its own metadata. */
const BRIDGE_KEYS = new Set(["__defaults", "__meta"]);

/**
 * A property map without the keys a bridged provider's `Check` filled in: each object's
 * `__defaults` names its defaulted keys (`{"__defaults": ["forceDestroy"], "forceDestroy": false}`
 * declares nothing). Applied at every level, since nested objects carry their own list.
 */
export function withoutProviderDefaults(props: Record<string, unknown>): Record<string, unknown> {
  return strip(props) as Record<string, unknown>;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== "object" || value === null) return value;
  const o = value as Record<string, unknown>;
  const defaulted = defaultedKeys(o);
  // Not a property map at all (an asset, an archive, a secret marker): keep as is.
  if (!defaulted && !Object.keys(o).some((k) => BRIDGE_KEYS.has(k)) && isSpecial(o)) return o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (BRIDGE_KEYS.has(k) || defaulted?.has(k)) continue;
    out[k] = strip(v);
  }
  return out;
}

/** The keys an object's `__defaults` names, or undefined when it has no such list. */
function defaultedKeys(o: Record<string, unknown>): Set<string> | undefined {
  return Array.isArray(o.__defaults)
    ? new Set(o.__defaults.filter((k): k is string => typeof k === "string"))
    : undefined;
}

/** A secret, asset or archive in the wire encoding: a value, not a property map. */
function isSpecial(o: Record<string, unknown>): boolean {
  return SECRET_SIG in o;
}

/**
 * The other half: only what `__defaults` names, at every level (undefined when nothing is named).
 * The offline provider model's checked inputs carry the list; the engine strips it before `Analyze`.
 */
export function providerDefaultsOf(props: Record<string, unknown>): Record<string, unknown> | undefined {
  const picked = pick(props);
  return picked === undefined ? undefined : (picked as Record<string, unknown>);
}

function pick(value: unknown): unknown {
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    isSpecial(value as Record<string, unknown>)
  )
    return undefined;
  const o = value as Record<string, unknown>;
  const defaulted = defaultedKeys(o) ?? new Set<string>();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (BRIDGE_KEYS.has(k)) continue;
    if (defaulted.has(k)) out[k] = strip(v);
    else {
      const inner = pick(v);
      if (inner !== undefined) out[k] = inner;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
