import {
  asObj,
  escapeRegExp,
  expandJobs,
  type Obj,
  policyPacks,
  runs,
  stackOf,
  text,
  uses,
  type Violation,
} from "./model";

/**
 * Every workflow: a pulumi/actions step that runs the policy pack with a policy config is preceded,
 * in its job, by `npm run policy:config-check` for the same stack and the same config, which refuses
 * a config that disables or downgrades a mandatory policy in production (tools/policy-config-check.ts).
 */
export function checkPolicyConfigGate(workflow: Obj): Violation[] {
  const out: Violation[] = [];
  for (const job of expandJobs(workflow)) {
    job.steps.forEach((step, i) => {
      if (!uses(step, "pulumi/actions") || !policyPacks(step).includes("policy")) return;
      const config = text(asObj(step.with).policyPackConfigs).trim();
      if (config === "") return;
      const stack = stackOf(step) ?? "";
      const gate = new RegExp(
        `\\bnpm run (--silent )?policy:config-check -- .*--stack "?${escapeRegExp(stack)}"?(\\s|$)`,
      );
      const gated = job.steps
        .slice(0, i)
        .some(
          (s) =>
            runs(s, gate) && [text(s.run), ...Object.values(asObj(s.env)).map(text)].some((t) => t.includes(config)),
        );
      if (!gated)
        out.push({
          rule: "policy-config-gate",
          message: `job ${job.id}: the ${stack} ${text(asObj(step.with).command)} takes policy config ${config} without an earlier \`npm run policy:config-check -- --stack ${stack} --policy-pack-config <the same config>\` step: a config could switch a mandatory policy off in production unseen.`,
        });
    });
  }
  return out;
}
