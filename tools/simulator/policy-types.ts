/** What the offline preview knows of a policy pack (its GetAnalyzerInfo), shared by the config modules. */

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevelName = (typeof ENFORCEMENT_LEVELS)[number];

export interface PolicySummary {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevelName;
  readonly type: "resource" | "stack" | "unknown";
  /** How to fix a violation, once per policy (PolicyInfo.remediationSteps; the CLI's violations carry only the message). */
  readonly remediationSteps?: string;
  /** Where the policy is explained (PolicyInfo.url). */
  readonly url?: string;
  readonly configSchema?: { readonly properties: Record<string, unknown>; readonly required: readonly string[] };
}

export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly displayName?: string;
  readonly policies: readonly PolicySummary[];
  /**
   * The pack's own `initialConfig`, per key (a policy name or `all`), as the engine reads it
   * (analyzer.GetAnalyzerInfo → convertPolicyConfig): the wire's level 0 is `advisory`, so an
   * entry the pack gave only properties carries `advisory` too.
   */
  readonly initialConfig: Readonly<Record<string, InitialPolicyConfig>>;
  /** GetAnalyzerInfo's `supportsConfig` (every @pulumi/policy pack sets it). @default true */
  readonly supportsConfig?: boolean;
}

export interface InitialPolicyConfig {
  readonly enforcementLevel?: EnforcementLevelName;
  readonly properties: Record<string, unknown>;
}
