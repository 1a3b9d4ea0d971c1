import * as sdkSettings from "@pulumi/pulumi/runtime/settings";
import type { Alias } from "@pulumi/pulumi/proto/alias_pb";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { CollectedOptions, CollectedResource, Scenario, StackSnapshot } from "./snapshot";

/**
 * Records what the Pulumi engine would receive: the SDK's mock monitor is wrapped so every
 * `RegisterResource` request (inputs, options, parent, provider, dependencies) is captured exactly as
 * serialized by the SDK, with the mock provider's response as the resource's outputs.
 */

type Callback<T> = (err: unknown, response: T) => void;
interface MonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterResourceRequest, cb: Callback<RegisterResourceResponse>): unknown;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): Struct | undefined }, cb: Callback<unknown>): unknown;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface Recorder {
  snapshot(config: Record<string, string>): StackSnapshot;
  /** Registrations the engine would refuse (duplicate URNs): each fails the preview. */
  readonly refused: readonly string[];
}

/** The provider's `Check`: the checked inputs of a custom resource, from its wire-encoded inputs. */
export type Checker = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  provider: string | undefined,
) => Record<string, unknown>;

export interface RecorderOptions {
  readonly check?: Checker;
  readonly scenario?: Scenario;
  readonly seed?: string;
}

export function attachRecorder(project: string, stack: string, opts: RecorderOptions = {}): Recorder {
  const monitor = sdkSettings.getMonitor() as unknown as MonitorLike | undefined;
  if (!monitor || typeof monitor.registerResource !== "function") {
    throw new Error("offline preview: no mock monitor; call pulumi.runtime.setMocks before attachRecorder");
  }
  const recorded: Array<Mutable<CollectedResource> | undefined> = [];
  const byUrn = new Map<string, Mutable<CollectedResource>>();
  const requested = new Set<string>();
  const refused: string[] = [];

  // The engine omits the root stack from qualified types and keeps the whole parent chain; the SDK's
  // mock keeps only the parent's last type and includes the stack. Use the engine's rule so URNs here
  // are the URNs a real preview shows.
  monitor.newUrn = (parent, type, name) => {
    const parentType = parent ? parent.split("::")[2] : undefined;
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
  };

  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    // Reserve the slot now so the snapshot keeps program (registration) order.
    const slot = recorded.push(undefined) - 1;
    const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
    if (requested.has(urn)) {
      // The engine fails the whole preview here; the SDK alone would only reject this resource's outputs.
      const message = `Duplicate resource URN '${urn}'; try giving it a unique name`;
      refused.push(message);
      cb(new Error(message), undefined as unknown as RegisterResourceResponse);
      return;
    }
    requested.add(urn);
    return register(req, (err, response) => {
      if (!err && response) {
        const resource = fromRequest(req, response, project, stack);
        const checked = checkedInputs(req, resource, opts.check);
        if (checked) resource.checkedInputs = checked;
        recorded[slot] = resource;
        byUrn.set(resource.urn, resource);
      }
      cb(err, response);
    });
  };

  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const resource = byUrn.get(req.getUrn());
    if (resource) resource.outputs = toJson(req.getOutputs());
    return registerOutputs(req, cb);
  };

  return {
    refused,
    snapshot(config) {
      const resources = recorded.filter((r): r is Mutable<CollectedResource> => r !== undefined);
      const root = resources.find((r) => r.type === ROOT_STACK_TYPE && r.parent === undefined);
      return {
        project,
        stack,
        ...(opts.scenario ? { scenario: opts.scenario } : {}),
        ...(opts.seed ? { seed: opts.seed } : {}),
        config,
        resources,
        outputs: root?.outputs ?? {},
      };
    },
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function fromRequest(
  req: RegisterResourceRequest,
  response: RegisterResourceResponse,
  project: string,
  stack: string,
): Mutable<CollectedResource> {
  const parent = req.getParent() || undefined;
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDependencies[key] = deps.getUrnsList();
  });
  const resource: Mutable<CollectedResource> = {
    urn: response.getUrn(),
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    inputs: toJson(req.getObject()),
    outputs: req.getCustom() ? toJson(response.getObject()) : {},
    options: optionsOf(req, { project, stack, parent }),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
  };
  if (parent) resource.parent = parent;
  if (req.getCustom() && response.getId()) resource.id = response.getId();
  if (req.getProvider()) resource.provider = req.getProvider();
  return resource;
}

