import {
  analyzedInputs,
  deleteBeforeReplaceOf,
  durationSeconds,
  EncodeOptions,
  isInternalKey,
  providerIndex,
  sentPropertyDependencies,
  urnName,
} from "./analyzer-requests";
import type { CollectedResource, StackSnapshot } from "./snapshot";

/**
 * The Analyze and AnalyzeStack requests encoded straight to protobuf bytes. Building them as
 * google-protobuf objects (a `Struct` of `Value`s per property) cost more CPU than the pack spent
 * judging them; these bytes decode to exactly the messages `analyzer-requests.ts` builds, which the
 * tests check field by field. Field numbers are those of pulumi's analyzer.proto and struct.proto.
 */

/**
 * A growable protobuf writer. A length-delimited field reserves five bytes for its length, writes
 * its payload, then closes the gap once the length is known: one buffer, no per-field allocations.
 */
class Writer {
  buf = Buffer.allocUnsafe(64 * 1024);
  pos = 0;

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(value: number): void {
    this.ensure(10);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** Starts a length-delimited field; pass the result to `end`. */
  begin(field: number): number {
    this.tag(field, 2);
    this.ensure(5);
    this.pos += 5;
    return this.pos;
  }

  end(start: number): void {
    const length = this.pos - start;
    let size = 1;
    for (let v = length; v > 0x7f; v = Math.floor(v / 128)) size++;
    this.buf.copyWithin(start - 5 + size, start, this.pos);
    // Into the reserved gap: no ensure(), which could reallocate and drop the moved payload.
    let at = start - 5;
    let v = length;
    while (v > 0x7f) {
      this.buf[at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[at++] = v;
    this.pos = at + length;
  }

  /** A string field; proto3 leaves empty strings out unless `always` (map keys, oneof members). */
  string(field: number, value: string | undefined, always = false): void {
    if (!value && !always) return;
    const text = value ?? "";
    const start = this.begin(field);
    this.ensure(text.length * 3);
    this.pos += this.buf.write(text, this.pos, "utf8");
    this.end(start);
  }

  bool(field: number, value: boolean): void {
    if (!value) return;
    this.tag(field, 0);
    this.varint(1);
  }

  double(field: number, value: number, always = false): void {
    if (value === 0 && !always) return;
    this.tag(field, 1);
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  strings(field: number, values: readonly string[]): void {
    for (const v of values) this.string(field, v, true);
  }

  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** Starts over, keeping the buffer: encoders reuse one writer instead of a fresh 64 KiB per request. */
  reset(): this {
    this.pos = 0;
    return this;
  }
}

/** google.protobuf.Value: null 1, number 2, string 3, bool 4, struct 5, list 6 (a oneof: always written). */
function value(w: Writer, v: unknown, keepInternal = false): void {
  if (v === null || v === undefined) {
    w.tag(1, 0);
    w.varint(0);
  } else if (typeof v === "number") {
    w.double(2, v, true);
  } else if (typeof v === "string") {
    w.string(3, v, true);
  } else if (typeof v === "boolean") {
    w.tag(4, 0);
    w.varint(v ? 1 : 0);
  } else if (Array.isArray(v)) {
    const list = w.begin(6);
    for (const item of v) {
      const entry = w.begin(1);
      value(w, item, keepInternal);
      w.end(entry);
    }
    w.end(list);
  } else {
    const nested = w.begin(5);
    struct(w, v as Record<string, unknown>, keepInternal);
    w.end(nested);
  }
}

/**
 * google.protobuf.Struct: `map<string, Value> fields = 1`, each entry { key = 1; value = 2 }. Internal
 * keys (`__defaults`) are left out at every level, as the CLI does (see `isInternalKey`).
 */
function struct(w: Writer, obj: Record<string, unknown>, keepInternal = false): void {
  for (const [k, v] of Object.entries(obj)) {
    if (!keepInternal && isInternalKey(k)) continue;
    const entry = w.begin(1);
    w.string(1, k, true);
    const val = w.begin(2);
    value(w, v, keepInternal);
    w.end(val);
    w.end(entry);
  }
}

function options(w: Writer, r: CollectedResource, encode: EncodeOptions): void {
  const o = r.options;
  w.bool(1, o.protect);
  w.strings(2, o.ignoreChanges);
  const dbr = deleteBeforeReplaceOf(r, encode.state === true);
  w.bool(3, dbr.value);
  w.bool(4, dbr.defined);
  w.strings(5, o.additionalSecretOutputs);
  w.strings(6, o.aliases);
  const timeouts = w.begin(7);
  w.double(1, durationSeconds(o.customTimeouts?.create));
  w.double(2, durationSeconds(o.customTimeouts?.update));
  w.double(3, durationSeconds(o.customTimeouts?.delete));
  // Field 4 (`read`) is never written: the engine sends create, update and delete only.
  w.end(timeouts);
  w.string(8, r.parent);
}

/**
 * Fields 1–6, shared by AnalyzeRequest and AnalyzerResource. `keepInternal`: Remediate's request
 * keeps internal keys in the resource's properties (analyzer.Remediate: SkipInternalKeys false).
 */
function common(
  w: Writer,
  r: CollectedResource,
  properties: Record<string, unknown>,
  providers: Map<string, CollectedResource>,
  encode: EncodeOptions,
  keepInternal = false,
): void {
  w.string(1, r.type);
  const props = w.begin(2);
  struct(w, properties, keepInternal);
  w.end(props);
  w.string(3, r.urn);
  w.string(4, urnName(r.urn));
  const opts = w.begin(5);
  options(w, r, encode);
  w.end(opts);
  const p = r.provider ? providers.get(r.provider) : undefined;
  if (p) {
    const prov = w.begin(6);
    w.string(1, p.type);
    const pprops = w.begin(2);
    struct(w, analyzedInputs(p));
    w.end(pprops);
    w.string(3, p.urn);
    w.string(4, urnName(p.urn));
    w.end(prov);
  }
}

function stackResource(
  w: Writer,
  r: CollectedResource,
  providers: Map<string, CollectedResource>,
  encode: EncodeOptions,
): void {
  common(w, r, r.outputs, providers, encode);
  w.string(7, r.parent);
  w.strings(8, r.dependencies);
  for (const [key, urns] of sentPropertyDependencies(r)) {
    const entry = w.begin(9);
    w.string(1, key, true);
    const deps = w.begin(2);
    w.strings(1, urns);
    w.end(deps);
    w.end(entry);
  }
}

export class WireEncoder {
  private readonly providers: Map<string, CollectedResource>;
  // Encoding is synchronous, so one writer serves every request; `bytes()` copies out what is sent.
  private readonly writer = new Writer();

  constructor(
    private readonly snapshot: StackSnapshot,
    private readonly encode: EncodeOptions = {},
  ) {
    this.providers = providerIndex(snapshot);
  }

  /** pulumirpc.AnalyzeRequest for one resource, with its checked inputs. */
  analyzeRequest(r: CollectedResource): Buffer {
    const w = this.writer.reset();
    common(w, r, analyzedInputs(r), this.providers, this.encode);
    return w.bytes();
  }

  /** The same AnalyzeRequest as Remediate gets it: internal keys (`__defaults`) kept in the resource's properties. */
  remediateRequest(r: CollectedResource): Buffer {
    const w = this.writer.reset();
    common(w, r, analyzedInputs(r), this.providers, this.encode, true);
    return w.bytes();
  }

  /** pulumirpc.AnalyzerResource with its outputs, parent (7), dependencies (8), property dependencies (9). */
  stackResource(r: CollectedResource): Buffer {
    const w = this.writer.reset();
    stackResource(w, r, this.providers, this.encode);
    return w.bytes();
  }

  /**
   * pulumirpc.AnalyzeStackRequest (`repeated AnalyzerResource resources = 1`), yielding every `slice`
   * resources; `include` leaves resources out (each resource still carries its provider's inputs).
   * Each entry is encoded on its own and the request assembled at its exact size: a single growing
   * buffer would hold up to twice the request, plus the old buffer while it doubles, plus the copy out.
   */
  async analyzeStackRequest(slice = 100, include: (r: CollectedResource) => boolean = () => true): Promise<Buffer> {
    const entries: Buffer[] = [];
    let count = 0;
    for (const r of this.snapshot.resources) {
      if (!include(r)) continue;
      const w = this.writer.reset();
      const entry = w.begin(1);
      stackResource(w, r, this.providers, this.encode);
      w.end(entry);
      entries.push(w.bytes());
      if (++count % slice === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return Buffer.concat(entries);
  }
}
