import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";

/*
 * The release rules of RELEASING.md, checked on the parsed workflow files. Each rule is a small
 * function over plain data so the tests below can break a copy of the real workflow and watch the
 * rule catch it.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
type Step = Obj;
interface Job {
  readonly id: string;
  readonly raw: Obj;
  readonly steps: Step[];
}
interface Violation {
  readonly rule: string;
  readonly message: string;
}

const workflowsDir = path.resolve(__dirname, "..", ".github", "workflows");
const STACKS = ["staging", "production"] as const;

const isObj = (value: Json | undefined): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const asObj = (value: Json | undefined): Obj => (isObj(value) ? value : {});
const asList = (value: Json | undefined): Json[] =>
  Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
const text = (value: Json | undefined): string =>
  typeof value === "string"
    ? value
    : value === undefined || value === null
      ? ""
      : JSON.stringify(value);
const uses = (step: Step, action: string) => text(step.uses).toLowerCase().startsWith(`${action}@`);
const runs = (step: Step, pattern: RegExp) => pattern.test(text(step.run));

/** A job once per matrix combination, with `${{ matrix.x }}` replaced, so a matrix over stacks counts per stack. */
function expandJobs(workflow: Obj): Job[] {
  return Object.entries(asObj(workflow.jobs)).flatMap(([id, value]) => {
    const raw = asObj(value);
    const matrix = asObj(asObj(raw.strategy).matrix);
    const axes = Object.entries(matrix).filter(
      ([key, v]) => key !== "include" && key !== "exclude" && Array.isArray(v),
    );
    let combos: Record<string, Json>[] = [{}];
    for (const [key, values] of axes)
      combos = combos.flatMap((c) => asList(values).map((v) => ({ ...c, [key]: v })));
    return combos.map((combo) => {
      const resolved = substitute(raw, combo) as Obj;
      return { id, raw: resolved, steps: asList(resolved.steps).filter(isObj) };
    });
  });
}

function substitute(value: Json, combo: Record<string, Json>): Json {
  if (typeof value === "string") {
    return value.replace(/\$\{\{\s*matrix\.([\w-]+)\s*\}\}/g, (whole, key: string) =>
      key in combo ? text(combo[key]) : whole,
    );
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, combo));
  if (isObj(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, combo)]));
  return value;
}

const triggers = (workflow: Obj): string[] => {
  const on = workflow.on;
  return typeof on === "string" ? [on] : Array.isArray(on) ? on.map(text) : Object.keys(asObj(on));
};
const environmentName = (job: Job): string =>
  isObj(job.raw.environment) ? text(job.raw.environment.name) : text(job.raw.environment);
const pulumiSteps = (job: Job, command: string) =>
  job.steps.filter((s) => uses(s, "pulumi/actions") && text(asObj(s.with).command) === command);
const stackOf = (step: Step) => text(asObj(step.with)["stack-name"]).split("/").pop();
const policyPacks = (step: Step) =>
  text(asObj(step.with).policyPacks)
    .split(/[\s,]+/)
    .filter(Boolean);

const PINNED_ACTION = /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;
/** A container image by version tag or digest; `latest` or no tag moves under you. */
const PINNED_IMAGE = /^docker:\/\/[\w./-]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$/;

/** Write access a job may hold, and what in the job justifies it. */
const WRITE_JUSTIFIED: Record<string, (job: Job) => boolean> = {
  "id-token": (job) => job.steps.some((s) => uses(s, "aws-actions/configure-aws-credentials")),
  "pull-requests": (job) =>
    job.steps.some(
      (s) =>
        uses(s, "marocchino/sticky-pull-request-comment") ||
        uses(s, "actions/github-script") ||
        (uses(s, "pulumi/actions") && text(asObj(s.with)["comment-on-pr"]) === "true"),
    ),
};

