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

/**
 * A resource's name as the engine sends it: `URN.Name()`, everything after the URN's third `::`
 * (sdk/go/common/resource/urn.go; a name may itself contain `::`). step_generator.go and
 * analyze_snapshot.go both send `new.URN.Name()`, not the name the program registered.
 */
export function urnName(urn: string): string {
  let at = -2;
  for (let i = 0; i < 3; i++) {
    at = urn.indexOf("::", at + 2);
    if (at < 0) return "";
  }
  return urn.slice(at + 2);
}

/**
 * What the analyzer options say of `deleteBeforeReplace` (marshalResourceOptions in
 * sdk/go/common/resource/plugin/analyzer_plugin.go): the value, and `defined` when the engine holds
 * the option at all. `pulumi policy analyze` (deploy.AnalyzeSnapshot stateToAnalyzerResource) never
 * copies it from state, so there both are false.
 */
export function deleteBeforeReplaceOf(r: CollectedResource, state: boolean): { value: boolean; defined: boolean } {
  if (state) return { value: false, defined: false };
  const defined = r.options.deleteBeforeReplaceDefined ?? r.options.deleteBeforeReplace;
  return { value: defined && r.options.deleteBeforeReplace, defined };
}

/** AnalyzeStack's property dependencies: the engine skips a property with no dependencies (AnalyzeStack, "len(pd) == 0"). */
export function sentPropertyDependencies(r: CollectedResource): [string, readonly string[]][] {
  return Object.entries(r.propertyDependencies).filter(([, urns]) => urns.length > 0);
}

/** Whether requests describe deployed state (`pulumi policy analyze`) rather than a preview. */
export interface EncodeOptions {
  readonly state?: boolean;
}

function optionsOf(r: CollectedResource, encode: EncodeOptions): analyzerpb.AnalyzerResourceOptions {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(r.options.protect);
  o.setIgnorechangesList([...r.options.ignoreChanges]);
  const dbr = deleteBeforeReplaceOf(r, encode.state === true);
  o.setDeletebeforereplace(dbr.value);
  o.setDeletebeforereplacedefined(dbr.defined);
  o.setAdditionalsecretoutputsList([...r.options.additionalSecretOutputs]);
  o.setAliasesList([...r.options.aliases]);
  const t = new analyzerpb.AnalyzerResourceOptions.CustomTimeouts();
  t.setCreate(durationSeconds(r.options.customTimeouts?.create));
  t.setUpdate(durationSeconds(r.options.customTimeouts?.update));
  t.setDelete(durationSeconds(r.options.customTimeouts?.delete));
  // No `read`: the engine's resource.CustomTimeouts has create, update and delete only, and
  // marshalResourceOptions sends those three, so a pack always sees read = 0.
  o.setCustomtimeouts(t);
  if (r.parent) o.setParent(r.parent);
  return o;
}

