import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { Policies, PolicyResource } from "@pulumi/policy";
import * as sdkDeserialize from "@pulumi/policy/deserialize";
import * as sdkServer from "@pulumi/policy/server";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { decodeCacheStats, installWireMemory } from "../../policy/wire-memory";
import { policies } from "../../policy/policies";
import type { PolicyVerdict } from "../../tools/simulator/analyzer";
import { WireEncoder } from "../../tools/simulator/analyzer-wire";
import type { StackSnapshot } from "../../tools/simulator/snapshot";
import { mandatory, mutate, pack, snapshotOf } from "./harness";

/**
 * policy/wire-memory.ts: the pack decodes each resource's properties once per request instead of
 * once per policy. It must change nothing but memory and time: the real pack gives the same verdicts
 * as the same policies served by the SDK alone, the policies never change what they share, and the
 * SDK still decodes through the functions the cache replaces (an upgrade that moves them fails here).
 */

const UNCACHED_PACK = path.join(__dirname, "..", "fixtures", "uncached-pack");

type StackRpc = (
  call: { request: analyzerpb.AnalyzeStackRequest },
  callback: (err: unknown, res?: analyzerpb.AnalyzeResponse) => void,
) => void;
const server = sdkServer as unknown as {
  makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: Policies): StackRpc;
};
const sdk = sdkDeserialize as unknown as {
  deserializeProperties(struct: Struct, proxySecrets: boolean): Record<string, unknown>;
};

/** The SDK's AnalyzeStack handler, in this process, on a request decoded as its gRPC server decodes it. */
function runStackPolicies(
  list: Policies,
  request: analyzerpb.AnalyzeStackRequest,
): Promise<analyzerpb.AnalyzeResponse> {
  const rpc = server.makeAnalyzeStackRpcFun("parity", "0.1.0", "mandatory", list);
  return new Promise((resolve, reject) => rpc({ request }, (err, res) => (err || !res ? reject(err) : resolve(res))));
}

async function requestBytes(snapshot: StackSnapshot): Promise<Uint8Array> {
  return new WireEncoder(snapshot).analyzeStackRequest(100);
}

/** Every Struct an AnalyzeStack handler decodes: each resource's properties and its provider's. */
function structsOf(request: analyzerpb.AnalyzeStackRequest): Struct[] {
  return request
    .getResourcesList()
    .flatMap((r) => [r.getProperties(), r.getProvider()?.getProperties()].filter((s): s is Struct => s !== undefined));
}

/** What the SDK hands a policy for each Struct (through the memo, when installed), as JSON. */
function decodedJson(request: analyzerpb.AnalyzeStackRequest): string[] {
  return structsOf(request).map((s) => JSON.stringify(sdk.deserializeProperties(s, false)));
}

/** The object behind a policy's unknown-checking proxy. */
function target(props: Record<string, unknown>): unknown {
  return props["__getSpecialProxyTarget"];
}

function probe(name: string, seen: PolicyResource[][]): Policies[number] {
  return {
    name,
    description: "records what it is given",
    enforcementLevel: "advisory",
    validateStack: (args) => void seen.push(args.resources),
  };
}

