import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { collectStack, REPO_ROOT } from "../tools/simulator/engine";
import { RealisticMocks } from "../tools/simulator/mocks";
import { MODELS } from "../tools/simulator/provider-model";
import { withoutDefaultsLists } from "../tools/simulator/provider-model/model";
import { STATE_SHAPES } from "../tools/simulator/provider-model/shapes";
import { readStateShape, readStateShapes } from "../tools/simulator/provider-model/write-shapes";
import { CollectedResource, StackSnapshot, UNKNOWN } from "../tools/simulator/snapshot";
import { toStackExport } from "../tools/simulator/stack-export";
import { FIXTURE_SEED, fixtureFile, fixtureSeed } from "../tools/simulator/write-fixtures";
import { parseCli } from "../tools/preview";
import { hosts } from "./policy/harness";

/**
 * The provider model answers like the AWS, random and tls providers: Check's checked inputs, then the
 * outputs of a deployed stack (update) or of a first deploy (create). The real program runs four times
 * (two seeds, two stacks, two scenarios); everything else is asserted on those runs.
 */

const custom = (s: StackSnapshot) => s.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
const ofType = (s: StackSnapshot, type: string) => s.resources.filter((r) => r.type === type);
const one = (s: StackSnapshot, name: string) => {
  const r = s.resources.find((x) => x.name === name);
  assert.ok(r, `no resource named ${name} in ${s.stack}`);
  return r;
};

/** Every string in a value, at any depth. */
function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v !== null && typeof v === "object") return Object.values(v).flatMap(strings);
  return [];
}

