import Ajv, { type ValidateFunction } from "ajv";
import { ENFORCEMENT_LEVELS, type AnalyzerInfo, type EnforcementLevelName, type PolicySummary } from "./policy-types";

/**
 * The policy config a pack is `Configure`d with, reconciled the way the Pulumi CLI does it before a
 * preview (pkg/resource/analyzer/config.go ReconcilePolicyPackConfig, called by pkg/engine/update.go
 * installAndLoadPolicyPlugins for every local pack): start from each policy's own level and its
 * schema's top-level defaults (createConfigWithDefaults), apply the pack's `initialConfig` (what
 * `new PolicyPack(name, args, initialConfig)` — e.g. `new AwsGuard({ all: "mandatory" })` — declares),
 * then the user's `--policy-pack-config`, each through applyConfig: an `all` level first sets every
 * policy, then each named entry sets its own level and merges its properties. The result is checked
 * against each policy's config schema (validatePolicyPackConfig). Pure: pack info + user config in,
 * effective levels and properties out, so the verdict line can report what the merge decided.
 */

/** One entry of a config layer as the engine holds it: a level (absent = not given) and properties. */
export interface PolicyConfigLayerEntry {
  readonly enforcementLevel?: EnforcementLevelName;
  readonly properties?: Readonly<Record<string, unknown>>;
}

export type PolicyConfigLayer = Readonly<Record<string, PolicyConfigLayerEntry>>;

export interface ResolvedPolicyConfig {
  readonly enforcementLevel: EnforcementLevelName;
  readonly properties: Record<string, unknown>;
}

export interface Reconciled {
  /**
   * What `Configure` receives: every policy, plus any other key a layer named (the engine keeps an
   * `all` entry, and a name the pack does not have, in the map it sends; the pack ignores them).
   */
  readonly config: Record<string, ResolvedPolicyConfig>;
  /** Each policy's effective level after the merge, by policy name (only the pack's policies). */
  readonly levels: Record<string, EnforcementLevelName>;
  /** Schema violations and levels Configure would refuse, one line each (empty: valid). */
  readonly problems: readonly string[];
}

interface Mutable {
  enforcementLevel?: EnforcementLevelName;
  properties?: Record<string, unknown>;
}

export function reconcilePolicyConfig(info: AnalyzerInfo, user?: PolicyConfigLayer): Reconciled {
  const result = defaultsOf(info.policies);
  applyLayer(result, info.initialConfig);
  if (user) applyLayer(result, user);

  const problems: string[] = [];
  for (const policy of info.policies)
    problems.push(...validate(info, policy, result.get(policy.name)?.properties ?? {}));
  const config: Record<string, ResolvedPolicyConfig> = {};
  for (const [name, entry] of result) {
    // analyzer.Configure (sdk/go/common/resource/plugin/analyzer_plugin.go) refuses an entry with no valid level.
    if (entry.enforcementLevel === undefined) {
      problems.push(
        `\`${name}\` has no enforcement level: give it one of ${ENFORCEMENT_LEVELS.join(", ")} (the CLI's Configure refuses it with "invalid enforcement level").`,
      );
      continue;
    }
    config[name] = { enforcementLevel: entry.enforcementLevel, properties: { ...(entry.properties ?? {}) } };
  }
  const levels: Record<string, EnforcementLevelName> = {};
  for (const p of info.policies) levels[p.name] = config[p.name]?.enforcementLevel ?? p.enforcementLevel;
  return { config, levels, problems };
}

/** createConfigWithDefaults: each policy's level, and the `default` of each top-level schema property. */
function defaultsOf(policies: readonly PolicySummary[]): Map<string, Mutable> {
  const result = new Map<string, Mutable>();
  for (const policy of policies) {
    let properties: Record<string, unknown> | undefined;
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (schema && typeof schema === "object" && "default" in schema)
        (properties ??= {})[key] = (schema as { default: unknown }).default;
    }
    result.set(policy.name, { enforcementLevel: policy.enforcementLevel, ...(properties ? { properties } : {}) });
  }
  return result;
}

/** applyConfig: `all` sets every level already in the result, then each named entry (including `all` itself). */
function applyLayer(result: Map<string, Mutable>, layer: PolicyConfigLayer): void {
  const all = layer["all"]?.enforcementLevel;
  if (all !== undefined) for (const entry of result.values()) entry.enforcementLevel = all;
  for (const [name, given] of Object.entries(layer)) {
    const entry: Mutable = { ...(result.get(name) ?? {}) };
    if (given.enforcementLevel !== undefined) entry.enforcementLevel = given.enforcementLevel;
    const props = given.properties ?? {};
    if (Object.keys(props).length > 0) entry.properties = { ...(entry.properties ?? {}), ...props };
    result.set(name, entry);
  }
}

/**
 * validatePolicyConfig: the properties against `{type: object, properties, required}`, with the
 * `enforcementLevel` property the engine injects into every schema of a pack that supports config
 * (analyzer.GetAnalyzerInfo). No `additionalProperties` rule is added: extra keys pass, as in the CLI.
 */
function validate(info: AnalyzerInfo, policy: PolicySummary, properties: Record<string, unknown>): string[] {
  if (info.supportsConfig === false) return [];
  const check = validatorOf(info, policy);
  if (check(properties)) return [];
  return (check.errors ?? []).map(
    (err) =>
      `\`${policy.name}\`${err.instancePath ? ` ${err.instancePath}` : ""} ${err.message ?? "is invalid"} (${JSON.stringify(err.params)}).`,
  );
}

/**
 * Each policy's validator, compiled once per pack (its AnalyzerInfo): compiling the schemas cost
 * more than the rest of a Configure, and a test run configures a pack hundreds of times.
 */
const validators = new WeakMap<AnalyzerInfo, { readonly ajv: Ajv; readonly byPolicy: Map<string, ValidateFunction> }>();

function validatorOf(info: AnalyzerInfo, policy: PolicySummary): ValidateFunction {
  let pack = validators.get(info);
  if (!pack) {
    // No useDefaults: the engine fills only top-level defaults (above) and gojsonschema fills none.
    pack = { ajv: new Ajv({ allErrors: true, strict: false }), byPolicy: new Map() };
    validators.set(info, pack);
  }
  let validate = pack.byPolicy.get(policy.name);
  if (!validate) {
    const properties = {
      ...(policy.configSchema?.properties ?? {}),
      enforcementLevel: { type: "string", enum: [...ENFORCEMENT_LEVELS] },
    };
    const required = [...(policy.configSchema?.required ?? [])];
    validate = pack.ajv.compile({ type: "object", properties, ...(required.length > 0 ? { required } : {}) });
    pack.byPolicy.set(policy.name, validate);
  }
  return validate;
}
