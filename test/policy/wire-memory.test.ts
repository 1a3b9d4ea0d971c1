import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { Policies, PolicyResource } from "@pulumi/policy";
import * as sdkDeserialize from "@pulumi/policy/deserialize";
import * as sdkServer from "@pulumi/policy/server";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
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

  describe("on hand-built messages", () => {
    type Props = Record<string, unknown>;
    const resourceClass = analyzerpb.AnalyzerResource as unknown as Record<string, unknown>;
    const responseClass = analyzerpb.AnalyzeResponse as unknown as {
      serializeBinaryToWriter(message: analyzerpb.AnalyzeResponse, writer: unknown): void;
    };
    const responseProto = analyzerpb.AnalyzeResponse.prototype as unknown as Record<string, unknown>;
    const sdkModule = sdk as unknown as Record<string, unknown>;
    /** The three functions installWireMemory replaces, as they are now. */
    const sdkFunctions = (): unknown[] => [
      sdk.deserializeProperties,
      resourceClass.deserializeBinaryFromReader,
      responseProto.serializeBinary,
    ];

    function resource(name: string, props?: Props, provider?: { props?: Props }): analyzerpb.AnalyzerResource {
      const r = new analyzerpb.AnalyzerResource().setUrn(`urn:${name}`).setName(name).setType("test:index:Thing");
      if (props) r.setProperties(Struct.fromJavaScript(props as never));
      if (provider) {
        const p = new analyzerpb.AnalyzerProviderResource().setUrn(`urn:${name}-provider`).setName(`${name}-provider`);
        if (provider.props) p.setProperties(Struct.fromJavaScript(provider.props as never));
        r.setProvider(p);
      }
      return r;
    }

    function requestBytesOf(...resources: analyzerpb.AnalyzerResource[]): Uint8Array {
      return new analyzerpb.AnalyzeStackRequest().setResourcesList(resources).serializeBinary();
    }

    it("memoizes a Struct it has not released: decoded once, then the same value, counted", () => {
      const struct = Struct.fromJavaScript({ name: "web", tags: { env: "staging" }, ports: [80, 443] });
      const expected = sdk.deserializeProperties(struct, false);
      uninstall = installWireMemory();
      decodeCacheStats(true);
      const first = sdk.deserializeProperties(struct, false);
      assert.deepEqual(first, expected);
      assert.equal(sdk.deserializeProperties(struct, false), first);
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 1, reused: 1, released: 0 });
      // Remediate's decode is neither memoized nor counted: each call gets its own copy.
      const remediate = sdk.deserializeProperties(struct, true);
      assert.notEqual(remediate, sdk.deserializeProperties(struct, true));
      assert.deepEqual({ ...remediate }, expected);
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 1, reused: 1, released: 0 });
    });

    it("reports its counts without resetting them unless asked, and resets to zero when asked", () => {
      uninstall = installWireMemory();
      decodeCacheStats(true);
      sdk.deserializeProperties(Struct.fromJavaScript({ a: 1 }), false);
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 1, reused: 0, released: 0 });
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 1, reused: 0, released: 0 });
      assert.deepEqual({ ...decodeCacheStats(true) }, { decoded: 1, reused: 0, released: 0 });
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 0, reused: 0, released: 0 });
    });

    it("releases every resource's and provider's properties as the request is decoded, and counts each", () => {
      const bytes = requestBytesOf(
        resource("web", { name: "web", tags: { env: "staging" } }, { props: { region: "eu-west-1" } }),
        resource("orphan", { size: 3 }),
      );
      const expected = decodedJson(analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes));
      uninstall = installWireMemory();
      decodeCacheStats(true);
      const request = analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes);
      const structs = structsOf(request);
      assert.equal(structs.length, 3);
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 3, reused: 0, released: 3 });
      for (const s of structs) assert.throws(() => s.toJavaScript(), /released this Struct/);
      assert.deepEqual(decodedJson(request), expected);
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 3, reused: 3, released: 3 });
    });

    it("decodes a resource and provider without properties exactly as google-protobuf does", () => {
      const bytes = requestBytesOf(resource("bare", undefined, {}), resource("alone"));
      const plain = analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes).getResourcesList();
      uninstall = installWireMemory();
      decodeCacheStats(true);
      const released = analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes).getResourcesList();
      // toArray, not toObject: a field set to undefined where google-protobuf leaves none shows only there.
      assert.deepEqual(
        released.map((r) => r.toArray()),
        plain.map((r) => r.toArray()),
      );
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 0, reused: 0, released: 0 });
    });

    it("leaves properties the SDK cannot decode in place, so the SDK fails on them as it would alone", () => {
      const bytes = requestBytesOf(resource("odd", { asset: { [specialSigKey]: "no-such-signature" } }));
      const plain = structsOf(analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes))[0];
      const sdkError = (() => {
        try {
          sdk.deserializeProperties(plain, false);
        } catch (e) {
          return (e as Error).message;
        }
        assert.fail("the SDK decodes an unknown signature");
      })();
      uninstall = installWireMemory();
      decodeCacheStats(true);
      const [kept] = structsOf(analyzerpb.AnalyzeStackRequest.deserializeBinary(bytes));
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 0, reused: 0, released: 0 });
      assert.deepEqual(kept.toJavaScript(), plain.toJavaScript());
      assert.throws(() => sdk.deserializeProperties(kept, false), { message: sdkError });
    });

    it("uninstalling restores the SDK's own functions and forgets what it decoded", () => {
      const own = sdkFunctions();
      const struct = Struct.fromJavaScript({ a: 1 });
      uninstall = installWireMemory();
      assert.ok(sdkFunctions().every((f, i) => f !== own[i]));
      const first = sdk.deserializeProperties(struct, false);
      uninstall();
      assert.deepEqual(sdkFunctions(), own);
      uninstall = installWireMemory();
      decodeCacheStats(true);
      assert.notEqual(sdk.deserializeProperties(struct, false), first);
      assert.deepEqual({ ...decodeCacheStats() }, { decoded: 1, reused: 0, released: 0 });
    });

    /** Serializes `response`, noting how many diagnostics each of google-protobuf's encoding passes held. */
    function serialized(response: analyzerpb.AnalyzeResponse): { bytes: Buffer; passes: number[] } {
      const own = responseClass.serializeBinaryToWriter;
      const passes: number[] = [];
      responseClass.serializeBinaryToWriter = (message, writer) => {
        passes.push(message.getDiagnosticsList().length);
        own.call(responseClass, message, writer);
      };
      try {
        return { bytes: Buffer.from(response.serializeBinary()), passes };
      } finally {
        responseClass.serializeBinaryToWriter = own;
      }
    }

    for (const count of [0, 1, 2, 3, 5]) {
      it(`encodes a response with ${count} diagnostics as google-protobuf does, in passes of one diagnostic from two on`, () => {
        const diagnostics = Array.from({ length: count }, (_, i) =>
          new analyzerpb.AnalyzeDiagnostic()
            .setPolicyname(`policy-${i}`)
            .setMessage(`résumé ${i} ✓`)
            .setUrn(`urn:thing-${i}`)
            .setEnforcementlevel(analyzerpb.EnforcementLevel.MANDATORY),
        );
        const response = new analyzerpb.AnalyzeResponse()
          .setDiagnosticsList(diagnostics)
          .setNotApplicableList([new analyzerpb.PolicyNotApplicable().setPolicyName("quiet").setReason("n/a")]);
        const alone = serialized(response);
        assert.deepEqual(alone.passes, [count]);
        uninstall = installWireMemory();
        const piecewise = serialized(response);
        assert.deepEqual(piecewise.bytes, alone.bytes);
        // Under two there is nothing to save; from two, each diagnostic alone, then the rest.
        assert.deepEqual(piecewise.passes, count < 2 ? [count] : [...diagnostics.map(() => 1), 0]);
        assert.deepEqual(response.getDiagnosticsList(), diagnostics);
      });
    }

    type WireMemory = { installWireMemory: typeof installWireMemory; decodeCacheStats: typeof decodeCacheStats };
    /** A fresh copy of policy/wire-memory.ts, loaded while `gone` is (as after an SDK upgrade that moved it). */
    function freshCopy(gone?: { holder: Record<string, unknown>; key: string }): WireMemory {
      const file = require.resolve("../../policy/wire-memory");
      const cached = require.cache[file];
      const kept = gone?.holder[gone.key];
      if (gone) gone.holder[gone.key] = undefined;
      delete require.cache[file];
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(file) as WireMemory;
      } finally {
        if (gone) gone.holder[gone.key] = kept;
        require.cache[file] = cached;
      }
    }

    it("counts from zero when loaded, as in a pack server that has decoded nothing yet", () => {
      const copy = freshCopy();
      assert.deepEqual({ ...copy.decodeCacheStats() }, { decoded: 0, reused: 0, released: 0 });
      uninstall = copy.installWireMemory();
      sdk.deserializeProperties(Struct.fromJavaScript({ a: 1 }), false);
      assert.deepEqual({ ...copy.decodeCacheStats() }, { decoded: 1, reused: 0, released: 0 });
    });

    const moved: [string, Record<string, unknown>, string][] = [
      ["@pulumi/policy's deserializeProperties", sdkModule, "deserializeProperties"],
      ["AnalyzerResource.deserializeBinaryFromReader", resourceClass, "deserializeBinaryFromReader"],
      ["AnalyzeResponse.prototype.serializeBinary", responseProto, "serializeBinary"],
    ];
    for (const [what, holder, key] of moved) {
      it(`refuses to install, replacing nothing, when ${what} is gone`, () => {
        const copy = freshCopy({ holder, key });
        const own = sdkFunctions();
        try {
          assert.throws(
            () => copy.installWireMemory(),
            /no longer exposes deserializeProperties \/ AnalyzerResource\.deserializeBinaryFromReader \/ AnalyzeResponse\.serializeBinary: policy\/wire-memory\.ts needs updating/,
          );
          assert.deepEqual(sdkFunctions(), own);
        } finally {
          // Had the copy installed anyway, its functions (one calling undefined) would outlive this test.
          [sdkModule.deserializeProperties, resourceClass.deserializeBinaryFromReader, responseProto.serializeBinary] =
            own;
        }
      });
    }
  });
});