/** `actual` has everything `expected` has; a block may have more (what AWS fills into a block the program set in part). */
function assertContains(actual: unknown, expected: unknown, message: string): void {
  if (
    expected !== null &&
    typeof expected === "object" &&
    !Array.isArray(expected) &&
    actual !== null &&
    typeof actual === "object"
  ) {
    for (const [k, v] of Object.entries(expected))
      assertContains((actual as Record<string, unknown>)[k], v, `${message}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, message);
}

/**
 * Documented provider defaults and AWS-filled values a deployed resource reports when the program
 * leaves them unset. Sources: Terraform AWS provider docs (sqs_queue, cloudwatch_log_group, vpc,
 * db_instance, lb, lb_target_group, iam_role, secretsmanager_secret, kms_key, scheduler_schedule,
 * security_group with Pulumi's "Managed by Pulumi" description).
 */
const DOCUMENTED: Record<string, Record<string, unknown>> = {
  "aws:sqs/queue:Queue": {
    delaySeconds: 0,
    kmsDataKeyReusePeriodSeconds: 300,
    maxMessageSize: 262144,
    messageRetentionSeconds: 345600,
    receiveWaitTimeSeconds: 0,
    visibilityTimeoutSeconds: 30,
  },
  "aws:cloudwatch/logGroup:LogGroup": { logGroupClass: "STANDARD", skipDestroy: false, retentionInDays: 0 },
  "aws:ec2/vpc:Vpc": { instanceTenancy: "default", enableDnsSupport: true },
  "aws:rds/instance:Instance": {
    licenseModel: "postgresql-license",
    networkType: "IPV4",
    autoMinorVersionUpgrade: true,
    publiclyAccessible: false,
    monitoringInterval: 0,
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    loadBalancerType: "application",
    idleTimeout: 60,
    enableHttp2: true,
    desyncMitigationMode: "defensive",
  },
  "aws:lb/targetGroup:TargetGroup": { deregistrationDelay: 300, slowStart: 0 },
  "aws:iam/role:Role": { maxSessionDuration: 3600, path: "/", forceDetachPolicies: false },
  "aws:secretsmanager/secret:Secret": { recoveryWindowInDays: 30 },
  "aws:kms/key:Key": { keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT", isEnabled: true },
  "aws:scheduler/schedule:Schedule": { state: "ENABLED" },
  "aws:ec2/securityGroup:SecurityGroup": { description: "Managed by Pulumi", revokeRulesOnDelete: false },
};

describe("provider model", function () {
  this.timeout(240_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;
  let reseeded: StackSnapshot;
  let created: StackSnapshot;

  before(async () => {
    [staging, production, reseeded, created] = await Promise.all([
      collectStack({ stack: "staging", scenario: "update", seed: fixtureSeed("staging"), hosts }),
      collectStack({ stack: "production", scenario: "update", seed: fixtureSeed("production"), hosts }),
      collectStack({ stack: "staging", scenario: "update", seed: "another-deploy", hosts }),
      collectStack({ stack: "staging", scenario: "create", seed: FIXTURE_SEED, hosts }),
    ]);
  });

  it("records the scenario and seed in the snapshot, defaulting to an update with a fresh seed", async () => {
    assert.equal(staging.scenario, "update");
    assert.equal(staging.seed, fixtureSeed("staging"));
    assert.equal(created.scenario, "create");
    const defaults = new RealisticMocks({ stack: "staging", region: "us-east-1", accountId: "111111111111" });
    const again = new RealisticMocks({ stack: "staging", region: "us-east-1", accountId: "111111111111" });
    assert.equal(defaults.scenario, "update");
    assert.equal(defaults.seed, again.seed, "one run, one deploy history");
    const [first, second] = [parseCli(["--all"]), parseCli(["--all"])];
    assert.equal(first.scenario, "update");
    assert.match(first.seed, /^[0-9a-f]{8}$/);
    assert.notEqual(first.seed, second.seed, "two previews without --seed draw two seeds");
    assert.equal(parseCli(["--all", "--seed", "abc", "--scenario", "create"]).seed, "abc");
    assert.throws(() => parseCli(["--all", "--scenario", "destroy"]), /--scenario must be one of create, update/);
  });

  it("has a model for every resource type the program registers", () => {
    const types = new Set(
      custom(staging)
        .concat(custom(production))
        .map((r) => r.type),
    );
    assert.deepEqual([...types].filter((t) => !MODELS[t]).sort(), []);
  });

  it("keeps the committed state shapes equal to the installed providers' *State types", () => {
    assert.deepEqual(
      STATE_SHAPES,
      readStateShapes(Object.keys(MODELS), REPO_ROOT),
      "run `npm run fixtures` after upgrading @pulumi/aws, random or tls",
    );
  });

  it("gives outputs ⊇ checked inputs ⊇ inputs, with __defaults listing exactly what Check filled in", () => {
    for (const r of custom(staging)) {
      const checked = r.checkedInputs;
      assert.ok(checked, `${r.urn} has no checked inputs`);
      const plainChecked = withoutDefaultsLists(checked) as Record<string, unknown>;
      for (const [k, v] of Object.entries(r.inputs))
        assert.deepEqual(plainChecked[k], v, `${r.urn}: checked input ${k}`);
      for (const [k, v] of Object.entries(plainChecked)) assertContains(r.outputs[k], v, `${r.urn}: output ${k}`);
      if (!r.type.startsWith("aws:")) continue;
      const filled = checked["__defaults"] as string[];
      assert.ok(Array.isArray(filled), `${r.urn}: no top-level __defaults`);
      for (const k of filled)
        assert.equal(r.inputs[k], undefined, `${r.urn}: ${k} is listed in __defaults but the program set it`);
      for (const k of Object.keys(MODELS[r.type]?.defaults ?? {})) {
        if (r.inputs[k] === undefined) assert.ok(filled.includes(k), `${r.urn}: default ${k} filled in but not listed`);
      }
    }
  });

  it("writes an empty __defaults into every nested object of an AWS resource's checked inputs, as the bridge does", () => {
    const subnet = one(staging, "network-public-0");
    assert.deepEqual(
      (subnet.checkedInputs?.["tags"] as Record<string, unknown> | undefined)?.["__defaults"],
      [],
      "tags is a map: it gets an empty list",
    );
    const queue = ofType(staging, "aws:sqs/queue:Queue")[0];
    assert.deepEqual((queue.checkedInputs?.["tagsAll"] as Record<string, unknown>)["__defaults"], []);
    const random = ofType(staging, "random:index/randomPassword:RandomPassword")[0];
    assert.equal(random.checkedInputs?.["__defaults"], undefined, "a plugin-framework resource gets no __defaults");
  });

  it("gives every registered type every property of its *State type, region and tagsAll, and nothing else", () => {
    for (const s of [staging, production]) {
      const provider = s.resources.find((r) => r.type === "pulumi:providers:aws");
      const defaultTags = (JSON.parse(String(provider?.inputs["defaultTags"])) as { tags: Record<string, string> })
        .tags;
      const region = String(provider?.inputs["region"]);
      for (const r of custom(s)) {
        const shape = readStateShape(r.type, REPO_ROOT);
        const missing = Object.keys(shape).filter((k) => !(k in r.outputs));
        assert.deepEqual(missing, [], `${r.urn} lacks outputs a deployed ${r.type} has`);
        const invented = Object.keys(r.outputs).filter((k) => k !== "id" && !(k in shape));
        assert.deepEqual(invented, [], `${r.urn} has outputs ${r.type} does not have`);
        if ("region" in shape) assert.equal(r.outputs["region"], region, `${r.urn}: region`);
        if ("tagsAll" in shape)
          assert.deepEqual(
            r.outputs["tagsAll"],
            { ...defaultTags, ...((r.inputs["tags"] as object | undefined) ?? {}) },
            `${r.urn}: tagsAll`,
          );
      }
    }
  });

  it("fills in each type's documented defaults where the program leaves them unset", () => {
    let checked = 0;
    for (const [type, defaults] of Object.entries(DOCUMENTED)) {
      const resources = ofType(staging, type);
      assert.ok(resources.length > 0, `the program no longer registers ${type}; update DOCUMENTED`);
      for (const r of resources) {
        for (const [k, v] of Object.entries(defaults)) {
          if (r.inputs[k] !== undefined) continue;
          assert.deepEqual(r.outputs[k], v, `${r.urn}: ${k}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 30, `only ${checked} defaults were left to the provider`);
  });

  it("leaves ids, ARNs and other computed values unknown in a create preview, and their dependants' inputs too", () => {
    for (const r of custom(created)) {
      if (!r.type.startsWith("aws:")) continue;
      assert.equal(r.id, undefined, `${r.urn} has an id before it exists`);
      assert.equal(r.outputs["id"], UNKNOWN, `${r.urn}: id`);
      if ("arn" in STATE_SHAPES[r.type] && r.inputs["arn"] === undefined)
        assert.equal(r.outputs["arn"], UNKNOWN, `${r.urn}: arn`);
    }
    const subnets = ofType(created, "aws:ec2/subnet:Subnet");
    assert.ok(
      subnets.length > 0 && subnets.every((s) => s.inputs["vpcId"] === UNKNOWN),
      "a subnet's vpcId is unknown until the VPC exists",
    );
    assert.equal(
      one(created, "db-instance").inputs["identifier"],
      UNKNOWN,
      "the identifier's random suffix is generated on create",
    );
  });

  it("knows every value of a deployed stack", () => {
    for (const r of staging.resources) {
      assert.ok(
        !strings([r.inputs, r.checkedInputs ?? {}, r.outputs]).includes(UNKNOWN),
        `${r.urn} has an unknown value`,
      );
      if (r.custom) assert.ok(r.id, `${r.urn} has no id`);
    }
  });

  it("puts task definitions at a later revision, drawn from the seed", () => {
    const revisions = ofType(staging, "aws:ecs/taskDefinition:TaskDefinition").map((r) => {
      const revision = r.outputs["revision"] as number;
      assert.ok(revision > 1, `${r.urn} is at revision ${revision}`);
      assert.ok(String(r.outputs["arn"]).endsWith(`:${revision}`), `${r.urn}: the ARN names the revision`);
      return revision;
    });
    const other = ofType(reseeded, "aws:ecs/taskDefinition:TaskDefinition").map((r) => r.outputs["revision"]);
    assert.notDeepEqual(other, revisions, "another deploy history, other revisions");
  });

  it("draws generated values from the seed: another seed differs (the same seed and type answer alike whatever the stack: below)", () => {
    const generated = (s: StackSnapshot) => ({
      dataKey: one(s, "data-key").outputs["keyId"],
      identifier: one(s, "db-instance").outputs["identifier"],
      vpc: ofType(s, "aws:ec2/vpc:Vpc")[0].id,
    });
    const a = generated(staging);
    const b = generated(reseeded);
    for (const k of Object.keys(a) as (keyof typeof a)[])
      assert.notEqual(a[k], b[k], `${k} did not change with the seed`);
    // The fixtures' stacks are two deploys, each with its own seed: nothing generated is shared.
    const p = generated(production);
    for (const k of Object.keys(a) as (keyof typeof a)[])
      assert.notEqual(p[k], a[k], `${k} is the same in both fixture stacks`);
    assert.notDeepEqual(
      one(production, "db-password").outputs["result"],
      one(staging, "db-password").outputs["result"],
    );
  });

  it("answers the same for the same seed and type, whatever the stack", () => {
    const kms = (stack: string, seed: string) =>
      new RealisticMocks({ stack, region: "us-east-1", accountId: "111111111111", seed }).newResource({
        type: "aws:kms/key:Key",
        name: "k",
        inputs: {},
        custom: true,
      });
    assert.deepEqual(kms("staging", "s1"), kms("production", "s1"));
    assert.notDeepEqual(kms("staging", "s1").id, kms("staging", "s2").id);
  });

  it("keeps the committed deployed-state fixtures equal to what `npm run fixtures` writes", () => {
    for (const s of [staging, production]) {
      const committed: unknown = JSON.parse(fs.readFileSync(fixtureFile(s.stack), "utf8"));
      assert.deepEqual(
        committed,
        JSON.parse(JSON.stringify(toStackExport(s, { secrets: "plaintext" }))),
        `run \`npm run fixtures\` and commit test/fixtures/deployed/${s.stack}.export.json`,
      );
    }
  });

  it("sends Analyze the checked inputs: resources whose inputs differ from them exist", () => {
    const differing = custom(staging).filter(
      (r: CollectedResource) => JSON.stringify(r.checkedInputs) !== JSON.stringify(r.inputs),
    );
    assert.ok(
      differing.length > custom(staging).length / 2,
      `only ${differing.length} resources gained anything in Check`,
    );
  });
});
