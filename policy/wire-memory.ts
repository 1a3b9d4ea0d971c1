import * as sdkDeserialize from "@pulumi/policy/deserialize";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/**
 * Keeps the pack's memory near what its policies need on a big stack (issue 20: a 19,229-resource
 * AnalyzeStack took the pack to 1.3 GB): each resource's properties are decoded once per request,
 * as the request arrives, keeping only the decoded values; and the response is encoded diagnostic by
 * diagnostic.
 *
 * Where the memory went, measured: the AnalyzeStack request as google-protobuf objects is ~11× its
 * wire size (374 MB for 34 MB), almost all of it the properties' Struct/Value trees, while the
 * decoded values take a fraction of that (their strings are the same strings). And `@pulumi/policy`'s
 * server (server.js, makeAnalyzeStackRpcFun) rebuilds every resource's properties for each stack
 * policy (~20 full copies per call, garbage V8 lets pile up); its Analyze handler does the same per
 * resource policy.
 *
 * So, through the SDK's own functions:
 * - memoize `deserializeProperties(struct, false)` by the Struct object (a WeakMap: a value goes when
 *   its request does). server.js calls it through the module object (`deserialize_1.…`), so
 *   replacing the export is enough;
 * - while an AnalyzeStack request is decoded, decode each resource's (and its provider's) properties
 *   with the SDK's function and put a `ReleasedStruct` in the Struct's place, keyed to the value, so
 *   the protobuf tree is freed resource by resource instead of living through the call.
 * - encode the AnalyzeResponse one diagnostic at a time: google-protobuf's writer holds the whole
 *   output as arrays of numbers (~8 bytes a byte), which for ~19,000 diagnostics was the pack's
 *   final 160 MB spike. A repeated field's encoding is its elements' encodings one after another,
 *   so the bytes are the same (the test compares them).
 * Exact: the value is what the SDK's function returns for that Struct, computed once instead of per
 * policy (it is a pure function of the Struct). Shared: the policies of one request see the same
 * objects, which is safe because they only read them (test/policy/wire-memory.test.ts checks a full run
 * leaves them unchanged). Remediate's decode (`proxySecrets: true`) is never memoized: remediations
 * change what they are given. Anything that reads a released Struct other than through the memo
 * fails loudly instead of seeing `{}`.
 */

type Deserialize = (struct: Struct, proxySecrets: boolean) => Record<string, unknown>;
type FromReader = (msg: analyzerpb.AnalyzerResource, reader: unknown) => analyzerpb.AnalyzerResource;
interface DeserializeModule {
  deserializeProperties: Deserialize;
}
interface ResourceClass {
  deserializeBinaryFromReader: FromReader;
}

const sdk = sdkDeserialize as unknown as DeserializeModule;
const original: Deserialize = sdk.deserializeProperties;
// The class server.js's requests are decoded with (one @pulumi/pulumi in the tree; the test proves the hook is reached).
const resourceClass = analyzerpb.AnalyzerResource as unknown as ResourceClass;
const originalFromReader: FromReader = resourceClass.deserializeBinaryFromReader;

/** Stands where a decoded Struct was: its value lives in the memo only. */
class ReleasedStruct extends Struct {
  override toJavaScript(): never {
    throw new Error(
      "policy/wire-memory.ts released this Struct after decoding it; read it through deserializeProperties",
    );
  }
}

const responseProto = analyzerpb.AnalyzeResponse.prototype;
const originalSerialize = responseProto.serializeBinary;

/** Byte for byte what `serializeBinary` returns: each diagnostic's field encoded alone, then the other fields. */
function serializeInPieces(this: analyzerpb.AnalyzeResponse): Uint8Array {
  const diagnostics = this.getDiagnosticsList();
  if (diagnostics.length < 2) return originalSerialize.call(this);
  const one = new analyzerpb.AnalyzeResponse();
  const pieces = diagnostics.map((d) => originalSerialize.call(one.setDiagnosticsList([d])));
  this.setDiagnosticsList([]);
  try {
    pieces.push(originalSerialize.call(this));
  } finally {
    this.setDiagnosticsList(diagnostics);
  }
  return Buffer.concat(pieces);
}

export interface DecodeCacheStats {
  /** Structs decoded (seen for the first time). */
  decoded: number;
  /** Decodes saved (a Struct seen again). */
  reused: number;
  /** Structs freed as an AnalyzeStack request was decoded. */
  released: number;
}

let stats: DecodeCacheStats = { decoded: 0, reused: 0, released: 0 };
let decoded = new WeakMap<Struct, Record<string, unknown>>();

function memoized(struct: Struct, proxySecrets: boolean): Record<string, unknown> {
  if (proxySecrets) return original(struct, proxySecrets);
  const known = decoded.get(struct);
  if (known) {
    stats.reused++;
    return known;
  }
  const value = original(struct, proxySecrets);
  decoded.set(struct, value);
  stats.decoded++;
  return value;
}

/** Decodes `struct` now and returns what stands in its place, or the Struct itself if it cannot be decoded (the SDK then fails on it as it would). */
function release(struct: Struct | undefined): Struct | undefined {
  if (!struct || struct instanceof ReleasedStruct) return struct;
  let value: Record<string, unknown>;
  try {
    value = original(struct, false);
  } catch {
    return struct;
  }
  const stand = new ReleasedStruct();
  decoded.set(stand, value);
  stats.decoded++;
  stats.released++;
  return stand;
}

function releasingFromReader(msg: analyzerpb.AnalyzerResource, reader: unknown): analyzerpb.AnalyzerResource {
  const resource = originalFromReader(msg, reader);
  for (const holder of [resource, resource.getProvider()]) {
    const struct = holder?.getProperties();
    const stand = release(struct);
    if (stand !== struct) holder?.setProperties(stand);
  }
  return resource;
}

/**
 * Installs both steps (idempotent); returns a function that restores the SDK's own functions. Throws
 * if the SDK no longer has what this relies on, so an upgrade fails loudly instead of quietly losing
 * the savings.
 */
export function installWireMemory(): () => void {
  if (
    typeof original !== "function" ||
    typeof originalFromReader !== "function" ||
    typeof originalSerialize !== "function"
  ) {
    throw new Error(
      "@pulumi/policy or @pulumi/pulumi no longer exposes deserializeProperties / AnalyzerResource.deserializeBinaryFromReader / AnalyzeResponse.serializeBinary: policy/wire-memory.ts needs updating",
    );
  }
  sdk.deserializeProperties = memoized;
  resourceClass.deserializeBinaryFromReader = releasingFromReader;
  responseProto.serializeBinary = serializeInPieces;
  return () => {
    sdk.deserializeProperties = original;
    resourceClass.deserializeBinaryFromReader = originalFromReader;
    responseProto.serializeBinary = originalSerialize;
    decoded = new WeakMap();
  };
}

/** Counts since the last reset (for the test that proves the SDK still decodes through the memo). */
export function decodeCacheStats(reset = false): DecodeCacheStats {
  const now = stats;
  if (reset) stats = { decoded: 0, reused: 0, released: 0 };
  return now;
}
