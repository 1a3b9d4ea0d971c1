import { isSecretValue, SECRET_SIG, SECRET_VALUE, UNKNOWN, type Scenario, type SecretValue } from "../snapshot";
import type { Seeded } from "./seeded";
import { STATE_SHAPES, zeroState } from "./shapes";

/**
 * The provider model: what the AWS, random and tls providers return for a resource, in two steps as
 * the engine calls them (pkg/resource/deploy/step_generator.go): `Check` turns the program's inputs
 * into the checked inputs (autonames, schema defaults and, from a Terraform-bridged SDKv2 resource,
 * the `__defaults` list of filled-in keys at every object level), then `Create`/`Update` (or, for an
 * unchanged resource, the stored state) gives the outputs: checked inputs plus everything the provider
 * fills in. One file per service under this directory says what each type fills in.
 */

export type State = Record<string, unknown>;

export interface ModelEnvironment {
  readonly scenario: Scenario;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly generated: Seeded;
  /** The outputs of a resource created earlier in the run, by id: what the provider would read from AWS. */
  readonly lookup: (id: unknown) => State | undefined;
}

/** One resource as a type's model sees it: its checked inputs (without `__defaults`). */
export interface ModelResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: State;
  /** The autonamed (or given) physical name, else the logical name. */
  readonly physical: string;
  /** Names this resource's generated values: `<type>\0<name>`. */
  readonly key: string;
  readonly env: ModelEnvironment;
}

export interface TypeModel {
  /** The property Pulumi autonames from the logical name when the program leaves it (and `namePrefix`) unset. */
  readonly autoname?: { readonly property?: string; readonly maxLength?: number };
  /** Terraform schema `Default:` values: `Check` fills them in and lists them in `__defaults`. */
  readonly defaults?: State;
  /** Schema defaults inside nested blocks: property → defaults of each of its elements. */
  readonly nestedDefaults?: Readonly<Record<string, State>>;
  /**
   * Values a plugin-framework provider (random, tls) sets in its plan: in the outputs of both scenarios,
   * never in the checked inputs (the bridge's Check fills in only SDKv2 schema defaults).
   */
  readonly planned?: State;
  /** A Terraform plugin-SDKv2 resource (the bridge writes `__defaults`); default true for `aws:` types. */
  readonly sdkv2?: boolean;
  /**
   * Optional+computed attributes AWS fills in when the program leaves them unset, and output-only
   * attributes (`id` first): known on a deployed stack, unknown in a create preview, as in a Terraform
   * plan ("known after apply").
   */
  readonly computed?: (r: ModelResource) => State;
}

export interface ProviderDefaults {
  readonly region?: string;
  readonly defaultTags?: Readonly<Record<string, string>>;
}

/** A value the provider marks secret, in the wire encoding the engine stores. */
export function secret(value: unknown): SecretValue {
  return { [SECRET_SIG]: SECRET_VALUE, value };
}

export function arn(
  env: ModelEnvironment,
  service: string,
  resource: string,
  opts: { region?: boolean; account?: boolean } = {},
): string {
  return `arn:${env.partition}:${service}:${opts.region === false ? "" : env.region}:${opts.account === false ? "" : env.accountId}:${resource}`;
}

/** Pulumi's autoname: `<logical name>-<7 hex>` (resource.NewUniqueName), cut to the type's limit. */
export function autoname(env: ModelEnvironment, key: string, name: string, maxLength = 255, suffix = ""): string {
  const random = env.generated.hex(`${key}\0autoname`, 7);
  return `${name.slice(0, maxLength - 8 - suffix.length)}-${random}${suffix}`;
}

export interface Checked {
  /** What `Check` returns, with `__defaults` at every object level of an SDKv2 resource. */
  readonly checked: State;
  /** The same without `__defaults`: what the provider stores and returns among the outputs. */
  readonly plain: State;
  readonly physical: string;
}

export function check(
  models: Readonly<Record<string, TypeModel>>,
  env: ModelEnvironment,
  type: string,
  name: string,
  inputs: State,
  provider: ProviderDefaults,
): Checked {
  const model = models[type] ?? {};
  const aws = type.startsWith("aws:");
  const plain: State = { ...inputs };
  const filled: string[] = [];
  const key = `${type}\0${name}`;
  if (model.autoname) {
    const property = model.autoname.property ?? "name";
    if (plain[property] === undefined && plain["namePrefix"] === undefined) {
      // An SQS FIFO queue's name must end in `.fifo`; the provider's autonaming keeps the suffix.
      const fifo = type === "aws:sqs/queue:Queue" && plain["fifoQueue"] === true ? ".fifo" : "";
      plain[property] = autoname(env, key, name, model.autoname.maxLength, fifo);
      filled.push(property);
    }
  }
  for (const [k, v] of Object.entries(model.defaults ?? {})) {
    if (plain[k] !== undefined) continue;
    plain[k] = structuredClone(v);
    filled.push(k);
  }
  for (const [property, defaults] of Object.entries(model.nestedDefaults ?? {})) {
    const v = plain[property];
    if (Array.isArray(v)) plain[property] = v.map((e) => fillElement(e, defaults));
    else plain[property] = fillElement(v, defaults);
  }
  // aws v7: every regional resource carries the region it lives in (the provider's unless set), and
  // `tagsAll` is computed in Check from `tags` and the provider's `defaultTags` (pulumi-aws replay tests).
  // Which types are regional and taggable: those whose state has `region` and `tagsAll`.
  const shape = STATE_SHAPES[type] ?? {};
  if (shape["region"] && plain["region"] === undefined) plain["region"] = provider.region ?? env.region;
  if (shape["tagsAll"]) plain["tagsAll"] = tagsAll(plain["tags"], provider.defaultTags ?? {});
  const physical = String(plain[model.autoname?.property ?? "name"] ?? plain["namePrefix"] ?? name);
  const checked = (model.sdkv2 ?? aws) ? withDefaultsLists(plain, filled.sort()) : plain;
  return { checked, plain: withoutDefaultsLists(plain) as State, physical };
}

