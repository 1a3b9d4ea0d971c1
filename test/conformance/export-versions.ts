import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * `pulumi stack export` files of every deployment version, made from this repository's deployed
 * fixtures (version 3, test/fixtures/deployed/*.export.json), each in the shape a Pulumi CLI of that
 * version wrote. Where each shape comes from (pulumi/pulumi):
 *
 * - v1: sdk/go/common/apitype/core.go `DeploymentV1`/`ResourceV1`, as the CLI of 2017-2018 wrote it
 *   (pkg/resource/stack/testdata/checkpoint-v1.json): no first-class providers (no
 *   `pulumi:providers:*` resources, no `provider` references), `defaults` beside `inputs`,
 *   `dependencies` and `initErrors` always present (their Go tags lack `omitempty`, so an empty list
 *   is written `null`), no secrets provider, no later resource fields.
 * - v2: `DeploymentV2`/`ResourceV2`: v1 plus `provider` and `external`, `defaults` gone, no
 *   `propertyDependencies` and no secrets provider yet.
 * - v4: `DeploymentV3` with `"version": 4` and the top-level `features` a current CLI lists when a
 *   resource uses one (sdk/pkg/resource/stack/deployment.go SerializeDeploymentWithMetadata,
 *   ApplyFeatures: `taint`, `refreshBeforeUpdate`, `hooks`, `views`; sorted).
 */

export type Export = {
  version: number;
  features?: string[];
  deployment: { manifest: unknown; secrets_providers?: unknown; resources: Record<string, unknown>[] };
};

const ROOT = path.resolve(__dirname, "..", "..");
export const DEPLOYED = {
  staging: path.join(ROOT, "test/fixtures/deployed/staging.export.json"),
  production: path.join(ROOT, "test/fixtures/deployed/production.export.json"),
};

export function readExport(file: string): Export {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Export;
}

const V2_FIELDS = [
  "urn",
  "custom",
  "delete",
  "id",
  "type",
  "inputs",
  "outputs",
  "parent",
  "protect",
  "external",
  "dependencies",
  "initErrors",
  "provider",
];

export function asVersion1(v3: Export): Export {
  const resources = v3.deployment.resources
    .filter((r) => !String(r["type"]).startsWith("pulumi:providers:"))
    .map((r) => {
      const out: Record<string, unknown> = {};
      for (const f of ["urn", "custom", "delete", "id", "type", "inputs", "outputs", "parent", "protect"])
        if (f in r) out[f] = r[f];
      if (r["custom"] === true) out["defaults"] = {};
      const deps = r["dependencies"] as string[] | undefined;
      out["dependencies"] = deps && deps.length > 0 ? deps : null;
      out["initErrors"] = null;
      return out;
    });
  return { version: 1, deployment: { manifest: v3.deployment.manifest, resources } };
}

export function asVersion2(v3: Export): Export {
  const resources = v3.deployment.resources.map((r) =>
    Object.fromEntries(V2_FIELDS.filter((f) => f in r).map((f) => [f, r[f]])),
  );
  return { version: 2, deployment: { manifest: v3.deployment.manifest, resources } };
}

/** Version 4: one resource tainted, one refreshed before every update, as `pulumi state taint` and the `refreshBeforeUpdate` option leave them. */
export function asVersion4(v3: Export, features: string[] = ["refreshBeforeUpdate", "taint"]): Export {
  const resources = v3.deployment.resources.map((r) => ({ ...r }));
  const customs = resources.filter((r) => r["custom"] === true && !String(r["type"]).startsWith("pulumi:providers:"));
  if (features.includes("taint")) customs[0]["taint"] = true;
  if (features.includes("refreshBeforeUpdate")) customs[1]["refreshBeforeUpdate"] = true;
  return { version: 4, features, deployment: { ...v3.deployment, resources } };
}

/** Writes `doc` (or raw text) to a new temporary file named `name`. */
export function tempFile(name: string, doc: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "conformance-")), name);
  fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  return file;
}
