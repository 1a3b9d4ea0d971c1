import * as assert from "node:assert/strict";
import { bucketNameProblems, engineVersionProblem } from "../config/aws-rules";
import { classify, replacementHazard } from "../policy/engine/contract";
import type { CollectedResource, StackSnapshot } from "../tools/simulator/snapshot";
import { snapshotOf } from "./policy/harness";
import { revealAll } from "./mocks";

/**
 * What the first real `pulumi up` of each stack sends AWS, read from the real program run offline
 * (the snapshot the preview and the policy pack see): each check is an AWS or provider rule that
 * would otherwise fail the deploy or make an operation behave unlike its documentation.
 */

const STACKS = ["staging", "production"] as const;

describe("the first real deploy (real program, offline)", function () {
  this.timeout(180_000);
  const snapshots: Partial<Record<(typeof STACKS)[number], StackSnapshot>> = {};
  before(async () => {
    for (const stack of STACKS) snapshots[stack] = await snapshotOf(stack);
  });
  const resource = (stack: (typeof STACKS)[number], name: string): CollectedResource => {
    const r = snapshots[stack]?.resources.find((x) => x.name === name && x.custom);
    assert.ok(r, `${stack} has no resource ${name}`);
    return r;
  };
  const inputs = (stack: (typeof STACKS)[number], name: string) =>
    revealAll(resource(stack, name).inputs) as Record<string, unknown>;
  const outputs = (stack: (typeof STACKS)[number], name: string) =>
    revealAll(resource(stack, name).outputs) as Record<string, unknown>;
  const containers = (stack: (typeof STACKS)[number], task: string) =>
    JSON.parse(String(inputs(stack, task).containerDefinitions)) as {
      environment: { name: string; value: string }[];
      secrets: { name: string; valueFrom: string }[];
    }[];
  const statements = (stack: (typeof STACKS)[number], policy: string) =>
    (
      JSON.parse(String(inputs(stack, policy).policy)) as {
        Statement: {
          Sid: string;
          Action: string | string[];
          Resource: string | string[];
          Condition?: Record<string, Record<string, string>>;
        }[];
      }
    ).Statement;

  it("creates PostgreSQL by major version with automatic minor upgrades, applied when deployed, in both stacks", () => {
    for (const stack of STACKS) {
      const db = inputs(stack, "db-instance");
      assert.equal(db.engineVersion, "16");
      assert.equal(db.autoMinorVersionUpgrade, true);
      assert.equal(engineVersionProblem(String(db.engineVersion), db.autoMinorVersionUpgrade === true), undefined);
      assert.equal(db.applyImmediately, true, `${stack}: a size change would wait for the maintenance window`);
    }
    // The contract compares the declared version; the minor AWS reports is the provider's.
    assert.equal(classify("aws:rds/instance:Instance", "engineVersion"), "structural");
    assert.equal(classify("aws:rds/instance:Instance", "engineVersionActual"), "identity");
  });

  it("rebuilds the database on a reset: replacement forced on `identifier`, old instance deleted first, no staging snapshot", () => {
    for (const stack of STACKS) {
      const options = resource(stack, "db-instance").options;
      assert.deepEqual(options.replaceOnChanges, ["identifier"], stack);
      assert.equal(options.deleteBeforeReplace, true, stack);
    }
    assert.equal(inputs("staging", "db-instance").skipFinalSnapshot, true);
    assert.equal(resource("staging", "db-instance").options.protect, false);
    assert.equal(inputs("production", "db-instance").skipFinalSnapshot, false);
    assert.match(String(inputs("production", "db-instance").finalSnapshotIdentifier), /-final$/);
    assert.equal(resource("production", "db-instance").options.protect, true);
    // The replacement-hazard data says what the provider really does with `identifier`.
    assert.match(
      String(replacementHazard("aws:rds/instance:Instance", "identifier")?.destroys),
      /forces a replacement on `identifier`.*rename the instance in place/,
    );
  });

  it("names buckets with the account id, within S3's naming rules, and keeps the name out of the parity contract", () => {
    for (const stack of STACKS) {
      const account = snapshots[stack]?.config["parity:awsAccountId"];
      for (const [name, role] of [
        ["uploads-bucket", "uploads"],
        ["integrations-outbox-bucket", "email-outbox"],
      ]) {
        const bucket = String(inputs(stack, name).bucket);
        assert.equal(bucket, `parity-${stack}-${role}-${account}`);
        assert.deepEqual(bucketNameProblems(bucket), []);
      }
    }
    assert.equal(classify("aws:s3/bucket:Bucket", "bucket"), "identity");
  });

  it("gives web and worker only the application role's secret; only the migration task reads the master's", () => {
    for (const stack of STACKS) {
      const master = String(outputs(stack, "db-master").arn);
      const app = String(outputs(stack, "db-app").arn);
      for (const task of ["web-task", "worker-task"]) {
        const [c] = containers(stack, task);
        assert.equal(
          c.secrets.find((s) => s.name === "DATABASE_PASSWORD")?.valueFrom,
          `${app}:password::`,
          `${stack} ${task}`,
        );
        assert.ok(!JSON.stringify(c).includes(master), `${stack} ${task} references the master secret`);
        assert.equal(c.environment.find((e) => e.name === "DATABASE_USER")?.value, "app_user");
      }
      const [m] = containers(stack, "migrations-task");
      assert.equal(m.secrets.find((s) => s.name === "DATABASE_ADMIN_PASSWORD")?.valueFrom, `${master}:password::`);
      assert.equal(m.environment.find((e) => e.name === "DATABASE_ADMIN_USER")?.value, "app_admin");
      const readable = (policy: string) => statements(stack, policy).find((s) => s.Sid === "ReadAppSecrets")?.Resource;
      assert.ok(
        !([] as string[]).concat(readable("app-execution-policy") ?? []).includes(master),
        `${stack}: the services' execution role can read the master secret`,
      );
      assert.ok(([] as string[]).concat(readable("app-migrate-execution-policy") ?? []).includes(master));
      assert.equal(inputs(stack, "migrations-task").executionRoleArn, outputs(stack, "app-migrate-execution").arn);
      assert.equal(inputs(stack, "web-task").executionRoleArn, outputs(stack, "app-execution").arn);
    }
  });

  it("lets the migration runner stop only its own family's tasks", () => {
    for (const stack of STACKS) {
      const stop = statements(stack, "migrations-runner-policy").find((s) => s.Sid === "StopMigrationTask");
      assert.ok(stop, stack);
      assert.equal(stop.Action, "ecs:StopTask");
      assert.match(String(stop.Resource), new RegExp(`^arn:aws:ecs:us-east-1:\\d{12}:task/parity-${stack}/\\*$`));
      assert.deepEqual(stop.Condition?.StringEquals, {
        "aws:ResourceTag/parity:task-family": `parity-${stack}-migrate`,
      });
      const input = JSON.parse(String(inputs(stack, "migrations-run").input)) as { family: string };
      assert.equal(input.family, `parity-${stack}-migrate`);
    }
  });

  it("sends Cognito's mail through the stack's own SES identity, staging included", () => {
    for (const stack of STACKS) {
      const email = inputs(stack, "auth-users").emailConfiguration as Record<string, string>;
      assert.equal(email.emailSendingAccount, "DEVELOPER", stack);
      assert.equal(email.sourceArn, outputs(stack, "integrations-email-identity").arn);
      assert.equal(email.fromEmailAddress, `no-reply@${snapshots[stack]?.config["parity:domain"]}`);
    }
  });
});
