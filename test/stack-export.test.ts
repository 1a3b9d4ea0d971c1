import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { durationSeconds } from "../tools/simulator/analyzer-requests";
import { CollectedResource, isSecretValue, SECRET_SIG, SECRET_VALUE, StackSnapshot } from "../tools/simulator/snapshot";
import { fromStackExport, StackExport, StackExportError, toStackExport } from "../tools/simulator/stack-export";
import { fixtureFile } from "../tools/simulator/write-fixtures";
import { NO_OPTIONS } from "./support/collected-resource";

/** `pulumi stack export` files: the writer, the reader, and the deployed-state fixtures they make. */

const options = NO_OPTIONS;

function synthetic(): StackSnapshot {
  const provider: CollectedResource = {
    urn: "urn:pulumi:dev::p::pulumi:providers:aws::aws",
    type: "pulumi:providers:aws",
    name: "aws",
    custom: true,
    id: "0b7a7a55-44a4-4b0e-a1a1-3f1c2a9d0e11",
    inputs: { region: "eu-west-1" },
    checkedInputs: { region: "eu-west-1", version: "7.48.0" },
    outputs: { region: "eu-west-1" },
    options,
    dependencies: [],
    propertyDependencies: {},
  };
  const component: CollectedResource = {
    urn: "urn:pulumi:dev::p::my:C::c",
    type: "my:C",
    name: "c",
    custom: false,
    inputs: {},
    outputs: { ready: true },
    options,
    dependencies: [],
    propertyDependencies: {},
  };
  const db: CollectedResource = {
    urn: "urn:pulumi:dev::p::my:C$aws:rds/instance:Instance::db",
    type: "aws:rds/instance:Instance",
    name: "db",
    custom: true,
    id: "db-ABC",
    parent: component.urn,
    provider: `${provider.urn}::${provider.id}`,
    inputs: { password: { [SECRET_SIG]: SECRET_VALUE, value: "hunter2" } },
    checkedInputs: { __defaults: ["port"], password: { [SECRET_SIG]: SECRET_VALUE, value: "hunter2" }, port: 5432 },
    outputs: { id: "db-ABC", password: { [SECRET_SIG]: SECRET_VALUE, value: "hunter2" }, port: 5432, tags: { a: "b" } },
    options: {
      ...options,
      protect: true,
      retainOnDelete: true,
      ignoreChanges: ["tags"],
      aliases: ["urn:pulumi:dev::p::aws:rds/instance:Instance::db"],
      customTimeouts: { create: "40m", delete: "1h" },
    },
    dependencies: [component.urn],
    propertyDependencies: { password: [component.urn] },
  };
  const password: CollectedResource = {
    urn: "urn:pulumi:dev::p::random:index/randomPassword:RandomPassword::pw",
    type: "random:index/randomPassword:RandomPassword",
    name: "pw",
    custom: true,
    id: "none",
    inputs: { length: 16 },
    checkedInputs: { length: 16 },
    outputs: { id: "none", length: 16, result: { [SECRET_SIG]: SECRET_VALUE, value: "other-secret" } },
    options,
    dependencies: [],
    propertyDependencies: {},
  };
  return {
    project: "p",
    stack: "dev",
    scenario: "update",
    seed: "s",
    config: {},
    resources: [provider, component, db, password],
    outputs: {},
  };
}

/** Options with custom timeouts in seconds: an export keeps the duration, not how it was written. */
function inSeconds(o: CollectedResource["options"]): unknown {
  const t = o.customTimeouts;
  return {
    ...o,
    customTimeouts: t && {
      create: durationSeconds(t.create),
      update: durationSeconds(t.update),
      delete: durationSeconds(t.delete),
    },
  };
}

function readFixture(stack: string): StackExport {
  return JSON.parse(fs.readFileSync(fixtureFile(stack), "utf8")) as StackExport;
}

