import { checkCommon } from "./common-rules";
import {
  asObj,
  escapeRegExp,
  expandJobs,
  type Obj,
  policyPacks,
  pulumiSteps,
  runs,
  STACKS,
  stackOf,
  type Step,
  text,
  triggers,
  uses,
  type Violation,
} from "./model";

/** The pull-request workflow: offline checks, each stack's policy preview, the parity comment. */
export function checkPullRequestWorkflow(workflow: Obj): Violation[] {
  const out = checkCommon(workflow);
  const add = (rule: string, message: string) => out.push({ rule, message });
  if (!triggers(workflow).includes("pull_request")) add("pr-trigger", "the workflow must run on pull_request.");
  const jobs = expandJobs(workflow);
  const allSteps = jobs.flatMap((j) => j.steps);
  const required: [string, RegExp][] = [
    ["npm ci", /\bnpm ci\b/],
    ["typecheck", /\bnpm run (--silent )?typecheck\b/],
    ["lint", /\bnpm run (--silent )?lint\b/],
    ["npm test", /\bnpm (run (--silent )?)?test\b/],
  ];
  for (const [what, pattern] of required) {
    if (!allSteps.some((s) => runs(s, pattern))) add("pr-runs-checks", `no step runs ${what}.`);
  }
  const offline = allSteps.some(
    (s) =>
      runs(s, /\bnpm run (--silent )?preview -- .*--all\b/) ||
      STACKS.every((stack) => runs(s, new RegExp(`npm run (--silent )?preview -- .*--stack ${stack}\\b`))),
  );
  if (!offline)
    add("pr-offline-preview", "no step runs the offline preview of both stacks (npm run preview -- --all).");
  for (const stack of STACKS) {
    const previews = jobs.flatMap((j) => pulumiSteps(j, "preview")).filter((s) => stackOf(s) === stack);
    if (previews.length === 0) add("pr-policy-preview", `no pulumi/actions preview of ${stack}.`);
    for (const step of previews) {
      if (!policyPacks(step).includes("policy"))
        add("pr-policy-preview", `the ${stack} preview runs without policyPacks: policy.`);
      if (text(asObj(step.with)["comment-on-pr"]) !== "true")
        add("pr-policy-preview", `the ${stack} preview does not comment on the PR.`);
    }
  }
  // The comment must carry a file that the step rendering the Markdown report writes.
  const reportPattern = /\bparity -- .*--format markdown\b.*>\s*\S+/;
  const parityJob = jobs.find((j) => j.steps.some((s) => runs(s, reportPattern)));
  const reportScript = text(parityJob?.steps.find((s) => runs(s, reportPattern))?.run);
  const writtenByReport = (file: string | undefined) =>
    file !== undefined && file !== "" && new RegExp(`>\\s*${escapeRegExp(file)}(\\s|$)`, "m").test(reportScript);
  const postedFile = (s: Step): string | undefined =>
    uses(s, "marocchino/sticky-pull-request-comment")
      ? text(asObj(s.with).path)
      : uses(s, "actions/github-script")
        ? /readFileSync\(\s*['"]([^'"]+)['"]/.exec(text(asObj(s.with).script))?.[1]
        : undefined;
  const posted = parityJob?.steps.some((s) => writtenByReport(postedFile(s)));
  if (!posted)
    add(
      "pr-parity-comment",
      "the parity report (npm run parity -- --format markdown > FILE) is not posted as a PR comment.",
    );
  return out;
}
