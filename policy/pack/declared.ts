import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { SECRET_SIG } from "../engine/flatten";
import { raw } from "./raw";

/**
 * What the program declared for each resource, as opposed to what its provider filled in.
 *
 * The engine sends a pack two views of a resource (pulumi/pulumi pkg/resource/deploy/step_generator.go):
 * - `Analyze`, once per resource before its step, gets the provider-*checked inputs*: the program's
 *   inputs plus what `Check` added (autonames, schema defaults). A Terraform-bridged provider (aws,
 *   random, tls) lists what it added in `__defaults` at every object level, but the engine marshals
 *   analyzer requests with `SkipInternalKeys` (pkg/resource/plugin/analyzer_plugin.go), so the pack
 *   sees the filled-in values without the list. parity.lock.json therefore records production's
 *   provider defaults (`providerDefaults`): a stack showing the same value there declares nothing.
 * - `AnalyzeStack`, once after the whole preview or update, gets each resource's *outputs*: the
 *   provider's state, with `region`, `tagsAll`, ids, ARNs and every schema default, which no program
 *   declared and which differ on every deploy.
 * `pulumi policy analyze` sends the same two views from a deployed stack's state (state inputs to
 * `Analyze`, outputs to `AnalyzeStack`; pkg/resource/deploy/analyze_snapshot.go).
 *
 * The stack policies compare what the program declares, so they read each resource's `Analyze`
 * inputs, recorded here by the `declared-inputs` policy as the engine sends them, in the same pack
 * process, before it calls `AnalyzeStack`. A resource never analyzed (read with `.get`, or a
 * caller that skips `Analyze`) falls back to its outputs, compared only where production declares
 * a value (see compare.ts). Where `__defaults` is still present (the offline provider model's
 * snapshots, a `pulumi stack export`), the keys it names are split off exactly.
 */

/** Keys a bridged provider adds to a property map: which keys it defaulted, and its own metadata. */
const BRIDGE_KEYS = new Set(["__defaults", "__meta"]);

const recorded = new Map<string, Record<string, unknown>>();

/**
 * Records every resource's inputs as `Analyze` delivers them. It never reports: a policy is the only
 * hook the SDK gives a pack into `Analyze`. It is also a stack policy, listed last in the pack, so it
 * runs after every other stack policy of an `AnalyzeStack` call and forgets that run's
 * declarations: a later run in the same process that sends no `Analyze` (a long-lived analyzer, the
 * offline harness) falls back to outputs instead of reading another run's inputs. Disabling it
 * through policy config makes the stack policies compare outputs only.
 */
export const declaredInputs = {
  name: "declared-inputs",
  description: "Records what the program declares for each resource (Analyze's checked inputs; provider defaults are dropped where they are read) so the stack policies compare declarations, not provider-filled outputs. Never reports.",
  enforcementLevel: "advisory",
  validateResource: (args) => {
    recorded.set(args.urn, raw(args.props));
  },
  validateStack: () => {
    recorded.clear();
  },
} as ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack">;

/** The checked inputs `Analyze` delivered for `urn` in this process, if it did. */
export function declaredInputsOf(urn: string): Record<string, unknown> | undefined {
  return recorded.get(urn);
}

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
  return Array.isArray(o.__defaults) ? new Set(o.__defaults.filter((k): k is string => typeof k === "string")) : undefined;
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
  if (typeof value !== "object" || value === null || Array.isArray(value) || isSpecial(value as Record<string, unknown>)) return undefined;
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