describe("the pack's wire memory (policy/wire-memory.ts)", () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => {
    uninstall?.();
    uninstall = undefined;
  });

  it("decodes each Struct once, as the request is decoded, and every stack policy reads that one value", async () => {
    const bytes = await requestBytes(await snapshotOf("staging"));
    const expected = decodedJson(analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes));
    uninstall = installWireMemory();
    decodeCacheStats(true);
    const request = analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes);
    const structs = structsOf(request);
    // Released as decoded: the protobuf trees are gone, and reading one but through the memo fails loudly.
    assert.equal(decodeCacheStats().released, structs.length);
    assert.throws(() => structs[0].toJavaScript(), /released this Struct/);
    const seen: PolicyResource[][] = [];
    await runStackPolicies([probe("probe-a", seen), probe("probe-b", seen)], request);
    assert.equal(seen.length, 2);
    const [a, b] = seen;
    assert.equal(a.length, request.getResourcesList().length);
    // The same objects for both policies (the SDK alone builds new ones per policy) ...
    a.forEach((r, i) => assert.equal(target(r.props), target(b[i].props), r.urn));
    assert.ok(decodeCacheStats().reused >= 2 * a.length);
    // ... holding what the SDK alone decodes.
    assert.deepEqual(decodedJson(request), expected);
    const providers = a.flatMap((r) => (r.provider ? [JSON.stringify(target(r.provider.props))] : []));
    assert.ok(providers.length > 0);
    assert.ok(providers.every((p) => expected.includes(p)));
  });

  it("gives Remediate's decode (secrets kept as Secret) a fresh copy each time", async () => {
    uninstall = installWireMemory();
    const request = analyzerpb.AnalyzeStackRequest.deserializeBinary(await requestBytes(await snapshotOf("staging")));
    const stand = structsOf(request)[0];
    assert.equal(sdk.deserializeProperties(stand, false), sdk.deserializeProperties(stand, false));
    // A released Struct has no tree left to copy: asking for one fails instead of returning {}.
    assert.throws(() => sdk.deserializeProperties(stand, true), /released this Struct/);
  });

  it("encodes a response byte for byte as google-protobuf does, one diagnostic at a time", async () => {
    const request = analyzerpb.AnalyzeStackRequest.deserializeBinary(await requestBytes(await snapshotOf("staging")));
    const flagging: Policies = [
      {
        name: "flags-everything",
        description: "one violation per resource",
        enforcementLevel: "mandatory",
        validateStack: (args, report) => args.resources.forEach((r) => report(`résumé ${r.name} ✓`, r.urn)),
      },
      {
        name: "not-here",
        description: "not applicable",
        enforcementLevel: "advisory",
        validateStack: (args) => args.notApplicable("nothing to judge"),
      },
    ];
    const response = await runStackPolicies(flagging, request);
    assert.ok(response.getDiagnosticsList().length > 2 && response.getNotApplicableList().length === 1);
    const sdkBytes = Buffer.from(response.serializeBinary());
    uninstall = installWireMemory();
    assert.deepEqual(Buffer.from(response.serializeBinary()), sdkBytes);
    // The response is left as it was.
    assert.equal(response.getDiagnosticsList().length, request.getResourcesList().length);
  });

  for (const stack of ["staging", "production"] as const) {
    it(`the real policies leave the ${stack} values they share unchanged`, async () => {
      uninstall = installWireMemory();
      const request = analyzerpb.AnalyzeStackRequest.deserializeBinary(await requestBytes(await snapshotOf(stack)));
      const before = decodedJson(request);
      decodeCacheStats(true);
      await runStackPolicies(policies, request);
      // Every stack policy read the shared values (at least once per resource each) ...
      assert.ok(decodeCacheStats().reused >= request.getResourcesList().length * 2);
      // ... and none changed them.
      assert.deepEqual(decodedJson(request), before);
    });
  }

  describe("the real pack's verdicts equal the SDK's alone", () => {
    const both = async (snapshot: StackSnapshot): Promise<[PolicyVerdict[], PolicyVerdict[]]> => {
      const [cached, uncached] = await Promise.all([pack(), pack(UNCACHED_PACK)]);
      return [await cached.analyzeStack(snapshot), await uncached.analyzeStack(snapshot)];
    };

    for (const stack of ["staging", "production"] as const) {
      it(`on the real ${stack} stack`, async () => {
        const [cached, uncached] = await both(await snapshotOf(stack));
        assert.deepEqual(cached, uncached);
      });
    }

    it("on a planted violation", async () => {
      const planted = mutate(await snapshotOf("staging"), "auth-web-client", (p) => void (p.accessTokenValidity = 7));
      const [cached, uncached] = await both(planted);
      assert.ok(
        mandatory(cached).some((v) => v.policyName === "stack-parity" && /accessTokenValidity/.test(v.message)),
        "the planted drift is rejected",
      );
      assert.deepEqual(cached, uncached);
    });
  });
});
