import { StackExportError } from "./export-error";

/**
 * The envelope of a `pulumi stack export` file, read as the Pulumi CLI reads it
 * (pulumi/pulumi sdk/pkg/resource/stack/deployment.go `UnmarshalUntypedDeployment`, with the
 * migrations of sdk/go/common/apitype/migrate): versions 1 and 2 are migrated up to version 3's
 * shape, versions 3 and 4 share it (4 only says which newer resource fields the file relies on), and
 * anything else is refused with the CLI's own reasoning.
 */

/** `DeploymentSchemaVersionOldestSupported` and `DeploymentSchemaVersionLatest`. */
export const OLDEST_VERSION = 1;
export const LATEST_VERSION = 4;

/**
 * The features a version-4 deployment may name that this reader understands. The first four are the
 * CLI's `supportedFeatures` (deployment.go: refreshBeforeUpdate, views, hooks, taint); `replaceWith`
 * is a resource option a current CLI writes the same way. Each only adds resource fields that the
 * policy pack and the parity report do not read, so the resources read the same as in version 3.
 */
export const KNOWN_FEATURES: ReadonlySet<string> = new Set([
  "refreshBeforeUpdate",
  "views",
  "hooks",
  "taint",
  "replaceWith",
]);

export interface UntypedDeployment {
  readonly version: number;
  readonly features: readonly string[];
  /** In version 3's shape, whatever version the file was. */
  readonly deployment: Record<string, unknown>;
}

const BOM = "\uFEFF";

/**
 * The file's JSON. A leading byte-order mark is refused, as `pulumi stack import --file` refuses it:
 * the CLI decodes with Go's encoding/json (pkg/cmd/pulumi/stack/stack_import.go,
 * `json.NewDecoder(reader).Decode`), which stops at the mark ("invalid character 'ï' looking for
 * beginning of value"). Accepting it here would accept a file the CLI cannot import.
 */
export function parseExportText(text: string): unknown {
  if (text.startsWith(BOM)) {
    throw new StackExportError(
      "starts with a UTF-8 byte-order mark, which the Pulumi CLI's JSON decoder refuses (`pulumi stack import` fails on it with \"invalid character 'ï' looking for beginning of value\")",
      "write the file with `pulumi stack export --file FILE` instead of redirecting the output through a shell that adds a mark (PowerShell's `>`), or save it as UTF-8 without BOM",
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // The parser's message quotes the text around the fault, which may be a secret's plaintext.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new StackExportError(
      `is not JSON (${at === undefined ? "it ends early or is malformed" : `malformed at character ${at}`})`,
      "pass the file `pulumi stack export --file FILE` wrote, unedited",
    );
  }
}

/** Checks the envelope and brings the deployment to version 3's shape. */
export function untypedDeployment(parsed: unknown): UntypedDeployment {
  if (!isRecord(parsed) || !("version" in parsed) || !isRecord(parsed["deployment"])) {
    throw new StackExportError("is not a `pulumi stack export` file: it needs top-level `version` and `deployment`");
  }
  const version = parsed["version"];
  if (typeof version !== "number" || !Number.isInteger(version)) {
    throw new StackExportError(
      `has a \`version\` of ${JSON.stringify(version)}, not a whole number (the Pulumi CLI reads it as an integer)`,
      "pass the file `pulumi stack export --file FILE` wrote, unedited",
    );
  }
  if (version > LATEST_VERSION) {
    // deployment.go: ErrDeploymentSchemaVersionTooNew, "this stack's deployment version is too new".
    throw new StackExportError(
      `has deployment version ${version}: it was written by a newer Pulumi CLI than this reader follows (versions ${OLDEST_VERSION}-${LATEST_VERSION}); the Pulumi CLI refuses it the same way ("this stack's deployment version is too new")`,
      `update this repository's tools, or export the stack with a Pulumi CLI that writes version ${LATEST_VERSION} or older`,
    );
  }
  if (version < OLDEST_VERSION) {
    // deployment.go: ErrDeploymentSchemaVersionTooOld.
    throw new StackExportError(
      `has deployment version ${version}, older than any the Pulumi CLI reads ("this stack's deployment is too old")`,
      "export the stack again with `pulumi stack export --file FILE`",
    );
  }
  const features = parsed["features"];
  const named = Array.isArray(features) ? features.filter((f): f is string => typeof f === "string") : [];
  if (version >= 4) {
    // deployment.go: validateSupportedFeatures, ErrDeploymentUnsupportedFeatures.
    const unknown = named.filter((f) => !KNOWN_FEATURES.has(f));
    if (unknown.length > 0) {
      throw new StackExportError(
        `needs deployment features this reader does not support: ${unknown.map((f) => `\`${f}\``).join(", ")}; the Pulumi CLI refuses such a file the same way ("this stack's deployment needs support for the following features")`,
        "update this repository's tools to a version that knows them",
      );
    }
  }
  const deployment = parsed["deployment"];
  return { version, features: named, deployment: version >= 3 ? deployment : upToV3(deployment, version) };
}

/**
 * `migrate.UpToDeploymentV2` and `UpToDeploymentV3`: a version-1 or -2 deployment keeps only the
 * fields its Go struct has (json.Unmarshal drops the rest), has no secrets provider, and each
 * resource gains `propertyDependencies` that make every input depend on every dependency.
 */
function upToV3(deployment: Record<string, unknown>, version: number): Record<string, unknown> {
  const resources = deployment["resources"];
  const migrated = Array.isArray(resources)
    ? resources.map((r) => (isRecord(r) ? upResource(r, version) : r))
    : resources;
  return { manifest: deployment["manifest"], ...(migrated !== undefined ? { resources: migrated } : {}) };
}

/** ResourceV1's fields (sdk/go/common/apitype/core.go), less `defaults` (dropped by UpToResourceV2). */
const V1_FIELDS = [
  "urn",
  "custom",
  "delete",
  "id",
  "type",
  "inputs",
  "outputs",
  "parent",
  "protect",
  "dependencies",
  "initErrors",
];
/** ResourceV2 adds these. */
const V2_FIELDS = [...V1_FIELDS, "external", "provider"];

function upResource(r: Record<string, unknown>, version: number): Record<string, unknown> {
  const fields = version === 1 ? V1_FIELDS : V2_FIELDS;
  const out: Record<string, unknown> = Object.fromEntries(fields.filter((f) => f in r).map((f) => [f, r[f]]));
  const dependencies = Array.isArray(r["dependencies"]) ? r["dependencies"] : [];
  const inputs = isRecord(r["inputs"]) ? r["inputs"] : {};
  out["propertyDependencies"] = Object.fromEntries(Object.keys(inputs).map((k) => [k, dependencies]));
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