describe("stack export", () => {
  it("round-trips a snapshot: urn, type, id, checked inputs, outputs, parent, provider, dependencies and options survive", () => {
    const snapshot = synthetic();
    const back = fromStackExport(JSON.parse(JSON.stringify(toStackExport(snapshot, { secrets: "plaintext" }))));
    assert.equal(back.stack, "dev");
    assert.equal(back.project, "p");
    for (const r of snapshot.resources) {
      const b = back.resources.find((x) => x.urn === r.urn);
      assert.ok(b, `${r.urn} was lost`);
      assert.equal(b.type, r.type);
      assert.equal(b.name, r.name);
      assert.equal(b.custom, r.custom);
      assert.equal(b.id, r.id);
      assert.deepEqual(b.inputs, r.checkedInputs ?? r.inputs, `${r.urn}: an export's inputs are the checked inputs`);
      assert.deepEqual(b.checkedInputs, r.checkedInputs ?? r.inputs);
      assert.equal(b.parent, r.parent);
      assert.deepEqual(b.dependencies, r.dependencies);
      assert.deepEqual(b.propertyDependencies, r.propertyDependencies);
      assert.deepEqual(inSeconds(b.options), inSeconds(r.options), `${r.urn}: options`);
      if (!r.type.startsWith("pulumi:providers:")) assert.deepEqual(b.outputs, r.outputs, `${r.urn}: outputs`);
      if (r.provider) assert.equal(b.provider, r.provider);
    }
  });

  it("registers the default provider the engine would for resources without an explicit one", () => {
    const exported = toStackExport(synthetic());
    const resources = exported.deployment.resources;
    const pw = resources.find((r) => r.type === "random:index/randomPassword:RandomPassword");
    const provider = resources.find((r) => r.type === "pulumi:providers:random");
    assert.ok(pw && provider);
    assert.match(provider.urn, /::pulumi:providers:random::default_\d+_\d+_\d+$/);
    assert.equal(pw.provider, `${provider.urn}::${provider.id}`);
    assert.ok(
      resources.indexOf(provider) < resources.indexOf(pw),
      "a provider is stored before the resources that use it",
    );
    assert.deepEqual(provider.inputs, { version: (provider.inputs as { version: string }).version });
  });

  it("writes the CLI's deployment v3 shape", () => {
    const exported = toStackExport(synthetic());
    assert.equal(exported.version, 3);
    assert.deepEqual(Object.keys(exported.deployment.manifest).sort(), ["magic", "time", "version"]);
    const db = exported.deployment.resources.find((r) => r.type === "aws:rds/instance:Instance");
    assert.deepEqual(db?.customTimeouts, { create: 40 * 60 * 1e9, delete: 3600 * 1e9 }, "Go durations in nanoseconds");
    assert.equal(db?.protect, true);
    assert.equal(db?.retainOnDelete, true);
  });

  it("encrypts secrets unless asked for plaintext; the reader keeps different ciphertexts apart", () => {
    const text = JSON.stringify(toStackExport(synthetic()));
    assert.ok(!text.includes("hunter2") && !text.includes("other-secret"), "a secret's value is in the export");
    const back = fromStackExport(JSON.parse(text));
    const db = back.resources.find((r) => r.name === "db");
    const pw = back.resources.find((r) => r.name === "pw");
    const dbSecret = db?.outputs["password"];
    assert.ok(isSecretValue(dbSecret) && isSecretValue(pw?.outputs["result"]));
    assert.match(String(dbSecret.value), /^\[ciphertext:v1:.+\]$/);
    assert.deepEqual(db?.inputs["password"], dbSecret, "the same value encrypts to the same text within an export");
    assert.notDeepEqual(dbSecret, pw?.outputs["result"]);
    const plain = JSON.stringify(toStackExport(synthetic(), { secrets: "plaintext" }));
    assert.ok(
      plain.includes(JSON.stringify(JSON.stringify("hunter2"))),
      "--show-secrets form: the value JSON-encoded in `plaintext`",
    );
  });

  it("refuses a create preview: a first deploy has no state yet", () => {
    assert.throws(() => toStackExport({ ...synthetic(), scenario: "create" }), /only a deployed stack/);
  });

  it("names what is wrong with a file that is not an export", () => {
    assert.throws(
      () => fromStackExport({ steps: [] }),
      (e: unknown) => e instanceof StackExportError && /needs top-level `version` and `deployment`/.test(e.problem),
    );
    assert.throws(
      () => fromStackExport({ version: 3, deployment: { manifest: {}, resources: [] } }, "staging"),
      (e: unknown) => e instanceof StackExportError && /deploy the staging stack first/.test(e.fix ?? ""),
    );
  });

  for (const stack of ["staging", "production"]) {
    it(`reads and rewrites the ${stack} deployed-state fixture unchanged`, () => {
      const fixture = readFixture(stack);
      const snapshot = fromStackExport(fixture);
      assert.equal(snapshot.stack, stack);
      assert.deepEqual(
        JSON.parse(JSON.stringify(toStackExport(snapshot, { secrets: "plaintext" }).deployment.resources)),
        fixture.deployment.resources,
      );
    });

    it(`gives every custom resource of the ${stack} fixture a provider resource it references by id`, () => {
      const resources = readFixture(stack).deployment.resources;
      const providers = new Map(
        resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [`${r.urn}::${r.id}`, r]),
      );
      assert.ok(
        [...providers.keys()].some((k) => k.includes("::default_")),
        "random and tls use default providers",
      );
      for (const r of resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) {
        assert.ok(r.provider && providers.has(r.provider), `${r.urn} references ${r.provider}`);
        assert.ok(r.id, `${r.urn} has no id`);
      }
      const revisions = resources
        .filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")
        .map((r) => r.outputs?.["revision"]);
      assert.ok(
        revisions.length > 0 && revisions.every((n) => typeof n === "number" && n > 1),
        `task definitions at ${revisions.join(", ")}`,
      );
    });
  }
});
