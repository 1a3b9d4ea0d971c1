import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { CollectedResource, StackSnapshot } from "./snapshot";

/**
 * A snapshot's resources as the requests the Pulumi CLI sends a policy pack: `Analyze` per resource
 * with its checked inputs (the engine calls the provider's `Check` first and analyzes what it returns:
 * pkg/resource/deploy/step_generator.go), `AnalyzeStack` with every resource's outputs, parent and
 * dependencies (what it checks after the preview), and `ConfigureStack`. A resource's provider is
 * attached with the provider resource's (checked) inputs.
 */

/** What `Analyze` receives for a resource: the provider's `Check` result when the snapshot has one. */
export function analyzedInputs(r: CollectedResource): Record<string, unknown> {
  return r.checkedInputs ?? r.inputs;
}

/**
 * Whether the CLI leaves a property out of analyzer requests: it marshals Analyze, AnalyzeStack and
 * provider properties with `SkipInternalKeys: true` (pkg/resource/plugin/analyzer_plugin.go), which
 * drops every key starting with `__` at every level, the bridge's `__defaults` among them.
 */
export function isInternalKey(key: string): boolean {
  return key.charCodeAt(0) === 95 && key.charCodeAt(1) === 95;
}

/** A value without internal keys, at any depth: what the CLI sends the pack. */
export function withoutInternalKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutInternalKeys);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!isInternalKey(k)) out[k] = withoutInternalKeys(x);
  return out;
}

/** `<provider urn>::<provider id>` → the provider resource it names. */
export function providerIndex(snapshot: StackSnapshot): Map<string, CollectedResource> {
  const byUrn = new Map(snapshot.resources.map((r) => [r.urn, r]));
  const index = new Map<string, CollectedResource>();
  for (const r of snapshot.resources) {
    if (!r.provider || index.has(r.provider)) continue;
    const provider = byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::")));
    if (provider) index.set(r.provider, provider);
  }
  return index;
}

function struct(value: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(withoutInternalKeys(value) as Parameters<typeof Struct.fromJavaScript>[0]);
}

/** Go-style durations (`5m`, `1h30m`, `90s`) as the seconds the analyzer protocol carries. */
export function durationSeconds(text: string | undefined): number {
  if (!text) return 0;
  let total = 0;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  for (const [, n, u] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(n) * unit[u];
  return total;
}

function optionsOf(r: CollectedResource): analyzerpb.AnalyzerResourceOptions {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(r.options.protect);
  o.setIgnorechangesList([...r.options.ignoreChanges]);
  // The snapshot keeps the value only; `true` can only have been set explicitly.
  o.setDeletebeforereplace(r.options.deleteBeforeReplace);
  o.setDeletebeforereplacedefined(r.options.deleteBeforeReplace);
  o.setAdditionalsecretoutputsList([...r.options.additionalSecretOutputs]);
  o.setAliasesList([...r.options.aliases]);
  const t = new analyzerpb.AnalyzerResourceOptions.CustomTimeouts();
  t.setCreate(durationSeconds(r.options.customTimeouts?.create));
  t.setUpdate(durationSeconds(r.options.customTimeouts?.update));
  t.setDelete(durationSeconds(r.options.customTimeouts?.delete));
  o.setCustomtimeouts(t);
  if (r.parent) o.setParent(r.parent);
  return o;
}

function providerOf(provider: CollectedResource | undefined): analyzerpb.AnalyzerProviderResource | undefined {
  if (!provider) return undefined;
  const p = new analyzerpb.AnalyzerProviderResource();
  p.setType(provider.type);
  p.setName(provider.name);
  p.setUrn(provider.urn);
  p.setProperties(struct(analyzedInputs(provider)));
  return p;
}

/** The fields `AnalyzeRequest` and `AnalyzerResource` share. */
interface ResourceMessage {
  setType(v: string): unknown;
  setProperties(v?: Struct): unknown;
  setUrn(v: string): unknown;
  setName(v: string): unknown;
  setOptions(v?: analyzerpb.AnalyzerResourceOptions): unknown;
  setProvider(v?: analyzerpb.AnalyzerProviderResource): unknown;
}

function describe<T extends ResourceMessage>(msg: T, r: CollectedResource, properties: Record<string, unknown>, providers: Map<string, CollectedResource>): T {
  msg.setType(r.type);
  msg.setProperties(struct(properties));
  msg.setUrn(r.urn);
  msg.setName(r.name);
  msg.setOptions(optionsOf(r));
  const provider = providerOf(r.provider ? providers.get(r.provider) : undefined);
  if (provider) msg.setProvider(provider);
  return msg;
}

/**
 * Builds the requests as google-protobuf messages: the reference encoding. The harness sends the
 * faster hand-encoded bytes of analyzer-wire.ts, which the tests hold to these messages.
 */
export class RequestBuilder {
  private readonly providers: Map<string, CollectedResource>;

  constructor(private readonly snapshot: StackSnapshot) {
    this.providers = providerIndex(snapshot);
  }

  analyzeRequest(r: CollectedResource): analyzerpb.AnalyzeRequest {
    return describe(new analyzerpb.AnalyzeRequest(), r, analyzedInputs(r), this.providers);
  }

  stackResource(r: CollectedResource): analyzerpb.AnalyzerResource {
    const res = describe(new analyzerpb.AnalyzerResource(), r, r.outputs, this.providers);
    if (r.parent) res.setParent(r.parent);
    res.setDependenciesList([...r.dependencies]);
    const deps = res.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      const d = new analyzerpb.AnalyzerPropertyDependencies();
      d.setUrnsList([...urns]);
      deps.set(key, d);
    }
    return res;
  }

  analyzeStackRequest(): analyzerpb.AnalyzeStackRequest {
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(this.snapshot.resources.map((r) => this.stackResource(r)));
    return req;
  }
}

export function stackConfigureRequest(snapshot: StackSnapshot): analyzerpb.AnalyzerStackConfigureRequest {
  const req = new analyzerpb.AnalyzerStackConfigureRequest();
  req.setStack(snapshot.stack);
  req.setProject(snapshot.project);
  req.setDryRun(true);
  const config = req.getConfigMap();
  const secret: string[] = [];
  for (const [key, value] of Object.entries(snapshot.config)) {
    config.set(key, value);
    if (value === "[secret]") secret.push(key);
  }
  req.setConfigSecretKeysList(secret);
  return req;
}
