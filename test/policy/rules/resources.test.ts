import * as assert from "node:assert/strict";
import type { PolicyResource } from "@pulumi/policy";
import { isUnknown, raw } from "../../../policy/pack/raw";
import { withDefaults } from "../../../policy/pack/config";
import { PULUMI_UNKNOWN } from "../../../policy/engine/flatten";
import {
  awsProviders,
  comparable,
  describeResource,
  environmentOf,
  jsonValue,
  providerEnvironment,
  stackEnvironment,
  stringsIn,
} from "../../../policy/pack/resources";
import { comparableFrom } from "../../../policy/engine/comparable";
import type { StackSnapshot } from "../../../tools/simulator/snapshot";
import { policyResourcesOf } from "../../support/rule-harness";
import { bothSnapshots, mutate } from "../harness";

/**
 * How the policies read the SDK's resources (resources.ts, raw.ts, config.ts), on the real stacks'
 * resources exactly as the SDK hands them to a stack policy.
 */

const AWS = "pulumi:providers:aws";

describe("reading the SDK's resources (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;
  let resources: PolicyResource[];
  const byName = (all: readonly PolicyResource[], name: string, type?: string) => {
    const r = all.find((x) => x.name === name && (type === undefined || x.type === type));
    assert.ok(r, name);
    return r;
  };

  before(async () => {
    [staging, production] = await bothSnapshots();
    resources = await policyResourcesOf(staging);
  });

  describe("the environment", () => {
    it("is the AWS provider's `parity:environment` default tag, per stack and per resource", async () => {
      assert.equal(stackEnvironment(resources), "staging");
      assert.equal(stackEnvironment(await policyResourcesOf(production)), "production");
      const db = byName(resources, "db-instance");
      assert.equal(providerEnvironment(db.provider), "staging");
      assert.equal(environmentOf(db, resources), "staging");
    });

    it("is read from the provider each resource names when the stack leaves provider resources out", async () => {
      const withoutProviders = await policyResourcesOf(staging, { providersInStack: false });
      assert.ok(!withoutProviders.some((r) => r.type === AWS));
      assert.equal(stackEnvironment(withoutProviders), "staging");
      const providers = awsProviders(withoutProviders);
      assert.equal(providers.length, 1);
      assert.equal(providers[0].type, AWS);
    });

    it("lists each AWS provider once, in order of first use, and only AWS ones", () => {
      const providers = awsProviders(resources);
      assert.deepEqual(
        providers.map((p) => p.urn),
        [byName(resources, "aws", AWS).urn],
      );
    });

    it("is undefined for a provider without the tag, another provider type, or none, and falls back to the stack's", async () => {
      const untagged = await policyResourcesOf(
        mutate(staging, "aws", (p) => void (p.defaultTags = JSON.stringify({ tags: { other: "x" } })), AWS),
      );
      assert.equal(stackEnvironment(untagged), undefined);
      const numeric = await policyResourcesOf(
        mutate(
          staging,
          "aws",
          (p) => void (p.defaultTags = JSON.stringify({ tags: { "parity:environment": 1 } })),
          AWS,
        ),
      );
      assert.equal(stackEnvironment(numeric), undefined);
      const random = byName(resources, "db-reset");
      assert.equal(providerEnvironment(random.provider), undefined);
      assert.equal(providerEnvironment(undefined), undefined);
      assert.equal(environmentOf(random, resources), "staging");
      const noTags = await policyResourcesOf(mutate(staging, "aws", (p) => void delete p.defaultTags, AWS));
      assert.equal(stackEnvironment(noTags), undefined);
    });

    it("reads a provider's default tags given as an object, as the SDK may deliver them", async () => {
      const objectTags = await policyResourcesOf(
        mutate(staging, "aws", (p) => void (p.defaultTags = { tags: { "parity:environment": "staging" } }), AWS),
      );
      assert.equal(stackEnvironment(objectTags), "staging");
    });
  });

  describe("comparable", () => {
    it("marks components and custom resources as the SDK cannot: a parent without a provider is a component", () => {
      const out = comparable(resources);
      const kind = (name: string) => out.find((r) => r.urn.endsWith(`::${name}`))?.custom;
      assert.equal(kind("db-instance"), true);
      assert.equal(kind("aws"), true);
      assert.equal(kind("db"), false);
      assert.equal(kind("parity-staging"), false);
    });

    it("keeps parent and `protect`, and compares outputs only where Analyze never saw a resource", () => {
      const out = comparable(resources);
      const db = out.find((r) => r.urn.endsWith("::db-instance"));
      assert.ok(db);
      assert.equal(db.options?.protect, byName(resources, "db-instance").opts.protect);
      assert.equal(
        db.parent,
        byName(resources, "db-instance").parent?.urn ?? byName(resources, "db-instance").opts.parent,
      );
      assert.equal(db.outputsOnly, true, "no Analyze ran here, so the outputs are all it has");
      const provider = out.find((r) => r.type === AWS);
      assert.equal(provider?.outputsOnly, undefined, "a provider's inputs are its declaration");
    });

    it("adds the providers the stack's resources name when the stack leaves them out", async () => {
      const out = comparable(await policyResourcesOf(staging, { providersInStack: false }));
      const providers = out.filter((r) => r.type === AWS);
      assert.equal(providers.length, 1);
      assert.equal(providers[0].custom, true);
      assert.equal(providers[0].outputsOnly, undefined);
      assert.equal(new Set(out.map((r) => r.urn)).size, out.length, "each provider once");
    });

    it("rewrites references to the stack's own resources by provenance", () => {
      const out = comparable(resources);
      const db = out.find((r) => r.urn.endsWith("::db-instance"));
      assert.equal(db?.inputs.kmsKeyId, "{ref:data-key.arn}");
    });
  });

  describe("comparable, on the details", () => {
    it("splits a declaration from the provider defaults it names, and keeps `protect` and `retainOnDelete`", () => {
      const db = staging.resources.find((r) => r.name === "db-instance");
      assert.ok(db);
      const [out] = comparableFrom([
        {
          urn: db.urn,
          type: db.type,
          declared: { __defaults: ["port"], port: 5432, engine: "postgres" },
          outputs: db.outputs,
          protect: true,
          retainOnDelete: false,
          custom: true,
        },
      ]);
      assert.deepEqual(out.inputs, { engine: "postgres" });
      assert.deepEqual(out.providerDefaults, { port: 5432 });
      assert.deepEqual(out.options, { protect: true, retainOnDelete: false });
      const [plain] = comparableFrom([
        { urn: db.urn, type: db.type, declared: { engine: "postgres" }, outputs: db.outputs, custom: true },
      ]);
      assert.deepEqual(plain.options, { protect: false });
      assert.equal("providerDefaults" in plain, false);
      assert.equal(
        comparableFrom([{ urn: db.urn, type: db.type, outputs: db.outputs, retainOnDelete: true, custom: true }])[0]
          .options?.retainOnDelete,
        true,
      );
    });

    it("takes a custom resource that parents others for custom still: it names a provider", async () => {
      const db = staging.resources.find((r) => r.name === "db-instance");
      assert.ok(db);
      const parented = await policyResourcesOf(mutate(staging, "db-master-value", (_p, r) => void (r.parent = db.urn)));
      const out = comparable(parented);
      assert.equal(out.find((r) => r.urn === db.urn)?.custom, true);
    });

    it("lists a provider the stack has once, as the stack's own resource", () => {
      const out = comparable(resources);
      assert.equal(out.filter((r) => r.type === AWS).length, 1);
      assert.equal(out.length, resources.length);
    });
  });

  describe("the environment, on the details", () => {
    it("awsProviders returns the stack's provider resource itself when the stack has it", () => {
      assert.equal(awsProviders(resources)[0], byName(resources, "aws", AWS));
    });

    it("reads only an AWS provider's tags, and a default-tags value without `tags` as none", async () => {
      const aws = byName(resources, "aws", AWS);
      assert.equal(providerEnvironment({ ...aws, type: "pulumi:providers:random" }), undefined);
      const bare = await policyResourcesOf(
        mutate(staging, "aws", (p) => void (p.defaultTags = JSON.stringify({})), AWS),
      );
      assert.equal(stackEnvironment(bare), undefined);
    });

    it("takes the first AWS provider that names an environment, past one that does not", async () => {
      const copy = structuredClone(staging) as StackSnapshot;
      const aws = copy.resources.find((r) => r.type === AWS);
      assert.ok(aws);
      const untagged = {
        ...structuredClone(aws),
        name: "aws-untagged",
        urn: aws.urn.replace(/::aws$/, "::aws-untagged"),
        inputs: { region: "us-east-1" },
        checkedInputs: { region: "us-east-1" },
        outputs: { region: "us-east-1" },
      };
      const two = await policyResourcesOf({ ...copy, resources: [untagged, ...copy.resources] });
      assert.equal(awsProviders(two).length, 2);
      assert.equal(stackEnvironment(two), "staging");
    });
  });

  describe("values", () => {
    it("jsonValue parses a JSON string, keeps an object, and is undefined for anything else", () => {
      assert.deepEqual(jsonValue('{"a":1}'), { a: 1 });
      assert.deepEqual(jsonValue({ a: 1 }), { a: 1 });
      assert.equal(jsonValue("plain"), undefined);
      assert.equal(jsonValue(null), undefined);
      assert.equal(jsonValue(3), undefined);
    });

    it("stringsIn finds every string, inside JSON strings, lists and objects", () => {
      assert.deepEqual(stringsIn({ a: "x", b: ['{"c":["y",{"d":"z"}]}', 2, null], e: { f: "w" } }), [
        "x",
        "y",
        "z",
        "w",
      ]);
      assert.deepEqual(stringsIn(5), []);
    });

    it("describeResource names a resource by its logical name and type", () => {
      assert.equal(describeResource(byName(resources, "db-instance")), "`db-instance` (aws:rds/instance:Instance)");
    });

    it("raw reads past the SDK's unknown-checking proxy, and gives {} for no properties", () => {
      const db = byName(resources, "db-instance");
      const props = raw(db.props);
      assert.equal(props.engine, "postgres");
      assert.notEqual(props, db.props, "the proxy's target, not the proxy");
      const plain = { a: 1 };
      assert.equal(raw(plain), plain);
      assert.deepEqual(raw(null), {});
      assert.deepEqual(raw("text"), {});
      assert.deepEqual(raw(undefined), {});
    });

    it("isUnknown is true only for the SDK's unknown marker", () => {
      assert.equal(isUnknown(PULUMI_UNKNOWN), true);
      assert.equal(isUnknown("unknown"), false);
      assert.equal(isUnknown(undefined), false);
    });

    it("withDefaults lays the config over the defaults, skipping what is undefined", () => {
      const defaults: Required<{ a?: number; b?: number[]; c?: string }> = { a: 1, b: [2], c: "x" };
      assert.deepEqual(withDefaults(defaults, { a: 5, b: undefined }), { a: 5, b: [2], c: "x" });
      assert.deepEqual(withDefaults(defaults, undefined), defaults);
      assert.notEqual(withDefaults(defaults, {}), defaults, "a copy: the defaults are never changed");
    });
  });
});
