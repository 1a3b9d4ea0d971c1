import { checkCommon } from "./common-rules";
import {
  asList,
  asObj,
  concurrencyGroup,
  environmentName,
  expandJobs,
  isObj,
  type Job,
  type Obj,
  policyPacks,
  pulumiSteps,
  runs,
  STACKS,
  stackOf,
  text,
  triggers,
  uses,
  type Violation,
} from "./model";

/** The deploy workflow: staging and its smoke test, then that commit to production, reviewed. */
export function checkDeployWorkflow(workflow: Obj): Violation[] {
  const out = checkCommon(workflow);
  const add = (rule: string, message: string) => out.push({ rule, message });
  const on = triggers(workflow);
  if (!asList(asObj(asObj(workflow.on).push).branches).includes("main"))
    add("deploy-trigger", "deploys must run on push to main.");
  if (on.includes("pull_request")) add("deploy-trigger", "a pull request must never deploy.");
  const jobs = expandJobs(workflow);
  const deployOf = (stack: string) => jobs.filter((j) => pulumiSteps(j, "up").some((s) => stackOf(s) === stack));
  const [staging, production] = STACKS.map((stack) => {
    const found = deployOf(stack);
    if (found.length !== 1)
      add("deploy-jobs", `expected exactly one job running pulumi up on ${stack}, found ${found.length}.`);
    return found[0];
  });
  if (!staging || !production) return out;

  const needs = (job: Job): Set<string> => {
    const direct = asList(job.raw.needs).map(text);
    return new Set(direct.flatMap((id) => [id, ...needs(jobs.find((j) => j.id === id) ?? { id, raw: {}, steps: [] })]));
  };
  if (!needs(production).has(staging.id))
    add("staging-before-production", `production job ${production.id} does not need the staging job ${staging.id}.`);
  if (environmentName(production) !== "production") {
    add(
      "production-environment",
      `production job ${production.id} must run in the \`production\` environment (required reviewers).`,
    );
  }
  if (environmentName(staging) === environmentName(production)) {
    add(
      "production-environment",
      "staging and production deploy in the same environment, so they share one role and one set of secrets.",
    );
  }
  for (const [stack, job] of [
    ["staging", staging],
    ["production", production],
  ] as const) {
    out.push(...checkDeployJob(stack, job));
  }
  if (concurrencyGroup(staging) !== "" && concurrencyGroup(staging) === concurrencyGroup(production)) {
    add(
      "concurrency-per-stack",
      "staging and production share a concurrency group, so a waiting production approval would hold staging.",
    );
  }
  return out;
}

/** Each stack's deploy job on its own: same commit, one at a time, policies, smoke test. */
function checkDeployJob(stack: string, job: Job): Violation[] {
  const out: Violation[] = [];
  const add = (rule: string, message: string) => out.push({ rule, message });
  const checkout = job.steps.find((s) => uses(s, "actions/checkout"));
  if (text(asObj(checkout?.with).ref).replace(/\s/g, "") !== "${{github.sha}}") {
    add("same-commit", `${stack} job must check out \${{ github.sha }} so both stacks deploy the same commit.`);
  }
  const concurrency = job.raw.concurrency;
  const group = concurrencyGroup(job);
  if (!group || group.includes("${{") || !group.includes(stack)) {
    add(
      "concurrency-per-stack",
      `${stack} job needs a fixed concurrency group naming the stack (got ${JSON.stringify(group)}).`,
    );
  }
  if (
    isObj(concurrency) &&
    concurrency["cancel-in-progress"] !== undefined &&
    concurrency["cancel-in-progress"] !== false
  ) {
    add("concurrency-per-stack", `${stack} job must not cancel an in-progress deploy.`);
  }
  const upIndex = job.steps.findIndex((s) => pulumiSteps({ ...job, steps: [s] }, "up").length > 0);
  const up = job.steps[upIndex];
  if (!policyPacks(up).includes("policy"))
    add("up-with-policies", `${stack} pulumi up runs without policyPacks: policy.`);
  const upId = text(up.id);
  const smoke = job.steps.findIndex((s, i) => i > upIndex && runs(s, /\bnpm run (--silent )?smoke\b/));
  const smokeStep = job.steps[smoke];
  const fromOutput =
    upId !== "" && smokeStep !== undefined && JSON.stringify(smokeStep).includes(`steps.${upId}.outputs.baseUrl`);
  if (smoke < 0 || !fromOutput) {
    add(
      "smoke-after-up",
      `${stack} job must run npm run smoke after pulumi up, against steps.<up id>.outputs.baseUrl.`,
    );
  }
  // A circuit-breaker rollback leaves the service steady on the old tasks: pulumi up succeeds and
  // the smoke test passes against the old version, so the rollout check must sit between them.
  const rollout = job.steps.findIndex((s, i) => i > upIndex && runs(s, /tools\/release\/check-rollout\.sh\b/));
  if (rollout < 0 || (smoke >= 0 && rollout > smoke)) {
    add(
      "rollout-checked",
      `${stack} job must run tools/release/check-rollout.sh after pulumi up and before the smoke test (a rolled-back deploy otherwise passes as a success).`,
    );
  }
  return out;
}
