import * as fs from "node:fs";
import { parseErrorPlace } from "../../policy/engine/show-value";
import { ENFORCEMENT_LEVELS, type AnalyzerInfo, type EnforcementLevelName } from "./policy-types";
import {
  reconcilePolicyConfig,
  type PolicyConfigLayer,
  type PolicyConfigLayerEntry,
  type ResolvedPolicyConfig,
} from "./policy-reconcile";

/**
 * Policy configuration the way `pulumi preview --policy-pack-config FILE` reads it: the file maps a
 * policy name (or `all`) to an enforcement level or to an object with `enforcementLevel` and the
 * policy's own properties (pkg/resource/analyzer/config.go parsePolicyPackConfig); it is then
 * reconciled with the pack's defaults and initialConfig (policy-reconcile.ts) and validated.
 */

export { ENFORCEMENT_LEVELS } from "./policy-types";
export type { AnalyzerInfo, EnforcementLevelName, InitialPolicyConfig, PolicySummary } from "./policy-types";
export type { ResolvedPolicyConfig } from "./policy-reconcile";

export type PolicyConfigInput = Record<string, { enforcementLevel?: string; [k: string]: unknown } | string>;

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
    throw new PolicyConfigError(
      `Policy config file ${file} does not exist; pass a JSON file such as {"all": "mandatory"}.`,
    );
  }
  // As LoadPolicyPackConfigFromFile: an empty file is no config at all.
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // The place only: JSON.parse quotes the file's first bytes, and the file may be anyone's.
    throw new PolicyConfigError(
      `Policy config file ${file} is not valid JSON (${parseErrorPlace(e)}); it maps policy names to a level or to {"enforcementLevel": ..., <properties>}.`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PolicyConfigError(`Policy config file ${file} must be a JSON object of policy name → config.`);
  }
  return parsed as PolicyConfigInput;
}

/**
 * The user's config as an engine config layer (parsePolicyPackConfig: a string is a level, an object
 * may carry `enforcementLevel` beside its properties, an entry with neither is dropped), with one
 * problem per bad entry. Stricter than the CLI in one way, on purpose: a name that is neither `all`
 * nor one of the pack's policies is refused (the CLI passes it on and the pack ignores it, so a
 * typo silently configures nothing).
 */
export function parsePolicyConfig(
  info: AnalyzerInfo,
  input: PolicyConfigInput,
): { layer: PolicyConfigLayer; problems: string[] } {
  const problems: string[] = [];
  const known = new Set(info.policies.map((p) => p.name));
  const layer: Record<string, PolicyConfigLayerEntry> = {};
  const levelOf = (name: string, value: unknown): EnforcementLevelName | undefined | null => {
    if (value === undefined) return undefined;
    if (typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value))
      return value as EnforcementLevelName;
    problems.push(
      `\`${name}\` has enforcement level ${JSON.stringify(value)}; use one of ${ENFORCEMENT_LEVELS.join(", ")}.`,
    );
    return null;
  };
  for (const [name, value] of Object.entries(input)) {
    if (name !== "all" && !known.has(name)) {
      problems.push(`\`${name}\` is not a policy in pack ${info.name} (policies: ${[...known].join(", ")}).`);
      continue;
    }
    let level: EnforcementLevelName | undefined | null;
    let properties: Record<string, unknown> = {};
    if (typeof value === "string") {
      level = levelOf(name, value);
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const { enforcementLevel, ...rest } = value;
      level = levelOf(name, enforcementLevel);
      properties = rest;
    } else {
      problems.push(`\`${name}\` must be an enforcement level or an object with \`enforcementLevel\` and properties.`);
      continue;
    }
    if (level === null) continue;
    if (level === undefined && Object.keys(properties).length === 0) continue;
    layer[name] = {
      ...(level ? { enforcementLevel: level } : {}),
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
    };
  }
  return { layer, problems };
}

/** Every policy's effective level and properties (what Configure gets), or a `PolicyConfigError` listing every problem. */
export function resolvePolicyConfig(
  info: AnalyzerInfo,
  input: PolicyConfigInput = {},
  source = "policy config",
): Record<string, ResolvedPolicyConfig> {
  const { layer, problems } = parsePolicyConfig(info, input);
  const reconciled = reconcilePolicyConfig(info, layer);
  const all = [...problems, ...reconciled.problems];
  if (all.length > 0) {
    throw new PolicyConfigError(
      `Invalid ${source} for policy pack ${info.name}:\n${all.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  return reconciled.config;
}