function checkCommon(workflow: Obj): Violation[] {
  const out: Violation[] = [];
  const add = (rule: string, message: string) => out.push({ rule, message });
  if (triggers(workflow).includes("pull_request_target")) {
    add(
      "no-pull-request-target",
      "pull_request_target runs a PR's code with the base repository's secrets; use pull_request.",
    );
  }
  const top = workflow.permissions;
  if (top === undefined || typeof top === "string") {
    add(
      "least-privilege",
      `top-level permissions must be an explicit map (e.g. {} or contents: read), not ${top === undefined ? "the default token" : top}.`,
    );
  }
  for (const job of expandJobs(workflow)) {
    const granted = job.raw.permissions ?? top;
    if (granted === undefined || typeof granted === "string") {
      add(
        "least-privilege",
        `job ${job.id}: permissions must be an explicit map, not ${granted === undefined ? "the default token" : granted}.`,
      );
    }
    for (const [scope, level] of Object.entries(asObj(granted))) {
      if (level !== "write") continue;
      const justified = WRITE_JUSTIFIED[scope];
      if (!justified)
        add("least-privilege", `job ${job.id}: ${scope}: write is never needed here.`);
      else if (!justified(job))
        add("least-privilege", `job ${job.id}: ${scope}: write is granted but no step uses it.`);
    }
    const usesNpm = job.steps.some((s) => runs(s, /\bnpm\b/));
    const node = job.steps.find((s) => uses(s, "actions/setup-node"));
    if (
      usesNpm &&
      (!node ||
        text(asObj(node.with)["node-version"]) !== "20" ||
        text(asObj(node.with).cache) !== "npm")
    ) {
      add(
        "node-setup",
        `job ${job.id}: runs npm without actions/setup-node (node-version 20, cache npm).`,
      );
    }
    for (const step of job.steps) {
      const ref = text(step.uses);
      if (ref && !ref.startsWith("./") && !PINNED_ACTION.test(ref) && !PINNED_IMAGE.test(ref)) {
        add(
          "pinned-actions",
          `job ${job.id}: ${ref} must be pinned: @v4 or a commit SHA for an action, a version tag or digest for an image.`,
        );
      }
      if (uses(step, "actions/checkout") && asObj(step.with)["persist-credentials"] !== false) {
        add(
          "checkout-credentials",
          `job ${job.id}: checkout must set persist-credentials: false (nothing pushes; later steps need no token on disk).`,
        );
      }
      if (uses(step, "aws-actions/configure-aws-credentials")) {
        const withs = asObj(step.with);
        if (
          !withs["role-to-assume"] ||
          withs["aws-access-key-id"] ||
          withs["aws-secret-access-key"]
        ) {
          add(
            "oidc-credentials",
            `job ${job.id}: AWS credentials must come from OIDC (role-to-assume), never stored keys.`,
          );
        }
        if (asObj(granted)["id-token"] !== "write")
          add("oidc-credentials", `job ${job.id}: OIDC needs id-token: write.`);
        if (!environmentName(job)) {
          add(
            "oidc-credentials",
            `job ${job.id}: assumes an AWS role outside a GitHub environment, so no per-stack role can be told apart.`,
          );
        }
      }
    }
  }
  return out;
}

