import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { flatten } from "../../policy/engine/flatten";
import { elementGroups, elementMessage } from "../../policy/rules/stack-parity";
import type { PolicyVerdict } from "../../tools/simulator/analyzer";
import { collectStack } from "../../tools/simulator/engine";
import { SECRET_SIG, SECRET_VALUE } from "../../tools/simulator/snapshot";
import { toStackExport } from "../../tools/simulator/stack-export";
import { EXIT, exitCode, runPolicy } from "../../tools/policy";
import { previewInProcess } from "../preview-cli";
import { asDeployedState } from "./deployed-state";
import { analyze, expectViolation, hosts, mandatory, mutate, pack, snapshotOf } from "./harness";
import { ADDITIONS } from "./planted-additions";
import { plantedProgram } from "./planted-program";
import { tempFile } from "./temp-file";

/**
 * Issue 18's reviewer test: plant one list element more in a copy of the real program (a database
 * parameter, a schema attribute, a CORS or lifecycle rule, a bucket-policy or IAM statement, a
 * security-group rule, a container, a port mapping) and run the real preview, and the pack on the
 * deployed state such a program leaves. Every addition is a `stack-parity` violation naming the
 * resource, the element and the fix, once per element: in staging a divergence from production, in
 * production a stale lock. The plantings share one copy (each is its own element of its own
 * resource), so the whole test costs a few program runs.
 */

const ROOT = path.resolve(__dirname, "../..");
const STAGING_FIX =
  /Fix: remove it from this stack, or add it to production too \(in code, then `npm run parity:lock` and commit the lock\), or, if the difference is deliberate, declare it in known-differences\.yaml/;
const PRODUCTION_FIX =
  /exists in this stack but not in parity\.lock\.json; .* Fix: if production is meant to change, run `npm run parity:lock` and commit parity\.lock\.json/;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Asserts every planted addition is one stack-parity violation naming its resource, element and fix. */
function expectEveryAddition(verdicts: readonly PolicyVerdict[], stack: "staging" | "production", where: string): void {
  const parity = mandatory([...verdicts]).filter((v) => v.policyName === "stack-parity");
  for (const a of ADDITIONS) {
    const named = parity.filter(
      (v) => v.message.includes(`::${a.resource}\``) && v.message.includes(`list element \`${a.element}\``),
    );
    const seen = parity.map((v) => `  ${v.message.slice(0, 200)}`).join("\n") || "  (none)";
    assert.equal(
      named.length,
      1,
      `${where}, ${stack}: ${a.kind}: expected one stack-parity violation naming \`${a.resource}\` \`${a.element}\`, got ${named.length}:\n${seen}`,
    );
    assert.match(named[0].message, stack === "staging" ? STAGING_FIX : PRODUCTION_FIX, `${where}, ${stack}: ${a.kind}`);
    assert.match(
      named[0].message,
      /; (it|production's) holds \{.+\}\. Fix:/,
      `${where}, ${stack}: ${a.kind}: what the element holds`,
    );
  }
}

describe("planted additions: a list element only this stack has is rejected", function () {
  this.timeout(300_000);
  let planted: string;
  let unchanged: string;

  before(() => {
    planted = plantedProgram(ADDITIONS.map((a) => a.planting));
    unchanged = plantedProgram([]);
  });

  after(() => {
    for (const dir of [planted, unchanged]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the unchanged copy of the program passes: the copy itself adds nothing", async () => {
    const run = await previewInProcess(["--all", "--root", unchanged, "--json"]);
    assert.equal(run.code, 0, run.stdout.slice(0, 2000) + run.stderr);
  });

  for (const stack of ["staging", "production"] as const) {
    describe(stack, () => {
      it("npm run preview exits 1, naming each addition once, with the fix", async () => {
        const run = await previewInProcess(["--stack", stack, "--root", planted, "--json"]);
        assert.equal(run.code, 1, run.stderr);
        const [result] = (JSON.parse(run.stdout) as { stacks: { verdicts: PolicyVerdict[] }[] }).stacks;
        expectEveryAddition(result.verdicts, stack, "preview");
      });

      it("npm run policy -- --stack-export exits 1 the same way, at later revisions, other generated ids, with and without provider resources", async () => {
        const snapshot = await collectStack({
          stack,
          root: planted,
          scenario: "update",
          seed: `planted-${stack}`,
          hosts,
        });
        const file = tempFile(
          `${stack}.export.json`,
          JSON.stringify(toStackExport(asDeployedState(snapshot, { seed: "planted-deploy" }))),
        );
        const revision = (arn: unknown) => Number(/:task-definition\/[^:]+:(\d+)$/.exec(String(arn))?.[1]);
        const exported = JSON.parse(fs.readFileSync(file, "utf8")) as {
          deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] };
        };
        const webTask = (urn: string) => urn.endsWith("::web-task");
        assert.ok(
          revision(exported.deployment.resources.find((r) => webTask(r.urn))?.outputs?.arn) >
            revision(snapshot.resources.find((r) => webTask(r.urn))?.outputs.arn),
          "the deployed task definition is at a later revision than the preview's",
        );
        for (const providersInStack of [true, false]) {
          const [result] = await runPolicy(
            { exports: [file], json: true, packDir: path.join(ROOT, "policy"), providersInStack },
            pack,
          );
          assert.equal(result.error, undefined);
          assert.equal(exitCode([result]), EXIT.violations);
          expectEveryAddition(
            result.verdicts ?? [],
            stack,
            `stack export${providersInStack ? "" : " without providers"}`,
          );
        }
      });
    });
  }
});

