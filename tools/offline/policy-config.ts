import * as fs from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import { parseErrorPlace } from "../../policy/show-value";

/**
 * Policy configuration the way `pulumi preview --policy-pack-config FILE` resolves it before calling
 * the pack's `Configure`: the file maps a policy name (or `all`) to an enforcement level or to an
 * object with `enforcementLevel` and the policy's own properties; those are layered over the pack's
 * initial config and its schema defaults, and validated against the policy's `configSchema`.
 */

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevelName = (typeof ENFORCEMENT_LEVELS)[number];

export type PolicyConfigInput = Record<string, { enforcementLevel?: string; [k: string]: unknown } | string>;

export interface PolicySummary {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevelName;
  readonly type: "resource" | "stack" | "unknown";
  readonly configSchema?: { readonly properties: Record<string, unknown>; readonly required: readonly string[] };
}

export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly displayName?: string;
  readonly policies: readonly PolicySummary[];
  /** The pack's own `initialConfig`, per policy. */
  readonly initialConfig: Readonly<Record<string, InitialPolicyConfig>>;
}

export interface InitialPolicyConfig {
  readonly enforcementLevel?: EnforcementLevelName;
  readonly properties: Record<string, unknown>;
}

export interface ResolvedPolicyConfig {
  readonly enforcementLevel: EnforcementLevelName;
  readonly properties: Record<string, unknown>;
}

/** The policy config file or the values in it are wrong; the message names the file, key and fix. */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyConfigError";
  }
}

export function readPolicyConfigFile(file: string): PolicyConfigInput {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new PolicyConfigError(`Policy config file ${file} does not exist; pass a JSON file such as {"all": "mandatory"}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // The place only: JSON.parse quotes the file's first bytes, and the file may be anyone's.
    throw new PolicyConfigError(`Policy config file ${file} is not valid JSON (${parseErrorPlace(e)}); it maps policy names to a level or to {"enforcementLevel": ..., <properties>}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PolicyConfigError(`Policy config file ${file} must be a JSON object of policy name → config.`);
  }
  return parsed as PolicyConfigInput;
}

/** Every policy's effective level and properties, or a `PolicyConfigError` listing every problem. */
export function resolvePolicyConfig(info: AnalyzerInfo, input: PolicyConfigInput = {}, source = "policy config"): Record<string, ResolvedPolicyConfig> {
  const problems: string[] = [];
  const known = new Set(info.policies.map((p) => p.name));
  const entries = new Map<string, { level?: string; properties: Record<string, unknown> }>();
  for (const [name, value] of Object.entries(input)) {
    if (name !== "all" && !known.has(name)) {
      problems.push(`\`${name}\` is not a policy in pack ${info.name} (policies: ${[...known].join(", ")}).`);
      continue;
    }
    if (typeof value === "string") {
      entries.set(name, { level: value, properties: {} });
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value;
      entries.set(name, { level: enforcementLevel, properties });
    } else {
      problems.push(`\`${name}\` must be an enforcement level or an object with \`enforcementLevel\` and properties.`);
    }
  }
  for (const [name, entry] of entries) {
    if (entry.level !== undefined && !ENFORCEMENT_LEVELS.includes(entry.level as EnforcementLevelName)) {
      problems.push(`\`${name}\` has enforcement level ${JSON.stringify(entry.level)}; use one of ${ENFORCEMENT_LEVELS.join(", ")}.`);
    }
  }
  const all = entries.get("all")?.level as EnforcementLevelName | undefined;

  const resolved: Record<string, ResolvedPolicyConfig> = {};
  for (const policy of info.policies) {
    const initial = info.initialConfig[policy.name];
    const own = entries.get(policy.name);
    const properties = { ...(initial?.properties ?? {}), ...(own?.properties ?? {}) };
    const level = (own?.level ?? all ?? initial?.enforcementLevel ?? policy.enforcementLevel) as EnforcementLevelName;
    if (policy.configSchema) {
      const validate = validatorOf(info, policy.name, policy.configSchema);
      if (!validate(properties)) {
        for (const err of validate.errors ?? []) {
          problems.push(`\`${policy.name}\`${err.instancePath ? ` ${err.instancePath}` : ""} ${err.message ?? "is invalid"} (${JSON.stringify(err.params)}).`);
        }
      }
    } else if (Object.keys(own?.properties ?? {}).length > 0) {
      problems.push(`\`${policy.name}\` takes no configuration, only an enforcement level.`);
    }
    resolved[policy.name] = { enforcementLevel: level, properties };
  }
  if (problems.length > 0) {
    throw new PolicyConfigError(`Invalid ${source} for policy pack ${info.name}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return resolved;
}

/**
 * Each policy's config validator, compiled once per pack (its AnalyzerInfo): compiling the pack's
 * schemas cost more than the rest of a Configure, and a test run configures a pack hundreds of times.
 */
const validators = new WeakMap<AnalyzerInfo, { readonly ajv: Ajv; readonly byPolicy: Map<string, ValidateFunction> }>();

function validatorOf(info: AnalyzerInfo, policy: string, schema: NonNullable<AnalyzerInfo["policies"][number]["configSchema"]>): ValidateFunction {
  let pack = validators.get(info);
  if (!pack) {
    pack = { ajv: new Ajv({ useDefaults: true, allErrors: true, strict: false }), byPolicy: new Map() };
    validators.set(info, pack);
  }
  let validate = pack.byPolicy.get(policy);
  if (!validate) {
    validate = pack.ajv.compile({ type: "object", properties: schema.properties, required: [...schema.required] });
    pack.byPolicy.set(policy, validate);
  }
  return validate;
}
