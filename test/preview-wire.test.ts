import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { RequestBuilder, urnName } from "../tools/simulator/analyzer-requests";
import { WireEncoder } from "../tools/simulator/analyzer-wire";
import { collectStack } from "../tools/simulator/engine";
import { CollectedResource, SECRET_SIG, SECRET_VALUE, StackSnapshot, UNKNOWN } from "../tools/simulator/snapshot";
import { hosts } from "./policy/harness";

/**
 * The hand-encoded requests must decode to exactly the google-protobuf reference messages, and to the
 * values the test itself wrote down (so a shared mistake in both encoders still fails).
 */

const tricky: Record<string, unknown> = {
  text: "ünïcødé ✓ and \u0000 control",
  empty: "",
  zero: 0,
  negative: -12.5,
  big: 2 ** 53 - 1,
  yes: true,
  no: false,
  nothing: null,
  unknown: UNKNOWN,
  secret: { [SECRET_SIG]: SECRET_VALUE, value: "hunter2" },
  nested: { list: [1, "two", [3, { four: 4 }], null, {}], emptyList: [] },
  long: "x".repeat(200_000),
};

function syntheticSnapshot(): StackSnapshot {
  const options = {
    protect: true,
    retainOnDelete: false,
    deleteBeforeReplace: true,
    ignoreChanges: ["a", "b.c"],
    replaceOnChanges: [],
    additionalSecretOutputs: ["s"],
    aliases: ["urn:pulumi:s::p::t::old"],
    customTimeouts: { create: "1h30m", delete: "90s" },
  };
  const provider: CollectedResource = {
    urn: "urn:pulumi:s::p::pulumi:providers:aws::aws",
    type: "pulumi:providers:aws",
    name: "aws",
    custom: true,
    inputs: { region: "eu-west-1" },
    checkedInputs: { region: "eu-west-1", version: "7.0.0" },
    outputs: {},
    options: {
      ...options,
      protect: false,
      deleteBeforeReplace: false,
      ignoreChanges: [],
      additionalSecretOutputs: [],
      aliases: [],
      customTimeouts: undefined,
    },
    dependencies: [],
    propertyDependencies: {},
  };
  const resource: CollectedResource = {
    urn: "urn:pulumi:s::p::t::r",
    type: "t",
    name: "r",
    custom: true,
    parent: provider.urn,
    provider: `${provider.urn}::id-1`,
    inputs: tricky,
    checkedInputs: {
      ...tricky,
      __defaults: ["filled"],
      filled: 30,
      nested: { __defaults: [], list: [{ __defaults: [] }] },
    },
    outputs: { ...tricky, extra: [true] },
    options,
    dependencies: [provider.urn, "urn:other"],
    propertyDependencies: { text: [provider.urn], empty: [] },
  };
  return { project: "p", stack: "s", config: {}, resources: [provider, resource], outputs: {} };
}

function assertSameEncoding(snapshot: StackSnapshot): Promise<void> {
  const reference = new RequestBuilder(snapshot);
  const wire = new WireEncoder(snapshot);
  for (const r of snapshot.resources) {
    const ours = analyzerpb.AnalyzeRequest.deserializeBinary(wire.analyzeRequest(r)).toObject();
    assert.deepEqual(ours, reference.analyzeRequest(r).toObject(), `Analyze request for ${r.urn}`);
  }
  return wire.analyzeStackRequest(1).then((bytes) => {
    assert.deepEqual(
      analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes).toObject(),
      reference.analyzeStackRequest().toObject(),
    );
  });
}

