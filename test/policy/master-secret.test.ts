import * as assert from "node:assert/strict";
import type { StackSnapshot } from "../../tools/offline/snapshot";
import { policies } from "../../policy/policies";
import { analyze, bothSnapshots, changeContainers, expectViolation, mandatory, mutate } from "./harness";

/**
 * `no-master-secret-in-services`: the database master secret is found by provenance (the secret whose
 * value is built from the same generated password as the RDS instance's), and a task definition that
 * an ECS service runs may not read it. The migration task, which no service runs, may.
 */

const POLICY = "no-master-secret-in-services";

describe("policy no-master-secret-in-services", function () {
  this.timeout(180_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  const masterArn = (s: StackSnapshot) => {
    const arn = s.resources.find((r) => r.name === "db-master" && r.custom)?.outputs.arn;
    assert.equal(typeof arn, "string");
    return String(arn);
  };
  const readMaster = (s: StackSnapshot, task: string) =>
    mutate(s, task, changeContainers((c) => {
      c[0].secrets = c[0].secrets.map((x) => (x.name === "DATABASE_PASSWORD" ? { ...x, valueFrom: `${masterArn(s)}:password::` } : x));
    }));

  it("passes both real stacks, whose migration task (and only it) reads the master secret", async () => {
    for (const s of [staging, production]) {
      const migrate = s.resources.find((r) => r.name === "migrations-task");
      assert.match(String(migrate?.inputs.containerDefinitions), new RegExp(`"DATABASE_ADMIN_PASSWORD","valueFrom":"${masterArn(s).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:password::"`));
      assert.deepEqual(mandatory(await analyze(s)).filter((v) => v.policyName === POLICY).map((v) => v.message), []);
    }
  });

  it("rejects a web task that reads the master secret, naming the service and the fix", async () => {
    const v = await analyze(readMaster(production, "web-task"));
    expectViolation(v, POLICY, /`web-task`/, /run by the service `web-service`/, /`DATABASE_PASSWORD` \(container `app`\)/, /`db-master`/);
    assert.match(policies.find((p) => p.name === POLICY)?.remediationSteps ?? "", /give services the application role's secret/i);
  });

  it("rejects a worker task that reads it in staging too", async () => {
    expectViolation(await analyze(readMaster(staging, "worker-task")), POLICY, /`worker-task`/, /`worker-service`/);
  });
});
