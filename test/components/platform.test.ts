import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { collectStack } from "../../tools/simulator/engine";
import { CollectedResource, reveal, StackSnapshot } from "../../tools/simulator/snapshot";
import { loadStackSettings, ROOT } from "../mocks";
import { bothSnapshots, hosts } from "../policy/harness";

const WORKFLOWS = path.join(ROOT, ".github", "workflows");

/**
 * The whole program (index.ts) on the offline engine, one child process per stack (shared with the
 * other test files): what `pulumi up` would register, compared across the two stacks.
 */
describe("platform (index.ts, both stacks)", function () {
  this.timeout(180_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;
  before(async () => {
    [staging, production] = await bothSnapshots();
  });
  const key = (r: CollectedResource) => `${r.type}::${r.name}`;
  // The root Stack resource is named after the stack by Pulumi itself; everything else is ours.
  const byKey = (s: StackSnapshot) =>
    new Map(s.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => [key(r), r]));

  it("registers every component the platform needs", () => {
    for (const s of [staging, production]) {
      const types = new Set(s.resources.map((r) => r.type));
      for (const type of [
        "Network",
        "DataKey",
        "Database",
        "Storage",
        "JobQueues",
        "AuthClients",
        "HttpsEndpoint",
        "Integrations",
        "Cluster",
        "AppRoles",
        "FargateService",
        "Migrations",
      ]) {
        assert.ok(types.has(`parity:components:${type}`), `${s.stack}: no ${type}`);
      }
      for (const type of [
        "aws:rds/instance:Instance",
        "aws:lambda/invocation:Invocation",
        "aws:scheduler/schedule:Schedule",
        "aws:lb/listener:Listener",
        "aws:cognito/userPoolClient:UserPoolClient",
        "aws:sesv2/emailIdentity:EmailIdentity",
        "tls:index/privateKey:PrivateKey",
      ]) {
        assert.ok(types.has(type), `${s.stack}: no ${type}`);
      }
    }
  });

  it("sends every AWS resource through the explicit provider and parents everything to a component", () => {
    for (const s of [staging, production]) {
      const provider = s.resources.find((r) => r.type === "pulumi:providers:aws");
      assert.ok(provider, "no explicit aws provider");
      for (const r of s.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
        assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.urn} uses provider ${r.provider}`);
      }
      for (const r of s.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:"))) {
        assert.match(r.parent ?? "", /::parity:components:/, `${r.urn} is not inside a component`);
      }
    }
  });

  it("uses stack-independent logical names, and differs in resources only by NAT sizing and seeded accounts", () => {
    for (const s of [staging, production]) {
      for (const r of s.resources.filter((x) => x.type !== "pulumi:pulumi:Stack"))
        assert.ok(!/staging|production/.test(r.name), `logical name ${r.name} names an environment`);
    }
    const only = (a: StackSnapshot, b: StackSnapshot) => [...byKey(a).keys()].filter((k) => !byKey(b).has(k)).sort();
    assert.deepEqual(only(production, staging), [
      "aws:ec2/eip:Eip::network-nat-1-ip",
      "aws:ec2/natGateway:NatGateway::network-nat-1",
    ]);
    const stagingOnly = only(staging, production);
    assert.ok(stagingOnly.length > 0);
    assert.ok(
      stagingOnly.every((k) => /::auth-seed/.test(k)),
      `unexpected staging-only resources: ${stagingOnly.join(", ")}`,
    );
  });

  it("shares no key, role, secret or user pool between stacks even when the provider hands both the same ids", async () => {
    // One seed for both stacks (the provider model's seeds never depend on the stack): every generated
    // id and suffix is production's, so only what the program builds (each stack's own account and
    // names) can keep them apart.
    const shared = staging;
    const identity: Record<string, string> = {
      "aws:kms/key:Key": "arn",
      "aws:iam/role:Role": "arn",
      "aws:secretsmanager/secret:Secret": "arn",
      "aws:cognito/userPool:UserPool": "arn",
    };
    const prod = byKey(production);
    let compared = 0;
    for (const r of shared.resources) {
      const field = identity[r.type];
      const twin = prod.get(key(r));
      if (!field || !twin) continue;
      compared++;
      const value = reveal(r.outputs[field]);
      assert.ok(typeof value === "string" && value !== "", `${key(r)} has no ${field}`);
      assert.notEqual(value, reveal(twin.outputs[field]), `${key(r)}.${field} is identical in both stacks`);
    }
    assert.ok(compared >= 10, `only ${compared} identity values compared`);
    const kmsKeyIds = (s: StackSnapshot) =>
      s.resources.filter((r) => r.type === "aws:kms/key:Key").map((r) => r.outputs.keyId);
    assert.deepEqual(
      kmsKeyIds(shared),
      kmsKeyIds(production),
      "the seed did not make the provider's ids equal, so this test proves nothing",
    );
  });

  it("keeps structural settings equal and sizes staging no larger than production", () => {
    const s = loadStackSettings("staging");
    const p = loadStackSettings("production");
    assert.deepEqual(
      [s.queues, s.scheduleTimezone, s.http, s.storage.maxUploadMb, s.app.image.split(":").pop()],
      [p.queues, p.scheduleTimezone, p.http, p.storage.maxUploadMb, p.app.image.split(":").pop()],
    );
    assert.ok(s.network.natGateways <= p.network.natGateways);
    assert.ok(s.database.allocatedStorageGb <= p.database.allocatedStorageGb);
    assert.ok(
      s.app.web.desiredCount <= p.app.web.desiredCount &&
        s.app.web.cpu <= p.app.web.cpu &&
        s.app.web.memoryMb <= p.app.web.memoryMb,
    );
    assert.ok(
      s.app.worker.desiredCount <= p.app.worker.desiredCount && s.app.worker.concurrency <= p.app.worker.concurrency,
    );
    assert.ok(s.app.worker.cpu <= p.app.worker.cpu && s.app.worker.memoryMb <= p.app.worker.memoryMb);
    assert.ok(s.app.logRetentionDays <= p.app.logRetentionDays);
    assert.notEqual(s.domain, p.domain);
  });

  it("sizes the worker's task by the worker keys, and web and migrations by the web keys", async () => {
    const resized = await collectStack({
      stack: "staging",
      configOverrides: { "parity:workerCpu": "1024", "parity:workerMemoryMb": "3072" },
      hosts,
    });
    const size = (name: string) => {
      const task = resized.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === name);
      assert.ok(task, `no task definition ${name}`);
      return [reveal(task.inputs.cpu), reveal(task.inputs.memory)];
    };
    assert.deepEqual(size("worker-task"), ["1024", "3072"]);
    assert.deepEqual(size("web-task"), ["256", "512"]);
    assert.deepEqual(size("migrations-task"), ["256", "512"]);
  });

  it("exports the same environment keys for both stacks, and simulated state for staging only", () => {
    assert.deepEqual(reveal(staging.outputs.appEnvironment), reveal(production.outputs.appEnvironment));
    assert.equal(reveal(staging.outputs.simulatedIntegrations), "email,payments,sms");
    assert.equal(reveal(production.outputs.simulatedIntegrations), "");
    assert.equal(reveal(staging.outputs.baseUrl), "https://staging.app.example.com");
  });

  it("exports every stack output RELEASING.md, the workflows and the rollout check read", () => {
    const readers = [
      path.join(ROOT, "RELEASING.md"),
      path.join(ROOT, "tools", "release", "check-rollout.sh"),
      ...fs.readdirSync(WORKFLOWS).map((f) => path.join(WORKFLOWS, f)),
    ];
    // `pulumi stack output X`, `steps.up.outputs.X`, the script's `$(output X)`, RELEASING's `for service in X Y;`.
    const reference =
      /pulumi stack output ([A-Za-z]+)|steps\.up\.outputs\.([A-Za-z]+)|\$\(output ([A-Za-z]+)\)|for service in ([A-Za-z ]+);/g;
    const read = new Set<string>();
    for (const file of readers) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(reference)) {
        for (const name of (m[1] ?? m[2] ?? m[3] ?? m[4]).split(" ")) read.add(name);
      }
    }
    for (const name of ["baseUrl", "clusterName", "webService", "workerService", "databaseIdentifier"])
      assert.ok(read.has(name), `nothing reads ${name}; found ${[...read].join(", ")}`);
    for (const s of [staging, production]) {
      for (const name of read)
        assert.ok(reveal(s.outputs[name]) !== undefined, `${s.stack} does not export \`${name}\``);
    }
    assert.deepEqual(
      [reveal(staging.outputs.clusterName), reveal(production.outputs.clusterName)],
      ["parity-staging", "parity-production"],
    );
  });
});