describe("preview: analyzer requests on the wire", () => {
  it("encodes every value kind, option and provider exactly as google-protobuf does", async () => {
    await assertSameEncoding(syntheticSnapshot());
  });

  it("keeps each request intact when one encoder interleaves Analyze requests with the AnalyzeStack request it is building", async () => {
    // The encoder reuses one buffer: a request handed out must not change when the next is encoded.
    const snapshot = syntheticSnapshot();
    const shared = new WireEncoder(snapshot);
    const first = shared.analyzeRequest(snapshot.resources[1]);
    const firstCopy = Buffer.from(first);
    const building = shared.analyzeStackRequest(1);
    const during = snapshot.resources.map((r) => shared.analyzeRequest(r));
    await new Promise((resolve) => setImmediate(resolve));
    during.push(shared.remediateRequest(snapshot.resources[1]));
    const stack = await building;
    assert.deepEqual(first, firstCopy);
    const fresh = () => new WireEncoder(snapshot);
    assert.deepEqual(stack, await fresh().analyzeStackRequest(100));
    assert.deepEqual(during, [
      ...snapshot.resources.map((r) => fresh().analyzeRequest(r)),
      fresh().remediateRequest(snapshot.resources[1]),
    ]);
    assert.equal(analyzerpb.AnalyzeStackRequest.deserializeBinary(stack).getResourcesList().length, 2);
  });

  it("sends Analyze the checked inputs and the provider's checked inputs, without internal keys, as the CLI does", () => {
    const snapshot = syntheticSnapshot();
    const resource = snapshot.resources[1];
    const sent = analyzerpb.AnalyzeRequest.deserializeBinary(new WireEncoder(snapshot).analyzeRequest(resource));
    const properties = sent.getProperties()?.toJavaScript() ?? {};
    assert.equal(properties["filled"], 30, "a default Check filled in");
    assert.ok(!JSON.stringify(properties).includes("__defaults"), "SkipInternalKeys: no __defaults at any level");
    assert.deepEqual(properties["nested"], { list: [{}] });
    assert.deepEqual(sent.getProvider()?.getProperties()?.toJavaScript(), { region: "eu-west-1", version: "7.0.0" });
  });

  it("decodes to the resource's own values and options, checked without our request builder", () => {
    const snapshot = syntheticSnapshot();
    const decoded = analyzerpb.AnalyzeRequest.deserializeBinary(
      new WireEncoder(snapshot).analyzeRequest(snapshot.resources[1]),
    );
    assert.deepEqual([decoded.getUrn(), decoded.getType(), decoded.getName()], ["urn:pulumi:s::p::t::r", "t", "r"]);
    // The checked inputs, internal keys left out.
    assert.deepEqual(decoded.getProperties()?.toJavaScript(), { ...tricky, filled: 30, nested: { list: [{}] } });
    const options = decoded.getOptions();
    assert.deepEqual(
      [
        options?.getProtect(),
        options?.getDeletebeforereplace(),
        options?.getIgnorechangesList(),
        options?.getAliasesList(),
      ],
      [true, true, ["a", "b.c"], ["urn:pulumi:s::p::t::old"]],
    );
    assert.deepEqual(
      [options?.getCustomtimeouts()?.getCreate(), options?.getCustomtimeouts()?.getDelete()],
      [5400, 90],
    );
    assert.deepEqual(
      [decoded.getProvider()?.getUrn(), decoded.getProvider()?.getName()],
      ["urn:pulumi:s::p::pulumi:providers:aws::aws", "aws"],
    );
  });

  it("names a resource by everything after its URN's third `::`, as URN.Name() does (step_generator.go, analyze_snapshot.go)", async () => {
    const snapshot = syntheticSnapshot();
    // A reader that cut the name at the last `::` must not change what the pack is told.
    const odd = { ...snapshot.resources[1], urn: "urn:pulumi:s::p::t::odd::name", name: "name" };
    const withOdd = { ...snapshot, resources: [snapshot.resources[0], odd] };
    assert.equal(
      analyzerpb.AnalyzeRequest.deserializeBinary(new WireEncoder(withOdd).analyzeRequest(odd)).getName(),
      "odd::name",
    );
    assert.equal(urnName("urn:pulumi:s::p::t::odd::name"), "odd::name");
    await assertSameEncoding(withOdd);
  });

  it("leaves out property dependencies without URNs, and never sends deleteBeforeReplace for deployed state", async () => {
    const snapshot = syntheticSnapshot();
    const r = snapshot.resources[1];
    const stack = analyzerpb.AnalyzerResource.deserializeBinary(new WireEncoder(snapshot).stackResource(r));
    assert.deepEqual([...stack.getPropertydependenciesMap().keys()], ["text"]);
    const state = analyzerpb.AnalyzeRequest.deserializeBinary(
      new WireEncoder(snapshot, { state: true }).analyzeRequest(r),
    ).getOptions();
    assert.deepEqual([state?.getDeletebeforereplace(), state?.getDeletebeforereplacedefined()], [false, false]);
    // An explicit `false` in a preview is defined (source_eval.go RegisterResource keeps the pointer).
    const explicitFalse = {
      ...r,
      options: { ...r.options, deleteBeforeReplace: false, deleteBeforeReplaceDefined: true },
    };
    const preview = analyzerpb.AnalyzeRequest.deserializeBinary(
      new WireEncoder(snapshot).analyzeRequest(explicitFalse),
    ).getOptions();
    assert.deepEqual([preview?.getDeletebeforereplace(), preview?.getDeletebeforereplacedefined()], [false, true]);
    const reference = new RequestBuilder(snapshot, { state: true }).analyzeRequest(r).toObject();
    assert.deepEqual(
      analyzerpb.AnalyzeRequest.deserializeBinary(
        new WireEncoder(snapshot, { state: true }).analyzeRequest(r),
      ).toObject(),
      reference,
    );
  });

  it("sends Remediate the internal keys Analyze leaves out (analyzer.Remediate: SkipInternalKeys false)", () => {
    const snapshot = syntheticSnapshot();
    const sent = analyzerpb.AnalyzeRequest.deserializeBinary(
      new WireEncoder(snapshot).remediateRequest(snapshot.resources[1]),
    );
    assert.deepEqual(sent.getProperties()?.toJavaScript()["__defaults"], ["filled"]);
    assert.ok(!JSON.stringify(sent.getProvider()?.getProperties()?.toJavaScript()).includes("__defaults"));
  });

  it("encodes the fixture program's resources exactly as google-protobuf does", async () => {
    await assertSameEncoding(
      await collectStack({ stack: "dev", root: path.join(__dirname, "fixtures", "preview", "program"), hosts }),
    );
  });
});
