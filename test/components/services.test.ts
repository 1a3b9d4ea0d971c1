import * as assert from "node:assert/strict";
import { buildAppEnvironment, JOB_TIMEOUT_SECONDS } from "../../components/app-environment";
import { Cluster } from "../../components/cluster";
import { DataKey } from "../../components/data-key";
import { FargateService } from "../../components/fargate-service";
import { LogsKey, logsKeyPolicy } from "../../components/logs-key";
import { Migrations, MIGRATE_COMMAND } from "../../components/migrations";
import { Settings } from "../../config/settings";
import {
  appEnvironmentInputFor,
  json,
  named,
  ofType,
  parentType,
  promiseOf,
  renderStack,
  isProtected,
  renderBothStacks,
} from "../mocks";

interface ContainerDefinition {
  image: string;
  command: string[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  portMappings: { containerPort: number }[];
  stopTimeout: number;
  readonlyRootFilesystem: boolean;
  mountPoints: { sourceVolume: string; containerPath: string }[];
  logConfiguration: { options: Record<string, string> };
}

/** The app's processes as index.ts builds them, on plain inputs. */
function buildServices(s: Settings) {
  const prefix = `${s.project}-${s.environment}`;
  const key = new DataKey("data", { namePrefix: prefix, protectData: s.protectData });
  const logsKey = new LogsKey("logs", { namePrefix: prefix, region: s.region, protectData: s.protectData });
  const cluster = new Cluster("app", {
    namePrefix: prefix,
    logRetentionDays: s.app.logRetentionDays,
    kmsKeyArn: logsKey.arn,
  });
  const task = {
    image: s.app.image,
    cpu: s.app.web.cpu,
    memoryMb: s.app.web.memoryMb,
    environment: buildAppEnvironment(appEnvironmentInputFor(s)),
    executionRoleArn: `arn:aws:iam::${s.accountId}:role/exec`,
    taskRoleArn: `arn:aws:iam::${s.accountId}:role/task`,
    region: s.region,
    clusterArn: cluster.arn,
    subnetIds: ["subnet-a", "subnet-b"],
    securityGroupIds: ["sg-app"],
  };
  const migrations = new Migrations("migrations", {
    ...task,
    namePrefix: prefix,
    family: `${prefix}-migrate`,
    clusterName: cluster.name,
    logGroupName: cluster.logGroups.migrate.name,
    databaseIdentifier: `${prefix}-db-0123abcd`,
    logsKmsKeyArn: logsKey.arn,
  });
  const web = new FargateService("web", {
    ...task,
    family: `${prefix}-web`,
    serviceName: `${prefix}-web`,
    command: ["web"],
    port: 8080,
    desiredCount: s.app.web.desiredCount,
    logGroupName: cluster.logGroups.web.name,
    targetGroupArn: "arn:tg",
  });
  const worker = new FargateService("worker", {
    ...task,
    family: `${prefix}-worker`,
    serviceName: `${prefix}-worker`,
    command: ["worker"],
    cpu: s.app.worker.cpu,
    memoryMb: s.app.worker.memoryMb,
    desiredCount: s.app.worker.desiredCount,
    logGroupName: cluster.logGroups.worker.name,
  });
  return { key, logsKey, cluster, migrations, web, worker };
}

describe("components/services (cluster, web, worker, migrations, data key)", () => {
  const stacks = renderBothStacks(buildServices);
  const container = (r: typeof stacks.staging, task: string) =>
    json<ContainerDefinition[]>(named(r.resources, task).inputs.containerDefinitions)[0];

  it("runs web, worker and migrations from the same image with the same environment keys and secrets", () => {
    for (const r of [stacks.staging, stacks.production]) {
      const defs = ["web-task", "worker-task", "migrations-task"].map((t) => container(r, t));
      const keys = defs.map((d) => d.environment.map((e) => e.name).join(","));
      assert.equal(new Set(keys).size, 1, "processes disagree on environment keys");
      assert.ok(defs.every((d) => d.image === r.settings.app.image));
      assert.deepEqual(
        defs.map((d) => d.command),
        [["web"], ["worker"], MIGRATE_COMMAND],
      );
      for (const d of defs) {
        assert.deepEqual(
          d.secrets.map((x) => x.name),
          ["DATABASE_PASSWORD", "PAYMENTS_API_KEY", "SIGNING_KEY"],
        );
        assert.ok(!d.environment.some((e) => d.secrets.some((x) => x.name === e.name)));
        assert.equal(d.stopTimeout, JOB_TIMEOUT_SECONDS);
        assert.equal(d.readonlyRootFilesystem, true);
        assert.deepEqual(
          d.mountPoints.map((m) => m.containerPath),
          ["/tmp"],
        );
      }
      assert.deepEqual(named(r.resources, "web-task").inputs.volumes, [{ name: "scratch" }]);
      assert.equal(defs[1].environment.find((e) => e.name === "JOB_TIMEOUT_SECONDS")?.value, "120");
    }
    assert.equal(
      container(stacks.staging, "web-task")
        .environment.map((e) => e.name)
        .join(),
      container(stacks.production, "worker-task")
        .environment.map((e) => e.name)
        .join(),
    );
  });

  it("sizes counts by config and keeps deployment rules equal", () => {
    const service = (r: typeof stacks.staging, name: string) => named(r.resources, name).inputs;
    assert.equal(service(stacks.staging, "web-service").desiredCount, 1);
    assert.equal(service(stacks.production, "web-service").desiredCount, 3);
    assert.ok(
      Number(service(stacks.staging, "worker-service").desiredCount) <=
        Number(service(stacks.production, "worker-service").desiredCount),
    );
    for (const key of [
      "launchType",
      "deploymentCircuitBreaker",
      "deploymentMinimumHealthyPercent",
      "propagateTags",
      "waitForSteadyState",
    ]) {
      assert.deepEqual(
        service(stacks.staging, "web-service")[key],
        service(stacks.production, "web-service")[key],
        key,
      );
    }
    // A deploy returns only once the new tasks run, so tasks that never get healthy fail it.
    for (const r of [stacks.staging, stacks.production]) {
      for (const name of ["web-service", "worker-service"])
        assert.equal(service(r, name).waitForSteadyState, true, `${r.stack} ${name}`);
    }
    assert.deepEqual(service(stacks.production, "web-service").loadBalancers, [
      { targetGroupArn: "arn:tg", containerName: "app", containerPort: 8080 },
    ]);
    assert.deepEqual(service(stacks.production, "worker-service").loadBalancers, []);
    assert.equal(
      (service(stacks.production, "web-service").networkConfiguration as { assignPublicIp: boolean }).assignPublicIp,
      false,
    );
  });

  it("re-runs migrations when the image, the task or the database changes", async () => {
    const run = named(stacks.production.resources, "migrations-run").inputs;
    const triggers = run.triggers as Record<string, string>;
    assert.equal(triggers.image, stacks.production.settings.app.image);
    assert.equal(triggers.database, "parity-production-db-0123abcd");
    assert.equal(triggers.taskDefinition, await promiseOf(stacks.production.built.migrations.taskDefinition.arn));
    const input = json<{ taskDefinition: string; subnets: string[] }>(run.input);
    assert.deepEqual(input.subnets, ["subnet-a", "subnet-b"]);
    const runner = named(stacks.production.resources, "migrations-runner").inputs;
    assert.equal(runner.timeout, 900);
    const policy = json<{ Statement: { Sid: string; Resource: unknown }[] }>(
      named(stacks.production.resources, "migrations-runner-policy").inputs.policy,
    );
    assert.deepEqual(
      policy.Statement.map((s) => s.Sid),
      [
        "RunMigrationTask",
        "WatchMigrationTask",
        "TagMigrationTask",
        "StopMigrationTask",
        "PassTaskRoles",
        "RunnerLogs",
      ],
    );
    assert.ok(policy.Statement.every((s) => s.Resource !== "*"));
    assert.equal(policy.Statement[1].Resource, "arn:aws:ecs:us-east-1:123456789012:task/parity-production/*");
  });

  it("keeps logs per process with the stack's retention, and one rotating data key per stack", () => {
    const groups = (r: typeof stacks.staging) =>
      ofType(r.resources, "aws:cloudwatch/logGroup:LogGroup").map((g) => [g.inputs.name, g.inputs.retentionInDays]);
    assert.deepEqual(groups(stacks.staging), [
      ["/parity-staging/web", 14],
      ["/parity-staging/worker", 14],
      ["/parity-staging/migrate", 14],
      ["/aws/lambda/parity-staging-migrate", 30],
    ]);
    assert.equal(groups(stacks.production)[0][1], 365);
    assert.equal(named(stacks.production.resources, "data-key").inputs.enableKeyRotation, true);
    assert.equal(isProtected(stacks.production.built.key.key), true);
    assert.equal(named(stacks.staging.resources, "data-alias").inputs.name, "alias/parity-staging-data");
    for (const r of [stacks.staging, stacks.production]) {
      for (const [name, parent] of [
        ["web-service", "FargateService"],
        ["migrations-run", "Migrations"],
        ["app-ecs", "Cluster"],
        ["data-key", "DataKey"],
      ]) {
        assert.equal(parentType(named(r.resources, name)), `parity:components:${parent}`);
      }
    }
  });

  it("encrypts every log group with the stack's own logs key, which only its log groups may use", async () => {
    for (const r of [stacks.staging, stacks.production]) {
      const keyArn = await promiseOf(r.built.logsKey.arn);
      const groups = ofType(r.resources, "aws:cloudwatch/logGroup:LogGroup");
      assert.equal(groups.length, 4);
      for (const g of groups) assert.equal(g.inputs.kmsKeyId, keyArn, `${r.stack} ${String(g.inputs.name)}`);
      const key = named(r.resources, "logs-key").inputs;
      assert.equal(key.enableKeyRotation, true);
      const policy = json<{
        Statement: {
          Sid: string;
          Principal: Record<string, string>;
          Action: string | string[];
          Condition?: { ArnLike: Record<string, string[]> };
        }[];
      }>(key.policy);
      const account = r.settings.accountId;
      assert.deepEqual(policy.Statement[0].Principal, { AWS: `arn:aws:iam::${account}:root` });
      const logs = policy.Statement[1];
      assert.deepEqual(logs.Principal, { Service: "logs.us-east-1.amazonaws.com" });
      assert.ok(
        Array.isArray(logs.Action) && logs.Action.includes("kms:GenerateDataKey*") && !logs.Action.includes("kms:*"),
      );
      const prefix = `parity-${r.settings.environment}`;
      assert.deepEqual(logs.Condition?.ArnLike["kms:EncryptionContext:aws:logs:arn"], [
        `arn:aws:logs:us-east-1:${account}:log-group:/${prefix}/*`,
        `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/${prefix}-*`,
      ]);
      // Every log group the stack creates falls under the condition, or AWS refuses to create it.
      const patterns = logs.Condition?.ArnLike["kms:EncryptionContext:aws:logs:arn"] ?? [];
      const matches = (arn: string) =>
        patterns.some((p) => new RegExp(`^${p.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`).test(arn));
      for (const g of groups)
        assert.ok(
          matches(`arn:aws:logs:us-east-1:${account}:log-group:${String(g.inputs.name)}`),
          String(g.inputs.name),
        );
      assert.equal(named(r.resources, "logs-alias").inputs.name, `alias/${prefix}-logs`);
      assert.equal(isProtected(r.built.logsKey.key), r.settings.protectData);
    }
    assert.notEqual(
      await promiseOf(stacks.staging.built.logsKey.arn),
      await promiseOf(stacks.production.built.logsKey.arn),
    );
    const other = JSON.parse(
      logsKeyPolicy({ partition: "aws-us-gov", accountId: "111122223333", region: "us-gov-west-1", namePrefix: "x-y" }),
    ) as { Statement: { Principal: Record<string, string> }[] };
    assert.deepEqual(
      other.Statement.map((s) => s.Principal),
      [{ AWS: "arn:aws-us-gov:iam::111122223333:root" }, { Service: "logs.us-gov-west-1.amazonaws.com" }],
    );
  });

  it("refuses a load-balanced service without a port and a non-positive count", async () => {
    const base = (s: Settings) => ({
      clusterArn: "c",
      serviceName: "s",
      family: "f",
      image: s.app.image,
      command: ["web"],
      cpu: 256,
      memoryMb: 512,
      environment: buildAppEnvironment(appEnvironmentInputFor(s)),
      executionRoleArn: "e",
      taskRoleArn: "t",
      logGroupName: "l",
      region: s.region,
      subnetIds: [],
      securityGroupIds: [],
    });
    await assert.rejects(
      renderStack("staging", (s) => new FargateService("bad", { ...base(s), desiredCount: 1, targetGroupArn: "tg" })),
      /needs `port`/,
    );
    await assert.rejects(
      renderStack("staging", (s) => new FargateService("zero", { ...base(s), desiredCount: 0 })),
      /`desiredCount` must be a positive whole number, got 0/,
    );
  });
});
