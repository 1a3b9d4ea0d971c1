/**
 * What the offline preview records for a stack: every resource as the engine would see it in a
 * `RegisterResource` request. The policy harness, the parity lock and the parity report all read
 * this shape, so it is the contract between them.
 *
 * Values are plain JSON in the Pulumi wire encoding: a secret is `{ [SECRET_SIG]: SECRET_VALUE,
 * value }` and a value unknown at preview is the string `UNKNOWN`.
 */

/** The signature key and value Pulumi uses to mark a secret in serialized properties. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
/** Pulumi's sentinel for a value not known until the resource exists. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface SecretValue {
  readonly [SECRET_SIG]: typeof SECRET_VALUE;
  readonly value: unknown;
}

export interface CollectedOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /**
   * Whether the program gave `deleteBeforeReplace` at all (true or false): the engine keeps the
   * option as a pointer, set when the value is true or the request says it was defined
   * (pkg/resource/deploy/source_eval.go RegisterResource). Absent in state read from an export.
   */
  readonly deleteBeforeReplaceDefined?: boolean;
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly aliases: readonly string[];
  readonly customTimeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
}

export interface CollectedResource {
  readonly urn: string;
  readonly type: string;
  /** Logical name, e.g. `db-instance`. */
  readonly name: string;
  readonly custom: boolean;
  /** The provider's id for a custom resource, once known (absent in a create preview). */
  readonly id?: string;
  readonly parent?: string;
  /** Provider reference as the engine writes it: `<provider urn>::<provider id>`. */
  readonly provider?: string;
  /** Exactly the program's `RegisterResource` inputs. */
  readonly inputs: Record<string, unknown>;
  /**
   * What the provider's `Check` returned for those inputs, which is what the engine diffs, stores as the
   * resource's inputs and sends `Analyze`: the inputs plus autonames, schema defaults and, from a
   * Terraform-bridged provider, the `__defaults` list at every object level. Absent for components and
   * for snapshots recorded before this existed; readers fall back to `inputs`.
   */
  readonly checkedInputs?: Record<string, unknown>;
  /** The provider's state (checked inputs plus everything the provider fills in); for components, their registered outputs. */
  readonly outputs: Record<string, unknown>;
  readonly options: CollectedOptions;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

/**
 * Which preview the provider model answers like: `create` is the first deploy (computed values
 * unknown), `update` a preview of a stack that is already deployed (every value known, generated parts
 * drawn from the seed).
 */
export type Scenario = "create" | "update";
export const SCENARIOS: readonly Scenario[] = ["create", "update"];

export interface StackSnapshot {
  readonly project: string;
  readonly stack: string;
  /** The provider model's scenario (absent in snapshots read from elsewhere than the mocks). */
  readonly scenario?: Scenario;
  /** The seed the generated parts (ids, suffixes, key ids, revisions) were drawn from. */
  readonly seed?: string;
  /** The config the program ran with, secrets masked as `[secret]`. */
  readonly config: Readonly<Record<string, string>>;
  readonly resources: readonly CollectedResource[];
  /** The stack's exported outputs. */
  readonly outputs: Record<string, unknown>;
  /** Lines for people about how the config was loaded (e.g. `secure:` values decrypted or placeholders). */
  readonly notes?: readonly string[];
}

export function isSecretValue(v: unknown): v is SecretValue {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

/** The value inside any number of secret wrappers. */
export function reveal(v: unknown): unknown {
  return isSecretValue(v) ? reveal(v.value) : v;
}
