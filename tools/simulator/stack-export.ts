import { createHash } from "node:crypto";
import * as path from "node:path";
import { durationSeconds } from "./analyzer-requests";
import { Seeded } from "./provider-model/seeded";
import {
  isSecretValue,
  SECRET_SIG,
  SECRET_VALUE,
  type CollectedOptions,
  type CollectedResource,
  type StackSnapshot,
} from "./snapshot";

// The reader half lives in export-reader.ts; these names stay importable from here.
export { fromStackExport, parseUrn, readStackExportFile } from "./export-reader";
export { EmptyStackExportError, StackExportError } from "./export-error";

/**
 * `pulumi stack export` files, written from and read into a `StackSnapshot`. The shape is the CLI's
 * deployment format version 3 (pulumi/pulumi sdk/go/common/apitype/core.go: `UntypedDeployment`,
 * `DeploymentV3`, `ResourceV3`, `ManifestV1`): each resource's `inputs` are what the engine stored, its
 * provider's checked inputs, and its `outputs` the provider's state.
 *
 * Secrets: a real export holds each secret as `{"4dabf…": "1b47…", "ciphertext": "…"}`, encrypted by the
 * stack's secrets provider, or with `--show-secrets` as `{"4dabf…": "1b47…", "plaintext": "<JSON>"}`.
 * The writer writes `plaintext` when asked (the fixtures, so a pack can judge the values) and otherwise
 * a `ciphertext` no key opens. The reader (export-reader.ts) opens ciphertexts with the export's secrets
 * provider where it can (export-secrets.ts) and otherwise leaves the placeholder
 * `[ciphertext:<ciphertext>]`, still marked secret: two different ciphertexts stay different values.
 */

export const DEPLOYMENT_VERSION = 3;
/** Of the CLI that wrote the export; the manifest's `magic` is a hash of it. */
const ENGINE_VERSION = "v3.190.0";

export type SecretForm = "ciphertext" | "plaintext";

export interface ExportOptions {
  /** `plaintext` as `pulumi stack export --show-secrets` writes; default `ciphertext`. */
  readonly secrets?: SecretForm;
  /** The deployment's time (ISO 8601); default a fixed time so the same snapshot writes the same file. */
  readonly time?: string;
}

export interface StackExport {
  readonly version: number;
  readonly deployment: {
    readonly manifest: { readonly time: string; readonly magic: string; readonly version: string };
    readonly secrets_providers?: { readonly type: string; readonly state?: unknown };
    readonly resources: readonly ExportedResource[];
  };
}

export interface ExportedResource {
  readonly urn: string;
  readonly custom: boolean;
  readonly delete?: boolean;
  readonly id?: string;
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly parent?: string;
  readonly protect?: boolean;
  readonly dependencies?: readonly string[];
  readonly provider?: string;
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  readonly additionalSecretOutputs?: readonly string[];
  readonly aliases?: readonly string[];
  readonly customTimeouts?: { readonly create?: number; readonly update?: number; readonly delete?: number };
  readonly retainOnDelete?: boolean;
  readonly ignoreChanges?: readonly string[];
  readonly replaceOnChanges?: readonly string[];
  readonly created?: string;
  readonly modified?: string;
}

/**
 * The snapshot as `pulumi stack export` would write it after the deploy it models. Resources without a
 * provider reference (random, tls) get the default provider the engine registers for them
 * (`default_<version>`), listed before their first user as the engine orders state.
 */
export function toStackExport(snapshot: StackSnapshot, opts: ExportOptions = {}): StackExport {
  if (snapshot.scenario === "create") {
    throw new Error(
      `toStackExport: stack ${snapshot.stack} was previewed as a first deploy; only a deployed stack (--scenario update) has state to export`,
    );
  }
  const time = opts.time ?? "2026-01-05T09:40:00.000Z";
  const generated = new Seeded(snapshot.seed ?? "export");
  const encode = (v: unknown) => encodeSecrets(v, opts.secrets ?? "ciphertext", generated);
  const defaults = new Map<string, ExportedResource>();
  const out: ExportedResource[] = [];
  for (const r of snapshot.resources) {
    let provider = r.provider;
    const pkg = r.type.split(":")[0];
    if (r.custom && !provider && !r.type.startsWith("pulumi:providers:")) {
      let p = defaults.get(pkg);
      if (!p) {
        p = defaultProvider(snapshot, pkg, generated, time);
        defaults.set(pkg, p);
        out.push(p);
      }
      provider = `${p.urn}::${p.id}`;
    }
    out.push(exported(r, provider, encode, time, providerId(snapshot, r, generated)));
  }
  return {
    version: DEPLOYMENT_VERSION,
    deployment: {
      manifest: { time, magic: createHash("sha256").update(ENGINE_VERSION).digest("hex"), version: ENGINE_VERSION },
      secrets_providers: {
        type: "passphrase",
        state: {
          salt: `v1:${Buffer.from(generated.hex("salt", 16), "hex").toString("base64")}:v1:${Buffer.from(generated.hex("salt-check", 24), "hex").toString("base64")}:${Buffer.from(generated.hex("salt-tag", 32), "hex").toString("base64")}`,
        },
      },
      resources: out,
    },
  };
}