function providerOf(provider: CollectedResource | undefined): analyzerpb.AnalyzerProviderResource | undefined {
  if (!provider) return undefined;
  const p = new analyzerpb.AnalyzerProviderResource();
  p.setType(provider.type);
  p.setName(urnName(provider.urn));
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

function describe<T extends ResourceMessage>(
  msg: T,
  r: CollectedResource,
  properties: Record<string, unknown>,
  providers: Map<string, CollectedResource>,
  encode: EncodeOptions,
): T {
  msg.setType(r.type);
  msg.setProperties(struct(properties));
  msg.setUrn(r.urn);
  msg.setName(urnName(r.urn));
  msg.setOptions(optionsOf(r, encode));
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

  constructor(
    private readonly snapshot: StackSnapshot,
    private readonly encode: EncodeOptions = {},
  ) {
    this.providers = providerIndex(snapshot);
  }

  analyzeRequest(r: CollectedResource): analyzerpb.AnalyzeRequest {
    return describe(new analyzerpb.AnalyzeRequest(), r, analyzedInputs(r), this.providers, this.encode);
  }

  stackResource(r: CollectedResource): analyzerpb.AnalyzerResource {
    const res = describe(new analyzerpb.AnalyzerResource(), r, r.outputs, this.providers, this.encode);
    if (r.parent) res.setParent(r.parent);
    res.setDependenciesList([...r.dependencies]);
    const deps = res.getPropertydependenciesMap();
    for (const [key, urns] of sentPropertyDependencies(r)) {
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

/**
 * Who the pack runs for: the engine's PolicyAnalyzerOptions (pkg/engine/update.go newUpdateSource
 * fills organization, project, stack, the stack's config and dryRun; pkg/engine/check.go adds the
 * stack's tags), sent as ConfigureStack and as the pack process's environment.
 */
export interface StackIdentity {
  readonly organization: string;
  readonly project: string;
  readonly stack: string;
  /** Full keys (`parity:domain`); secrets are `[secret]` here, never their values (see docs). */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly dryRun: boolean;
}

/**
 * The organization of a stack on a self-managed (DIY) backend, which has no organizations and names
 * every stack `organization/<project>/<stack>` (pkg/backend/diy): what the offline preview stands for.
 */
export const DIY_ORGANIZATION = "organization";

/**
 * The stack's tags as the CLI's backend holds them for a stack it creates from this project
 * (pkg/backend/stack.go GetEnvironmentTagsForCurrentStack: project name, runtime, description).
 */
export function projectStackTags(project: {
  name: string;
  runtime?: string;
  description?: string;
}): Record<string, string> {
  return {
    "pulumi:project": project.name,
    ...(project.runtime ? { "pulumi:runtime": project.runtime } : {}),
    ...(project.description ? { "pulumi:description": project.description } : {}),
  };
}

/** A preview's identity from its snapshot alone (no tags known): what a caller that passes none gets. */
export function identityOf(snapshot: StackSnapshot, extra: Partial<StackIdentity> = {}): StackIdentity {
  return {
    organization: DIY_ORGANIZATION,
    project: snapshot.project,
    stack: snapshot.stack,
    config: snapshot.config,
    secretKeys: Object.entries(snapshot.config)
      .filter(([, v]) => v === "[secret]")
      .map(([k]) => k),
    tags: {},
    dryRun: true,
    ...extra,
  };
}

/** NewPolicyAnalyzer's ConfigureStack request (sdk/go/common/resource/plugin/analyzer_plugin.go). */
export function stackConfigureRequest(identity: StackIdentity): analyzerpb.AnalyzerStackConfigureRequest {
  const req = new analyzerpb.AnalyzerStackConfigureRequest();
  req.setStack(identity.stack);
  req.setProject(identity.project);
  req.setOrganization(identity.organization);
  req.setDryRun(identity.dryRun);
  const config = req.getConfigMap();
  for (const [key, value] of Object.entries(identity.config)) config.set(key, value);
  req.setConfigSecretKeysList([...identity.secretKeys]);
  const tags = req.getTagsMap();
  for (const [key, value] of Object.entries(identity.tags)) tags.set(key, value);
  return req;
}

/**
 * The pack process's environment beyond the CLI's own (constructEnv in analyzer_plugin.go): the
 * config as JSON, and who runs it, in the PULUMI_NODEJS_* names the Node.js SDK reads and the
 * PULUMI_* names the engine sets for every runtime. An empty value is left out, as maybeAppendEnv does.
 */
export function packEnvironment(identity: StackIdentity): Record<string, string> {
  const env: Record<string, string> = {};
  const put = (key: string, value: string) => {
    if (value !== "") env[key] = value;
  };
  if (Object.keys(identity.config).length > 0) put("PULUMI_CONFIG", JSON.stringify(identity.config));
  const dryRun = String(identity.dryRun);
  put("PULUMI_NODEJS_ORGANIZATION", identity.organization);
  put("PULUMI_NODEJS_PROJECT", identity.project);
  put("PULUMI_NODEJS_STACK", identity.stack);
  put("PULUMI_NODEJS_DRY_RUN", dryRun);
  put("PULUMI_ORGANIZATION", identity.organization);
  put("PULUMI_PROJECT", identity.project);
  put("PULUMI_STACK", identity.stack);
  put("PULUMI_DRY_RUN", dryRun);
  return env;
}
