import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { collectStack, ProgramError } from "../tools/simulator/engine";
import { CollectedResource, isSecretValue, reveal, StackSnapshot } from "../tools/simulator/snapshot";
import { OFFLINE_SECRET_PLACEHOLDER, loadStackConfig } from "../tools/simulator/stack-config";
import { hosts, snapshotOf } from "./policy/harness";

const FIXTURE = path.join(__dirname, "fixtures", "preview", "program");

function byName(snapshot: StackSnapshot, name: string): CollectedResource {
  const found = snapshot.resources.find((r) => r.name === name);
  assert.ok(found, `no resource named ${name}; got ${snapshot.resources.map((r) => r.name).join(", ")}`);
  return found;
}

async function programError(promise: Promise<unknown>): Promise<ProgramError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ProgramError, `expected a ProgramError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected the preview to fail");
}

describe("offline engine: the fixture program", () => {
  let snapshot: StackSnapshot;
  before(async () => {
    snapshot = await collectStack({ stack: "dev", root: FIXTURE, hosts });
  });

  it("records the root stack, components and custom resources with engine-shaped URNs", () => {
    const stack = byName(snapshot, "fixture-dev");
    assert.equal(stack.urn, "urn:pulumi:dev::fixture::pulumi:pulumi:Stack::fixture-dev");
    const store = byName(snapshot, "store0");
    assert.equal(store.custom, false);
    assert.equal(store.parent, stack.urn);
    // The engine leaves the root stack out of qualified types and keeps the component chain.
    assert.equal(store.urn, "urn:pulumi:dev::fixture::fixture:index:Storage::store0");
    const bucket = byName(snapshot, "store0-bucket");
    assert.equal(bucket.urn, "urn:pulumi:dev::fixture::fixture:index:Storage$aws:s3/bucketV2:BucketV2::store0-bucket");
    assert.equal(bucket.parent, store.urn);
    assert.equal(
      snapshot.resources.filter((r) => r.type === "aws:s3/bucketV2:BucketV2").length,
      2,
      "bucketCount: 2 from the stack file",
    );
  });

  it("records every resource option the program set", () => {
    const bucket = byName(snapshot, "store0-bucket");
    assert.deepEqual(bucket.options.ignoreChanges, ["tags"]);
    assert.equal(bucket.options.deleteBeforeReplace, true);
    assert.deepEqual(bucket.options.replaceOnChanges, ["bucket"]);
    assert.deepEqual(bucket.options.customTimeouts, { create: "5m", delete: "10m" });
    assert.deepEqual(bucket.options.additionalSecretOutputs, ["bucketDomainName"]);
    assert.deepEqual(bucket.options.aliases, [
      "urn:pulumi:dev::fixture::fixture:index:Storage$aws:s3/bucketV2:BucketV2::store0-old-bucket",
    ]);
    const key = byName(snapshot, "store0-key");
    assert.equal(key.options.protect, true);
    assert.equal(key.options.retainOnDelete, true);
    assert.equal(bucket.options.protect, false);
  });

  it("records the provider reference, dependencies and property dependencies", () => {
    const provider = byName(snapshot, "aws");
    assert.equal(provider.type, "pulumi:providers:aws");
    assert.equal(provider.inputs["region"], "eu-west-1");
    const key = byName(snapshot, "store0-key");
    // The engine's provider reference: `<urn>::<id>`; children inherit their component's provider.
    assert.ok(key.provider?.startsWith(`${provider.urn}::`), key.provider);
    const encryption = byName(snapshot, "store0-encryption");
    const bucket = byName(snapshot, "store0-bucket");
    assert.deepEqual(encryption.propertyDependencies["bucket"], [bucket.urn]);
    assert.deepEqual(encryption.propertyDependencies["rules"], [key.urn]);
    assert.ok(encryption.dependencies.includes(key.urn), "dependsOn is recorded");
    assert.equal(encryption.inputs["bucket"], bucket.outputs["bucket"], "inputs carry the mock's realistic outputs");
  });

  it("keeps secrets in the wire encoding and records component and stack outputs", () => {
    const secret = byName(snapshot, "api-key");
    assert.ok(isSecretValue(secret.inputs["description"]), JSON.stringify(secret.inputs));
    assert.equal(reveal(secret.inputs["description"]), "payments key");
    const bucket = byName(snapshot, "store0-bucket");
    assert.match(String(bucket.outputs["arn"]), /^arn:aws:s3:::store0-bucket-[0-9a-f]{7}$/);
    assert.deepEqual(byName(snapshot, "store0").outputs, { bucketArn: bucket.outputs["arn"] });
    assert.deepEqual(snapshot.outputs["bucketArns"], [
      bucket.outputs["arn"],
      byName(snapshot, "store1-bucket").outputs["arn"],
    ]);
    assert.equal(snapshot.config["fixture:apiKey"], "[secret]");
    assert.equal(snapshot.config["fixture:label"], "dev");
  });
});

describe("offline engine: config as the CLI loads it", () => {
  it("applies declared defaults, the stack file, then overrides, and types values as strings", () => {
    const config = loadStackConfig({ root: FIXTURE, stack: "dev", configOverrides: { "fixture:label": "override" } });
    assert.equal(config.values["fixture:bucketCount"], "2");
    assert.equal(config.values["fixture:encrypt"], "true", "declared default");
    assert.equal(config.values["fixture:label"], "override");
    assert.equal(config.values["aws:region"], "eu-west-1");
    assert.deepEqual(config.secretKeys, ["fixture:apiKey"]);
    assert.equal(
      config.values["fixture:apiKey"],
      OFFLINE_SECRET_PLACEHOLDER,
      "an unset declared secret is a placeholder",
    );
  });

  it("turns `secure:` values into secret placeholders and lists as JSON", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-config-"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      "name: demo\nruntime: nodejs\nconfig:\n  names:\n    type: array\n    default: [a, b]\n",
    );
    fs.writeFileSync(path.join(dir, "Pulumi.x.yaml"), "config:\n  demo:token:\n    secure: v1:abc\n");
    const config = loadStackConfig({ root: dir, stack: "x" });
    assert.equal(config.values["demo:names"], '["a","b"]');
    assert.equal(config.values["demo:token"], OFFLINE_SECRET_PLACEHOLDER);
    assert.deepEqual(config.secretKeys, ["demo:token"]);
  });

  it("rejects a value of the wrong declared type, naming the stack, file and key", async () => {
    const err = await programError(
      collectStack({ stack: "dev", root: FIXTURE, configOverrides: { "fixture:bucketCount": "two" }, hosts }),
    );
    assert.equal(err.kind, "config");
    assert.equal(err.stack, "dev");
    assert.match(err.message, /Stack "dev"/);
    assert.match(err.message, /Pulumi\.dev\.yaml: `fixture:bucketCount` is "two", but must be an integer/);
  });

  it("rejects a missing stack file with the fix", async () => {
    const err = await programError(collectStack({ stack: "nosuch", root: FIXTURE, hosts }));
    assert.equal(err.kind, "config");
    assert.match(err.message, /Pulumi\.nosuch\.yaml does not exist; create it/);
  });

  it("fails the preview on a duplicate URN, as the engine does, though the SDK carries on", async () => {
    const err = await programError(
      collectStack({ stack: "dev", root: FIXTURE, configOverrides: { "fixture:duplicate": "true" }, hosts }),
    );
    assert.equal(err.kind, "program");
    assert.match(
      err.message,
      /Duplicate resource URN 'urn:pulumi:dev::fixture::aws:s3\/bucketV2:BucketV2::twin'; try giving it a unique name/,
    );
  });

  it("reports a program exception with the program's file and line", async () => {
    const err = await programError(
      collectStack({ stack: "dev", root: FIXTURE, configOverrides: { "fixture:explode": "true" }, hosts }),
    );
    assert.equal(err.kind, "program");
    assert.equal(err.location, "index.ts:6");
    assert.match(err.message, /failed at index\.ts:6:\n {2}fixture exploded on purpose/);
  });
});

describe("offline engine: the real program", () => {
  it("collects both stacks with every resource under the root stack and the explicit provider", async () => {
    // The same collectStack runs, shared with the other test files.
    const [staging, production] = await Promise.all([snapshotOf("staging"), snapshotOf("production")]);
    for (const snapshot of [staging, production]) {
      const root = snapshot.resources[0];
      assert.equal(root.type, "pulumi:pulumi:Stack");
      const urns = new Set(snapshot.resources.map((r) => r.urn));
      for (const r of snapshot.resources.slice(1))
        assert.ok(r.parent && urns.has(r.parent), `${r.urn} has no recorded parent`);
      const provider = snapshot.resources.find((r) => r.type === "pulumi:providers:aws");
      assert.ok(provider, "the explicit AWS provider");
      for (const r of snapshot.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
        assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.urn} does not use the stack's provider`);
      }
      assert.ok(snapshot.resources.length > 20, `only ${snapshot.resources.length} resources`);
    }
    assert.equal(staging.outputs["baseUrl"], "https://staging.app.example.com");
    assert.equal(production.outputs["baseUrl"], "https://app.example.com");
    assert.match(
      JSON.stringify(staging.resources.find((r) => r.type === "pulumi:providers:aws")?.inputs),
      /210987654321/,
    );
  });

  it("fails with the settings validator's own message for a bad config", async () => {
    const err = await programError(
      collectStack({ stack: "staging", configOverrides: { "parity:domain": "app.example.com" }, hosts }),
    );
    assert.equal(err.kind, "config");
    assert.match(err.message, /^Stack "staging" has 1 configuration problem; nothing was deployed:/);
    assert.match(
      err.message,
      /`parity:domain` is "app\.example\.com": a staging stack must never serve production's domain\./,
    );
  });
});