/**
 * What `Check` made of the inputs: for a provider resource, the engine adds the plugin's `version`
 * (pkg/resource/deploy/providers: SetProviderVersion); for any other custom resource, the provider model's answer.
 */
function checkedInputs(
  req: RegisterResourceRequest,
  resource: CollectedResource,
  check: Checker | undefined,
): Record<string, unknown> | undefined {
  if (!resource.custom) return undefined;
  if (resource.type.startsWith("pulumi:providers:"))
    return req.getVersion() ? { ...resource.inputs, version: req.getVersion() } : undefined;
  return check?.(resource.type, resource.name, resource.inputs, resource.provider);
}

function optionsOf(req: RegisterResourceRequest, ctx: AliasContext): CollectedOptions {
  const aliases = [
    ...req.getAliasurnsList(),
    ...req.getAliasesList().map((a) => aliasUrn(a, req.getType(), req.getName(), ctx)),
  ];
  const options: Mutable<CollectedOptions> = {
    protect: req.getProtect() ?? false,
    retainOnDelete: req.getRetainondelete() ?? false,
    deleteBeforeReplace: req.getDeletebeforereplace(),
    // source_eval.go RegisterResource: defined when the value is true or the SDK says it was given.
    deleteBeforeReplaceDefined: req.getDeletebeforereplace() || req.getDeletebeforereplacedefined(),
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    aliases: [...new Set(aliases)],
  };
  const timeouts = req.getCustomtimeouts();
  if (timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())) {
    options.customTimeouts = {
      ...(timeouts.getCreate() ? { create: timeouts.getCreate() } : {}),
      ...(timeouts.getUpdate() ? { update: timeouts.getUpdate() } : {}),
      ...(timeouts.getDelete() ? { delete: timeouts.getDelete() } : {}),
    };
  }
  return options;
}

interface AliasContext {
  readonly project: string;
  readonly stack: string;
  readonly parent?: string;
}

/** An alias spec resolved to the URN the engine would look for. */
function aliasUrn(alias: Alias, type: string, name: string, ctx: AliasContext): string {
  if (alias.hasUrn()) return alias.getUrn();
  const spec = alias.getSpec();
  const parent = !spec
    ? ctx.parent
    : spec.hasParenturn()
      ? spec.getParenturn()
      : spec.getNoparent()
        ? undefined
        : ctx.parent;
  const aliasType = spec?.getType() || type;
  const parentType = parent ? parent.split("::")[2] : undefined;
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${aliasType}` : aliasType;
  return `urn:pulumi:${spec?.getStack() || ctx.stack}::${spec?.getProject() || ctx.project}::${qualified}::${spec?.getName() || name}`;
}

/**
 * Resolves once the SDK has no outstanding RPC: every registration, output and invoke settled. The
 * SDK marks the function internal (it is what `pulumi.runtime.disconnect` awaits), hence the cast.
 */
export function waitForRPCs(): Promise<void> {
  const internal = sdkSettings as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof internal.waitForRPCs !== "function") {
    throw new Error("offline preview: this @pulumi/pulumi has no runtime.waitForRPCs; pin @pulumi/pulumi ^3.248");
  }
  return internal.waitForRPCs();
}

function toJson(struct: Struct | undefined): Record<string, unknown> {
  return (struct?.toJavaScript() as Record<string, unknown> | undefined) ?? {};
}
