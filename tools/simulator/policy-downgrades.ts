import { parsePolicyConfig, type AnalyzerInfo, type PolicyConfigInput } from "./policy-config";
import { reconcilePolicyConfig } from "./policy-reconcile";

/**
 * Which enforcing policies a `--policy-pack-config` takes below mandatory, so the preview's verdict
 * line, `npm run policy`'s summary and the CI gate (tools/policy-config-check.ts) say the same thing.
 * It asks the one reconciliation the preview runs (policy-reconcile.ts, the engine's
 * ReconcilePolicyPackConfig) twice: once with the pack alone (its declared levels and its own
 * initialConfig, `all` included), once with the user's config on top. Only what the user's config
 * lowers is a downgrade: a pack that ships a policy advisory is the pack's own, reviewed decision.
 */

export interface Downgrade {
  readonly policy: string;
  readonly level: "advisory" | "disabled";
}

/** Levels that stop a deploy; `remediate` fixes and still enforces. */
const ENFORCING: readonly string[] = ["mandatory", "remediate"];
// Disabled first: it is the larger loss.
const BELOW = ["disabled", "advisory"] as const;

export function downgradedPolicies(info: AnalyzerInfo, config: PolicyConfigInput | undefined): Downgrade[] {
  const baseline = reconcilePolicyConfig(info).levels;
  // Problems in the config are the preview's to report (resolvePolicyConfig); here a bad entry simply
  // lowers nothing.
  const effective = reconcilePolicyConfig(info, parsePolicyConfig(info, config ?? {}).layer).levels;
  const out: Downgrade[] = [];
  for (const p of info.policies) {
    if (!ENFORCING.includes(baseline[p.name])) continue;
    const below = BELOW.find((b) => b === effective[p.name]);
    if (below) out.push({ policy: p.name, level: below });
  }
  return out;
}

/** `stack-parity, no-public-ingress disabled and no-full-admin advisory by the policy config`. */
export function describeDowngrades(downgrades: readonly Downgrade[]): string {
  const parts = BELOW.map((level) => ({
    level,
    names: downgrades.filter((d) => d.level === level).map((d) => d.policy),
  }))
    .filter((g) => g.names.length > 0)
    .map((g) => `${g.names.join(", ")} ${g.level}`);
  return `${parts.join(" and ")} by the policy config`;
}
