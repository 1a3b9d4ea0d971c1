import type { EnforcementLevelName, InitialPolicyConfig, PolicyConfigInput } from "./policy-config";

/**
 * Which mandatory policies a `--policy-pack-config` takes below mandatory: a pure function over the
 * pack's declared levels and the config, so the preview's verdict line, `npm run policy`'s summary
 * and the CI gate (tools/policy-config-check.ts) say the same thing. The levels resolve as
 * resolvePolicyConfig (and the CLI) resolve them: the policy's own entry, else `all`, else the pack's
 * initial config, else the policy's declared level.
 */

export interface Downgrade {
  readonly policy: string;
  readonly level: "advisory" | "disabled";
}

/** Levels that stop a deploy; `remediate` fixes and still enforces. */
const ENFORCING: readonly string[] = ["mandatory", "remediate"];
// Disabled first: it is the larger loss.
const BELOW = ["disabled", "advisory"] as const;

function levelOf(value: PolicyConfigInput[string] | undefined): string | undefined {
  if (typeof value === "string") return value;
  return typeof value === "object" && value !== null ? value.enforcementLevel : undefined;
}

export function downgradedPolicies(
  policies: readonly { readonly name: string; readonly enforcementLevel: EnforcementLevelName }[],
  config: PolicyConfigInput | undefined,
  initialConfig: Readonly<Record<string, InitialPolicyConfig>> = {},
): Downgrade[] {
  const all = levelOf(config?.["all"]);
  const out: Downgrade[] = [];
  for (const p of policies) {
    const declared = initialConfig[p.name]?.enforcementLevel ?? p.enforcementLevel;
    if (!ENFORCING.includes(declared)) continue;
    const level = levelOf(config?.[p.name]) ?? all ?? declared;
    const below = BELOW.find((b) => b === level);
    if (below) out.push({ policy: p.name, level: below });
  }
  return out;
}

/** `stack-parity, no-public-ingress disabled and no-full-admin advisory by the policy config`. */
export function describeDowngrades(downgrades: readonly Downgrade[]): string {
  const parts = BELOW.map((level) => ({ level, names: downgrades.filter((d) => d.level === level).map((d) => d.policy) }))
    .filter((g) => g.names.length > 0)
    .map((g) => `${g.names.join(", ")} ${g.level}`);
  return `${parts.join(" and ")} by the policy config`;
}
