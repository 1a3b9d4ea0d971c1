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
  readonly parent?: string;
  /** Provider reference as the engine writes it: `<provider urn>::<provider id>`. */
  readonly provider?: string;
  readonly inputs: Record<string, unknown>;
  /**
   * What the provider's `Check` returns and `Analyze` receives: the inputs plus autonames and schema
   * defaults, with `__defaults` naming the keys the provider filled in. Undefined: same as `inputs`.
   */
  readonly checkedInputs?: Record<string, unknown>;
  /** Mocked provider state (inputs plus computed outputs); for components, their registered outputs. */
  readonly outputs: Record<string, unknown>;
  readonly options: CollectedOptions;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export interface StackSnapshot {
  readonly project: string;
  readonly stack: string;
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
