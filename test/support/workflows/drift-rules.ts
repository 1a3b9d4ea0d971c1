import { checkCommon } from "./common-rules";
import {
  asObj,
  expandJobs,
  type Obj,
  pulumiSteps,
  STACKS,
  stackOf,
  text,
  triggers,
  uses,
  type Violation,
} from "./model";

/** The drift workflow: a scheduled, refreshed preview of each stack that must propose no change. */
export function checkDriftWorkflow(workflow: Obj): Violation[] {
  const out = checkCommon(workflow);
  const add = (rule: string, message: string) => out.push({ rule, message });
  if (!triggers(workflow).includes("schedule")) add("drift-check", "the drift check must run on a schedule.");
  const jobs = expandJobs(workflow);
  for (const stack of STACKS) {
    const checks = jobs.flatMap((j) => pulumiSteps(j, "preview")).filter((s) => stackOf(s) === stack);
    const refreshed = checks.filter(
      (s) => text(asObj(s.with).refresh) === "true" && text(asObj(s.with)["expect-no-changes"]) === "true",
    );
    if (refreshed.length === 0) {
      add("drift-check", `no refreshed preview of ${stack} with expect-no-changes: drift would go unnoticed.`);
    }
  }
  const mutating = jobs.flatMap((j) =>
    j.steps.filter((s) => uses(s, "pulumi/actions") && text(asObj(s.with).command) !== "preview"),
  );
  if (mutating.length > 0) add("drift-check", "a drift check only previews; it must never change a stack.");
  return out;
}