function checkPullRequestWorkflow(workflow: Obj): Violation[] {
  const out = checkCommon(workflow);
  const add = (rule: string, message: string) => out.push({ rule, message });
  if (!triggers(workflow).includes("pull_request"))
    add("pr-trigger", "the workflow must run on pull_request.");
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
      STACKS.every((stack) =>
        runs(s, new RegExp(`npm run (--silent )?preview -- .*--stack ${stack}\\b`)),
      ),
  );
  if (!offline)
    add(
      "pr-offline-preview",
      "no step runs the offline preview of both stacks (npm run preview -- --all).",
    );
  for (const stack of STACKS) {
    const previews = jobs
      .flatMap((j) => pulumiSteps(j, "preview"))
      .filter((s) => stackOf(s) === stack);
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
    file !== undefined &&
    file !== "" &&
    new RegExp(`>\\s*${escapeRegExp(file)}(\\s|$)`, "m").test(reportScript);
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

function checkDeployWorkflow(workflow: Obj): Violation[] {
  const out = checkCommon(workflow);
  const add = (rule: string, message: string) => out.push({ rule, message });
  const on = triggers(workflow);
  if (!asList(asObj(asObj(workflow.on).push).branches).includes("main"))
    add("deploy-trigger", "deploys must run on push to main.");
  if (on.includes("pull_request")) add("deploy-trigger", "a pull request must never deploy.");
  const jobs = expandJobs(workflow);
  const deployOf = (stack: string) =>
    jobs.filter((j) => pulumiSteps(j, "up").some((s) => stackOf(s) === stack));
  const [staging, production] = STACKS.map((stack) => {
    const found = deployOf(stack);
    if (found.length !== 1)
      add(
        "deploy-jobs",
        `expected exactly one job running pulumi up on ${stack}, found ${found.length}.`,
      );
    return found[0];
  });
  if (!staging || !production) return out;

  const needs = (job: Job): Set<string> => {
    const direct = asList(job.raw.needs).map(text);
    return new Set(
      direct.flatMap((id) => [
        id,
        ...needs(jobs.find((j) => j.id === id) ?? { id, raw: {}, steps: [] }),
      ]),
    );
  };
  if (!needs(production).has(staging.id))
    add(
      "staging-before-production",
      `production job ${production.id} does not need the staging job ${staging.id}.`,
    );
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
    const checkout = job.steps.find((s) => uses(s, "actions/checkout"));
    if (text(asObj(checkout?.with).ref).replace(/\s/g, "") !== "${{github.sha}}") {
      add(
        "same-commit",
        `${stack} job must check out \${{ github.sha }} so both stacks deploy the same commit.`,
      );
    }
    const concurrency = job.raw.concurrency;
    const group = isObj(concurrency) ? text(concurrency.group) : text(concurrency);
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
    const upIndex = job.steps.findIndex(
      (s) => pulumiSteps({ ...job, steps: [s] }, "up").length > 0,
    );
    const up = job.steps[upIndex];
    if (!policyPacks(up).includes("policy"))
      add("up-with-policies", `${stack} pulumi up runs without policyPacks: policy.`);
    const upId = text(up.id);
    const smoke = job.steps.findIndex(
      (s, i) => i > upIndex && runs(s, /\bnpm run (--silent )?smoke\b/),
    );
    const smokeStep = job.steps[smoke];
    const fromOutput =
      upId !== "" &&
      smokeStep !== undefined &&
      JSON.stringify(smokeStep).includes(`steps.${upId}.outputs.baseUrl`);
    if (smoke < 0 || !fromOutput) {
      add(
        "smoke-after-up",
        `${stack} job must run npm run smoke after pulumi up, against steps.<up id>.outputs.baseUrl.`,
      );
    }
  }
  if (
    concurrencyGroup(staging) !== "" &&
    concurrencyGroup(staging) === concurrencyGroup(production)
  ) {
    add(
      "concurrency-per-stack",
      "staging and production share a concurrency group, so a waiting production approval would hold staging.",
    );
  }
  return out;
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function concurrencyGroup(job: Job): string {
  const concurrency = job.raw.concurrency;
  return isObj(concurrency) ? text(concurrency.group) : text(concurrency);
}

function checkDriftWorkflow(workflow: Obj): Violation[] {
  const out = checkCommon(workflow);
  const add = (rule: string, message: string) => out.push({ rule, message });
  if (!triggers(workflow).includes("schedule"))
    add("drift-check", "the drift check must run on a schedule.");
  const jobs = expandJobs(workflow);
  for (const stack of STACKS) {
    const checks = jobs
      .flatMap((j) => pulumiSteps(j, "preview"))
      .filter((s) => stackOf(s) === stack);
    const refreshed = checks.filter(
      (s) =>
        text(asObj(s.with).refresh) === "true" &&
        text(asObj(s.with)["expect-no-changes"]) === "true",
    );
    if (refreshed.length === 0) {
      add(
        "drift-check",
        `no refreshed preview of ${stack} with expect-no-changes: drift would go unnoticed.`,
      );
    }
  }
  const mutating = jobs.flatMap((j) =>
    j.steps.filter((s) => uses(s, "pulumi/actions") && text(asObj(s.with).command) !== "preview"),
  );
  if (mutating.length > 0)
    add("drift-check", "a drift check only previews; it must never change a stack.");
  return out;
}

function loadWorkflows(): {
  pullRequest: Obj;
  deploy: Obj;
  drift: Obj;
  all: Obj[];
  files: string[];
} {
  const files = fs
    .readdirSync(workflowsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(workflowsDir, f));
  const parsed = files.map((file) => {
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    assert.deepEqual(
      doc.errors.map((e) => e.message),
      [],
      `${file} is not valid YAML`,
    );
    return doc.toJS() as Obj;
  });
  const pullRequest = parsed.filter((w) => triggers(w).includes("pull_request"));
  const deploy = parsed.filter((w) => asObj(w.on).push !== undefined);
  assert.equal(pullRequest.length, 1, "exactly one workflow runs on pull_request");
  const drift = parsed.filter((w) => triggers(w).includes("schedule"));
  assert.equal(deploy.length, 1, "exactly one workflow runs on push");
  assert.equal(drift.length, 1, "exactly one workflow runs on a schedule");
  return { pullRequest: pullRequest[0], deploy: deploy[0], drift: drift[0], all: parsed, files };
}

describe("release workflows", () => {
  const { pullRequest, deploy, drift, all, files } = loadWorkflows();
  const rules = (violations: Violation[]) => [...new Set(violations.map((v) => v.rule))];

  it("every workflow, present or future, meets the common rules", () => {
    assert.ok(all.length >= 3);
    for (const workflow of all) assert.deepEqual(checkCommon(workflow), [], text(workflow.name));
  });

  it("the pull-request workflow meets every rule", () => {
    assert.deepEqual(checkPullRequestWorkflow(pullRequest), []);
  });

  it("the deploy workflow meets every rule", () => {
    assert.deepEqual(checkDeployWorkflow(deploy), []);
  });

  it("the drift workflow meets every rule", () => {
    assert.deepEqual(checkDriftWorkflow(drift), []);
  });

  // Each rule must be able to fail: break one thing in a copy of the real workflow, expect that rule.
  type Mutation = [string, (w: Obj) => void, string];
  const job = (w: Obj, id: string) => asObj(asObj(w.jobs)[id]);
  const steps = (w: Obj, id: string) => asList(job(w, id).steps).filter(isObj);
  const stepUsing = (w: Obj, id: string, action: string) =>
    steps(w, id).find((s) => uses(s, action)) as Step;
  const stepRunning = (w: Obj, id: string, pattern: RegExp) =>
    steps(w, id).find((s) => runs(s, pattern)) as Step;
  const moveToFront = (list: Step[], predicate: (s: Step) => boolean) => [
    ...list.filter(predicate),
    ...list.filter((s) => !predicate(s)),
  ];
  const dropStep = (w: Obj, id: string, predicate: (s: Step) => boolean) => {
    job(w, id).steps = steps(w, id).filter((s) => !predicate(s));
  };

  const pullRequestMutations: Mutation[] = [
    ["tests removed", (w) => dropStep(w, "checks", (s) => runs(s, /npm test/)), "pr-runs-checks"],
    [
      "typecheck removed",
      (w) => dropStep(w, "checks", (s) => runs(s, /typecheck/)),
      "pr-runs-checks",
    ],
    [
      "offline preview of one stack only",
      (w) => (stepRunning(w, "checks", /preview/).run = "npm run preview -- --stack staging"),
      "pr-offline-preview",
    ],
    [
      "policy preview of staging only",
      (w) => (asObj(job(w, "preview").strategy).matrix = { stack: ["staging"] }),
      "pr-policy-preview",
    ],
    [
      "preview without the policy pack",
      (w) => delete asObj(stepUsing(w, "preview", "pulumi/actions").with).policyPacks,
      "pr-policy-preview",
    ],
    [
      "preview without a PR comment",
      (w) => (asObj(stepUsing(w, "preview", "pulumi/actions").with)["comment-on-pr"] = false),
      "pr-policy-preview",
    ],
    [
      "parity report not posted",
      (w) => dropStep(w, "checks", (s) => uses(s, "marocchino/sticky-pull-request-comment")),
      "pr-parity-comment",
    ],
    [
      "a comment posting a file the report never wrote",
      (w) =>
        (asObj(stepUsing(w, "checks", "marocchino/sticky-pull-request-comment").with).path =
          "other.md"),
      "pr-parity-comment",
    ],
    [
      "pull_request_target trigger",
      (w) => (w.on = { pull_request_target: null }),
      "no-pull-request-target",
    ],
    ["write-all token", (w) => (w.permissions = "write-all"), "least-privilege"],
    [
      "contents: write on the checks job",
      (w) => (asObj(job(w, "checks").permissions).contents = "write"),
      "least-privilege",
    ],
    [
      "id-token: write without AWS credentials",
      (w) => (asObj(job(w, "checks").permissions)["id-token"] = "write"),
      "least-privilege",
    ],
    [
      "stored AWS keys",
      (w) =>
        Object.assign(
          asObj(stepUsing(w, "preview", "aws-actions/configure-aws-credentials").with),
          { "aws-access-key-id": "${{ secrets.KEY }}" },
        ),
      "oidc-credentials",
    ],
    [
      "AWS role outside an environment",
      (w) => delete job(w, "preview").environment,
      "oidc-credentials",
    ],
    [
      "an action on a branch",
      (w) => (stepUsing(w, "checks", "actions/checkout").uses = "actions/checkout@main"),
      "pinned-actions",
    ],
    [
      "an image without a version",
      (w) =>
        ((steps(w, "checks").find((s) => text(s.uses).startsWith("docker://")) as Step).uses =
          "docker://rhysd/actionlint:latest"),
      "pinned-actions",
    ],
    [
      "a checkout that keeps the token",
      (w) => delete asObj(stepUsing(w, "checks", "actions/checkout").with)["persist-credentials"],
      "checkout-credentials",
    ],
    [
      "node without npm cache",
      (w) => delete asObj(stepUsing(w, "checks", "actions/setup-node").with).cache,
      "node-setup",
    ],
  ];
  const deployMutations: Mutation[] = [
    [
      "production not needing staging",
      (w) => delete job(w, "production").needs,
      "staging-before-production",
    ],
    [
      "production outside its environment",
      (w) => (job(w, "production").environment = "staging"),
      "production-environment",
    ],
    [
      "production checking out the branch head",
      (w) => delete asObj(stepUsing(w, "production", "actions/checkout").with).ref,
      "same-commit",
    ],
    [
      "staging checking out github.ref",
      (w) => (asObj(stepUsing(w, "staging", "actions/checkout").with).ref = "${{ github.ref }}"),
      "same-commit",
    ],
    [
      "a deploy that cancels in progress",
      (w) => (asObj(job(w, "staging").concurrency)["cancel-in-progress"] = true),
      "concurrency-per-stack",
    ],
    [
      "a concurrency group per run",
      (w) =>
        (asObj(job(w, "production").concurrency).group = "deploy-production-${{ github.run_id }}"),
      "concurrency-per-stack",
    ],
    ["no concurrency group", (w) => delete job(w, "staging").concurrency, "concurrency-per-stack"],
    [
      "one group for both stacks",
      (w) =>
        (asObj(job(w, "staging").concurrency).group = asObj(
          job(w, "production").concurrency,
        ).group),
      "concurrency-per-stack",
    ],
    [
      "no smoke test after staging",
      (w) => dropStep(w, "staging", (s) => runs(s, /smoke/)),
      "smoke-after-up",
    ],
    [
      "smoke test before pulumi up",
      (w) => (job(w, "staging").steps = moveToFront(steps(w, "staging"), (s) => runs(s, /smoke/))),
      "smoke-after-up",
    ],
    [
      "smoke test against a fixed URL",
      (w) =>
        (stepRunning(w, "staging", /smoke/).env = { BASE_URL: "https://staging.app.example.com" }),
      "smoke-after-up",
    ],
    [
      "up without the policy pack",
      (w) => delete asObj(stepUsing(w, "production", "pulumi/actions").with).policyPacks,
      "up-with-policies",
    ],
    [
      "production deployed twice",
      (w) => (asObj(w.jobs).again = structuredClone(job(w, "production"))),
      "deploy-jobs",
    ],
    [
      "deploys on pull requests",
      (w) => (w.on = { pull_request: null, push: { branches: ["main"] } }),
      "deploy-trigger",
    ],
    ["no push to main", (w) => (w.on = { workflow_dispatch: null }), "deploy-trigger"],
    [
      "pull-requests: write on a deploy job",
      (w) => (asObj(job(w, "production").permissions)["pull-requests"] = "write"),
      "least-privilege",
    ],
    ["no top-level permissions", (w) => delete w.permissions, "least-privilege"],
  ];

  const driftMutations: Mutation[] = [
    [
      "a drift check of staging only",
      (w) => (asObj(job(w, "drift").strategy).matrix = { stack: ["staging"] }),
      "drift-check",
    ],
    [
      "a preview without refresh",
      (w) => delete asObj(stepUsing(w, "drift", "pulumi/actions").with).refresh,
      "drift-check",
    ],
    [
      "a drift check that deploys",
      (w) => (asObj(stepUsing(w, "drift", "pulumi/actions").with).command = "up"),
      "drift-check",
    ],
    ["no schedule", (w) => (w.on = { workflow_dispatch: null }), "drift-check"],
    [
      "a drift job with write access",
      (w) => (asObj(job(w, "drift").permissions).contents = "write"),
      "least-privilege",
    ],
  ];
  for (const [title, mutate, rule] of driftMutations) {
    it(`drift: rejects ${title} (${rule})`, () => {
      const copy = structuredClone(drift);
      mutate(copy);
      assert.ok(
        rules(checkDriftWorkflow(copy)).includes(rule),
        JSON.stringify(checkDriftWorkflow(copy)),
      );
    });
  }
  for (const [title, mutate, rule] of pullRequestMutations) {
    it(`pull request: rejects ${title} (${rule})`, () => {
      const copy = structuredClone(pullRequest);
      mutate(copy);
      assert.ok(
        rules(checkPullRequestWorkflow(copy)).includes(rule),
        JSON.stringify(checkPullRequestWorkflow(copy)),
      );
    });
  }
  for (const [title, mutate, rule] of deployMutations) {
    it(`deploy: rejects ${title} (${rule})`, () => {
      const copy = structuredClone(deploy);
      mutate(copy);
      assert.ok(
        rules(checkDeployWorkflow(copy)).includes(rule),
        JSON.stringify(checkDeployWorkflow(copy)),
      );
    });
  }

  it("passes actionlint when it is installed", function () {
    if (spawnSync("actionlint", ["-version"]).error) this.skip();
    execFileSync("actionlint", ["-no-color", ...files], { stdio: "pipe" });
  });
});