describe("a list element production has and this stack removed", function () {
  this.timeout(180_000);
  const dropLockWaits = (p: Record<string, unknown>) =>
    void (p.parameters = (p.parameters as { name: string }[]).filter((x) => x.name !== "log_lock_waits"));

  it("is one stack-parity violation saying what production's element holds, in staging and (a stale lock) in production", async () => {
    const staging = await analyze(mutate(await snapshotOf("staging"), "db-params", dropLockWaits));
    const hit = expectViolation(
      staging,
      "stack-parity",
      /::db-params` \(aws:rds\/parameterGroup:ParameterGroup\) list element `parameters\[name=log_lock_waits\]` exists in production \(parity\.lock\.json\) but not in this stack; production's holds \{applyMethod: "immediate", name: "log_lock_waits", value: "1"\}\. Fix: make this stack build it the way production does/,
    );
    assert.equal(mandatory(staging).filter((v) => v.message.includes("log_lock_waits")).length, 1, hit.message);
    const production = await analyze(mutate(await snapshotOf("production"), "db-params", dropLockWaits));
    expectViolation(
      production,
      "stack-parity",
      /list element `parameters\[name=log_lock_waits\]` exists in parity\.lock\.json but not in this stack; .*Fix: if production is meant to change, run `npm run parity:lock`/,
    );
  });
});

describe("a value production's own run shows that its lock cannot place", function () {
  this.timeout(180_000);

  it("is a stale lock in production (mandatory), and stays an advisory note in staging", async () => {
    const plant = (s: Awaited<ReturnType<typeof snapshotOf>>) =>
      mutate(
        s,
        "jobs-jobs",
        (_p, r) => void (r.checkedInputs = { ...(r.checkedInputs ?? r.inputs), zzUnmodelledDefault: 42 }),
      );
    const production = await analyze(plant(await snapshotOf("production")));
    expectViolation(
      production,
      "stack-parity",
      new RegExp(
        `${escape("::jobs-jobs` (aws:sqs/queue:Queue) property `zzUnmodelledDefault`: this stack has 42,")} where production declares nothing.*Fix: if production is meant to change, run \`npm run parity:lock\``,
      ),
    );
    assert.ok(
      !production.some((v) => v.policyName === "parity-notes" && /zzUnmodelledDefault/.test(v.message)),
      "a violation, not also a note",
    );
    const staging = await analyze(plant(await snapshotOf("staging")));
    assert.deepEqual(
      mandatory(staging).map((v) => v.message),
      [],
    );
    assert.ok(
      staging.some(
        (v) =>
          v.policyName === "parity-notes" &&
          /`zzUnmodelledDefault` is 42 here, where production declares nothing/.test(v.message),
      ),
    );
  });
});

describe("the message for an element only one side has", () => {
  const base = {
    resourceKey: "parity:components:Web$aws:ecs/taskDefinition:TaskDefinition::web-task",
    resourceType: "aws:ecs/taskDefinition:TaskDefinition",
    component: "web",
    class: "divergent" as const,
  };
  const element = { path: "containerDefinitions[name=sidecar]", onlyIn: "staging" as const };
  const leaf = (within: string, staging: unknown) => ({
    ...base,
    path: `${element.path}.${within}`,
    staging,
    production: undefined,
    element,
  });
  const envVar = (key: string, secret: boolean) => ({
    service: "web-task/sidecar",
    key,
    staging: secret ? "[secret]" : "x",
    secret,
    class: "divergent" as const,
    element,
  });

  it("names the element once, with what it holds: secrets masked, env vars by key only", () => {
    const [group, ...more] = elementGroups(
      [
        leaf("name", "sidecar"),
        leaf("repositoryCredentials.password", "hunter2"),
        leaf(
          "environmentFiles[0].value",
          flatten({ v: { [SECRET_SIG]: SECRET_VALUE, value: "s3://secret" } }).get("v"),
        ),
      ],
      [envVar("MODE", false), envVar("API_TOKEN", true)],
    );
    assert.deepEqual(more, []);
    const message = elementMessage(group, false);
    assert.equal(
      message.split(". Fix:")[0],
      '`parity:components:Web$aws:ecs/taskDefinition:TaskDefinition::web-task` (aws:ecs/taskDefinition:TaskDefinition) list element `containerDefinitions[name=sidecar]` exists in this stack but not in production (parity.lock.json); it holds {name: "sidecar", repositoryCredentials.password: [secret], environmentFiles[0].value: "[secret]", environment: MODE, secrets: API_TOKEN (values not shown)}',
    );
    for (const secret of ["hunter2", "s3://secret", '"x"']) assert.ok(!message.includes(secret), secret);
  });

  it("says what production's element held when this stack removed it, and cuts a long one short", () => {
    const removed = { ...element, onlyIn: "production" as const };
    const long = {
      ...base,
      path: `${element.path}.command`,
      staging: undefined,
      production: ["x".repeat(400)],
      element: removed,
    };
    const message = elementMessage(elementGroups([long], [])[0], true);
    assert.match(
      message,
      /list element `containerDefinitions\[name=sidecar\]` exists in parity\.lock\.json but not in this stack; production's holds \{command: \["x+\.\.\.\}\. Fix: if production is meant to change, run `npm run parity:lock`/,
    );
    assert.ok(message.length < 600);
  });
});
