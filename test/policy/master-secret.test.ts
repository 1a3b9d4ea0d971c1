import * as assert from "node:assert/strict";
import type { StackSnapshot } from "../../tools/simulator/snapshot";
import { analyze, changeContainers, expectViolation, mutate, snapshotOf } from "./harness";

/**
 * `no-master-secret-in-services` end to end, through the real pack server: the database master secret
 * is found by provenance (the secret whose value is built from the same generated password as the RDS
 * instance's), and a task definition that an ECS service runs may not read it. Its cases run in
 * process: test/policy/rules/security.test.ts.
 */

const POLICY = "no-master-secret-in-services";

describe("policy no-master-secret-in-services", function () {
  this.timeout(180_000);
  let production: StackSnapshot;

  before(async () => {
    production = await snapshotOf("production");
  });

  const masterArn = (s: StackSnapshot) => {
    const arn = s.resources.find((r) => r.name === "db-master" && r.custom)?.outputs.arn;
    assert.equal(typeof arn, "string");
    return String(arn);
  };
  const readMaster = (s: StackSnapshot, task: string) =>
    mutate(
      s,
      task,
      changeContainers((c) => {
        c[0].secrets = c[0].secrets.map((x) =>
          x.name === "DATABASE_PASSWORD" ? { ...x, valueFrom: `${masterArn(s)}:password::` } : x,
        );
      }),
    );

  it("rejects a web task that reads the master secret, naming the service and the fix", async () => {
    const v = await analyze(readMaster(production, "web-task"));
    expectViolation(
      v,
      POLICY,
      /`web-task`/,
      /run by the service `web-service`/,
      /`DATABASE_PASSWORD` \(container `app`\)/,
      /`db-master`/,
    );
  });
});
