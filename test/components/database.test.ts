import * as assert from "node:assert/strict";
import { Database, POSTGRES_ENGINE_VERSION } from "../../components/database";
import { Settings } from "../../config/settings";
import {
  json,
  named,
  ofType,
  parentType,
  promiseOf,
  renderStack,
  RenderedStack,
  isProtected,
  renderBothStacks,
} from "../mocks";

const APP_SG = "sg-0app";
const KEY = (s: Settings) => `arn:aws:kms:${s.region}:${s.accountId}:key/data`;
const build = (s: Settings) =>
  new Database("db", {
    namePrefix: `${s.project}-${s.environment}`,
    vpcId: "vpc-0test",
    subnetIds: ["subnet-a", "subnet-b"],
    appSecurityGroupId: APP_SG,
    kmsKeyArn: KEY(s),
    ...s.database,
    protectData: s.protectData,
  });

describe("components/database", () => {
  const stacks = renderBothStacks(build);
  const instance = (r: RenderedStack<Database>) => named(r.resources, "db-instance").inputs;

  it("runs the same pinned PostgreSQL with the same structural parameters in both stacks", () => {
    for (const r of [stacks.staging, stacks.production]) {
      assert.equal(instance(r).engine, "postgres");
      assert.equal(instance(r).engineVersion, POSTGRES_ENGINE_VERSION);
      assert.equal(instance(r).storageEncrypted, true);
      assert.equal(instance(r).kmsKeyId, KEY(r.settings));
      assert.equal(instance(r).publiclyAccessible, false);
      assert.ok(
        r.resources.filter((x) => x.custom).every((x) => parentType(x) === "parity:components:Database"),
        "a child is not parented to the component",
      );
    }
    const params = (r: RenderedStack<Database>) =>
      named(r.resources, "db-params").inputs.parameters as { name: string; value: string }[];
    assert.deepEqual(params(stacks.staging), params(stacks.production));
    const byName = Object.fromEntries(params(stacks.production).map((p) => [p.name, p.value]));
    assert.equal(byName["timezone"], "UTC");
    assert.equal(byName["rds.force_ssl"], "1");
    assert.match(byName["shared_preload_libraries"], /pg_stat_statements/);
  });

  it("admits port 5432 only from the app's security group", () => {
    const ingress = named(stacks.production.resources, "db-sg").inputs.ingress as {
      fromPort: number;
      toPort: number;
      securityGroups?: string[];
      cidrBlocks?: string[];
    }[];
    assert.equal(ingress.length, 1);
    assert.deepEqual(ingress[0].securityGroups, [APP_SG]);
    assert.equal(ingress[0].fromPort, 5432);
    assert.equal(ingress[0].cidrBlocks, undefined);
  });

  it("protects stacks.production data and sizes stacks.staging smaller", () => {
    const p = instance(stacks.production);
    const s = instance(stacks.staging);
    assert.equal(p.deletionProtection, true);
    assert.equal(p.skipFinalSnapshot, false);
    assert.match(String(p.finalSnapshotIdentifier), /^parity-production-db-[0-9a-f]{8}-final$/);
    assert.ok(Number(p.backupRetentionPeriod) >= 7);
    assert.equal(isProtected(stacks.production.built.instance), true);
    assert.equal(isProtected(stacks.staging.built.instance), false);
    assert.equal(s.deletionProtection, false);
    assert.equal(s.instanceClass, "db.t4g.micro");
    assert.ok(Number(s.allocatedStorage) < Number(p.allocatedStorage));
  });

  it("generates a per-stack master password kept in Secrets Manager under the stack's key", async () => {
    const passwords = await Promise.all(
      [stacks.staging, stacks.production].map((r) =>
        promiseOf(named(r.resources, "db-password").outputs.result as string),
      ),
    );
    assert.notEqual(passwords[0], passwords[1]);
    assert.equal(instance(stacks.production).password, passwords[1]);
    assert.ok(
      named(stacks.production.resources, "db-instance").secretInputs.includes("password"),
      "the password reached RDS unmarked",
    );
    const secret = named(stacks.production.resources, "db-master");
    assert.equal(secret.inputs.kmsKeyId, KEY(stacks.production.settings));
    const stored = json<{ password: string; host: string }>(
      named(stacks.production.resources, "db-master-value").inputs.secretString,
    );
    assert.equal(stored.password, passwords[1]);
    assert.match(await promiseOf(stacks.production.built.passwordValueFrom), /^arn:aws:secretsmanager:.*:password::$/);
  });

  it("rebuilds the stacks.staging database when the reset token changes, and only then", async () => {
    const identifier = async (token: string) => {
      const r = await renderStack("staging", build, { "parity:dbResetToken": token });
      return promiseOf(r.built.identifier);
    };
    const first = await identifier("2026-11-01");
    assert.equal(await identifier("2026-11-01"), first);
    const second = await identifier("2026-12-24");
    assert.notEqual(second, first);
    assert.match(second, /^parity-staging-db-[0-9a-f]{8}$/);
    assert.deepEqual(named(stacks.staging.resources, "db-reset").inputs.keepers, { resetToken: "2026-11-01" });
    assert.deepEqual(named(stacks.production.resources, "db-reset").inputs.keepers, { resetToken: "" });
  });

  it("refuses a storage ceiling below the allocated storage", async () => {
    await assert.rejects(
      renderStack(
        "staging",
        () =>
          new Database("bad", {
            namePrefix: "x",
            vpcId: "v",
            subnetIds: [],
            appSecurityGroupId: "sg",
            kmsKeyArn: "k",
            instanceClass: "db.t4g.micro",
            allocatedStorageGb: 50,
            maxAllocatedStorageGb: 20,
          }),
      ),
      /`maxAllocatedStorageGb` \(20\) must be at least `allocatedStorageGb` \(50\)/,
    );
    assert.equal(ofType(stacks.production.resources, "aws:rds/instance:Instance").length, 1);
  });
});