/** A nested block with its schema defaults filled in and listed, as the bridge lists them. */
function fillElement(element: unknown, defaults: State): unknown {
  if (!isPlainObject(element)) return element;
  const out: State = { ...element };
  const filled = Object.keys(defaults)
    .filter((k) => out[k] === undefined)
    .sort();
  for (const k of filled) out[k] = structuredClone(defaults[k]);
  return { ...out, __defaults: filled };
}

function tagsAll(tags: unknown, defaults: Readonly<Record<string, string>>): unknown {
  if (tags === UNKNOWN) return UNKNOWN;
  if (isSecretValue(tags)) return tags;
  return { ...defaults, ...((tags as Record<string, unknown> | undefined) ?? {}) };
}

/** The bridge's `__defaults`: the filled keys at the top, an empty list in every nested object and map. */
function withDefaultsLists(state: State, filled: string[]): State {
  // An element a type's model filled in already carries its own list (nested defaults).
  const out: State = { __defaults: (state["__defaults"] as string[] | undefined) ?? filled };
  for (const [k, v] of Object.entries(state)) if (k !== "__defaults") out[k] = nested(v);
  return out;
}

function nested(v: unknown): unknown {
  if (isSecretValue(v)) return { ...v, value: nested(v.value) };
  // Assets and archives are values, not property maps: the bridge never writes into them.
  if (v !== null && typeof v === "object" && SECRET_SIG in v) return v;
  if (Array.isArray(v)) return v.map(nested);
  if (isPlainObject(v)) return withDefaultsLists(v, []);
  return v;
}

/** A value with every `__defaults` list removed, at any depth. */
export function withoutDefaultsLists(v: unknown): unknown {
  if (isSecretValue(v)) return { ...v, value: withoutDefaultsLists(v.value) };
  if (Array.isArray(v)) return v.map(withoutDefaultsLists);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== "__defaults")
      .map(([k, x]) => [k, withoutDefaultsLists(x)]),
  );
}

/**
 * A property map: not an asset, archive or secret (objects carrying Pulumi's signature key, which the
 * bridge passes through untouched) and not one of the SDK's own objects (an `AssetArchive`).
 */
function isPlainObject(v: unknown): v is State {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && !(SECRET_SIG in v);
}

export interface ModelState {
  /** The provider's id, undefined when a create preview does not know it yet. */
  readonly id: string | undefined;
  readonly outputs: State;
}

/**
 * Outputs: every attribute of the type's state (`*State` in @pulumi/aws), unset ones at the value a
 * Terraform SDKv2 resource stores for them (`""`, `0`, `false`, `[]`, `{}`, `null` for a block), the
 * checked inputs over them, and what the provider computes over the attributes the program left unset:
 * drawn from the seed after a deploy, unknown in a create preview.
 */
export function state(
  models: Readonly<Record<string, TypeModel>>,
  env: ModelEnvironment,
  type: string,
  name: string,
  checked: Checked,
): ModelState {
  const model = models[type] ?? {};
  const r: ModelResource = {
    type,
    name,
    inputs: checked.plain,
    physical: checked.physical,
    key: `${type}\0${name}`,
    env,
  };
  const computed = model.computed?.(r) ?? {};
  const outputs: State = { ...zeroState(type), ...structuredClone(model.planned ?? {}), ...checked.plain };
  const known = env.scenario === "update";
  for (const [k, v] of Object.entries(computed)) {
    const declared = checked.plain[k];
    // A block the program set in part (SES's DKIM attributes): AWS fills in the rest of it.
    if (isPlainObject(declared) && isPlainObject(v))
      outputs[k] = { ...mapValues(v, (x) => (known ? x : UNKNOWN)), ...declared };
    else if (declared === undefined) outputs[k] = known ? v : UNKNOWN;
  }
  const id = known && typeof computed["id"] === "string" ? computed["id"] : undefined;
  if (type.startsWith("aws:") || computed["id"] !== undefined) outputs["id"] = id ?? UNKNOWN;
  return { id, outputs };
}

function mapValues(v: State, f: (x: unknown) => unknown): State {
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f(x)]));
}