function exported(
  r: CollectedResource,
  provider: string | undefined,
  encode: (v: unknown) => unknown,
  time: string,
  id: string | undefined,
): ExportedResource {
  const o = r.options;
  const timeouts = o.customTimeouts;
  const inputs = r.checkedInputs ?? r.inputs;
  const outputs = r.type.startsWith("pulumi:providers:") ? inputs : r.outputs;
  return {
    urn: r.urn,
    custom: r.custom,
    ...(id ? { id } : {}),
    type: r.type,
    ...(Object.keys(inputs).length > 0 ? { inputs: encode(inputs) as Record<string, unknown> } : {}),
    ...(Object.keys(outputs).length > 0 ? { outputs: encode(outputs) as Record<string, unknown> } : {}),
    ...(r.parent ? { parent: r.parent } : {}),
    ...(o.protect ? { protect: true } : {}),
    ...(r.dependencies.length > 0 ? { dependencies: [...r.dependencies] } : {}),
    ...(provider ? { provider } : {}),
    ...(Object.keys(r.propertyDependencies).length > 0 ? { propertyDependencies: r.propertyDependencies } : {}),
    ...(o.additionalSecretOutputs.length > 0 ? { additionalSecretOutputs: [...o.additionalSecretOutputs] } : {}),
    ...(o.aliases.length > 0 ? { aliases: [...o.aliases] } : {}),
    ...(timeouts ? { customTimeouts: nanoseconds(timeouts) } : {}),
    ...(o.retainOnDelete ? { retainOnDelete: true } : {}),
    ...(o.ignoreChanges.length > 0 ? { ignoreChanges: [...o.ignoreChanges] } : {}),
    ...(o.replaceOnChanges.length > 0 ? { replaceOnChanges: [...o.replaceOnChanges] } : {}),
    created: time,
    modified: time,
  };
}

/** A custom resource's id: recorded, else (a provider resource) the id its users reference it by. */
function providerId(snapshot: StackSnapshot, r: CollectedResource, generated: Seeded): string | undefined {
  if (!r.custom) return undefined;
  if (r.id) return r.id;
  if (!r.type.startsWith("pulumi:providers:")) return typeof r.outputs["id"] === "string" ? r.outputs["id"] : undefined;
  const user = snapshot.resources.find((x) => x.provider?.startsWith(`${r.urn}::`));
  return user?.provider?.slice(r.urn.length + 2) ?? generated.uuid(r.urn);
}

function defaultProvider(snapshot: StackSnapshot, pkg: string, generated: Seeded, time: string): ExportedResource {
  const version = packageVersion(pkg);
  const urn = `urn:pulumi:${snapshot.stack}::${snapshot.project}::pulumi:providers:${pkg}::default_${version.replace(/[.-]/g, "_")}`;
  return {
    urn,
    custom: true,
    id: generated.uuid(urn),
    type: `pulumi:providers:${pkg}`,
    inputs: { version },
    outputs: { version },
    created: time,
    modified: time,
  };
}

/** The installed provider SDK's version: the plugin version the engine would load for it. */
function packageVersion(pkg: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path.join("@pulumi", pkg, "package.json")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

/** customTimeouts in state are Go durations: nanoseconds. */
function nanoseconds(t: NonNullable<CollectedOptions["customTimeouts"]>): {
  create?: number;
  update?: number;
  delete?: number;
} {
  const ns = (text?: string) => (text ? Math.round(durationSeconds(text) * 1e9) : undefined);
  return Object.fromEntries(
    Object.entries({ create: ns(t.create), update: ns(t.update), delete: ns(t.delete) }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

function encodeSecrets(v: unknown, form: SecretForm, generated: Seeded): unknown {
  if (isSecretValue(v)) {
    const plaintext = JSON.stringify(v.value);
    if (form === "plaintext") return { [SECRET_SIG]: SECRET_VALUE, plaintext };
    // Opaque and stable: the same value in the same deployment encrypts to the same text, like the CLI's cache.
    return {
      [SECRET_SIG]: SECRET_VALUE,
      ciphertext: `v1:${Buffer.from(generated.hex(`secret\0${plaintext}`, 48), "hex").toString("base64")}`,
    };
  }
  if (Array.isArray(v)) return v.map((x) => encodeSecrets(x, form, generated));
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeSecrets(x, form, generated)]));
  return v;
}
