/**
 * A large `pulumi stack export` file for the `npm run policy` benchmark: the committed deployed-state
 * fixture (test/fixtures/deployed/<stack>.export.json) with every resource but the root stack copied
 * under new URNs (`x3-<name>`), parents, dependencies, property dependencies and provider references
 * pointing at the same copy. Generated, never committed: 19,229 resources are about 50 MB.
 *
 *   node -r ts-node/register/transpile-only bench/big-export.ts [--resources N] [--stack S] [--out FILE]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

/** The size the issue measured (issue 20): 19,229 resources, 50 MB. */
export const BIG_EXPORT_RESOURCES = 19_229;

interface ExportedResource {
  urn: string;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  [key: string]: unknown;
}

interface Export {
  version: number;
  deployment: { resources: ExportedResource[]; [key: string]: unknown };
}

const FIXTURES = path.resolve(__dirname, "..", "test", "fixtures", "deployed");

/** The URN of copy `k` of a resource: its name prefixed, like bench/replicate.ts does for snapshots. */
function renamer(rootUrn: string, k: number): (urn: string) => string {
  return (urn) =>
    k === 0 || urn === rootUrn ? urn : urn.replace(/::([^:]*)$/, (_m, name: string) => `::x${k}-${name}`);
}

/** `<provider urn>::<id>`: only the URN part is renamed. */
function renameProvider(ref: string, rename: (urn: string) => string): string {
  const at = ref.lastIndexOf("::");
  return `${rename(ref.slice(0, at))}${ref.slice(at)}`;
}

/** The fixture export grown to `resources` resources (the root stack once, the rest copied). */
export function bigExport(stack: string, resources: number): Export {
  const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${stack}.export.json`), "utf8")) as Export;
  const [root, ...rest] = doc.deployment.resources;
  const out: ExportedResource[] = [root];
  for (let k = 0; out.length < resources; k++) {
    const rename = renamer(root.urn, k);
    for (const r of rest) {
      if (out.length >= resources) break;
      out.push({
        ...r,
        urn: rename(r.urn),
        ...(r.parent ? { parent: rename(r.parent) } : {}),
        ...(r.provider ? { provider: renameProvider(r.provider, rename) } : {}),
        ...(r.dependencies ? { dependencies: r.dependencies.map(rename) } : {}),
        ...(r.propertyDependencies
          ? {
              propertyDependencies: Object.fromEntries(
                Object.entries(r.propertyDependencies).map(([key, urns]) => [key, urns.map(rename)]),
              ),
            }
          : {}),
      });
    }
  }
  return { ...doc, deployment: { ...doc.deployment, resources: out } };
}

/** Writes the export to `file` (creating its directory); returns its size in bytes. */
export function writeBigExport(file: string, stack = "staging", resources = BIG_EXPORT_RESOURCES): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = JSON.stringify(bigExport(stack, resources), null, 2);
  fs.writeFileSync(file, text);
  return Buffer.byteLength(text);
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { resources: { type: "string" }, stack: { type: "string" }, out: { type: "string" } },
    strict: true,
  });
  const resources = values.resources === undefined ? BIG_EXPORT_RESOURCES : Number(values.resources);
  if (!Number.isInteger(resources) || resources < 2)
    throw new Error(`--resources must be a whole number of at least 2 (got ${values.resources}).`);
  const file = path.resolve(values.out ?? path.join(__dirname, ".out", "big.export.json"));
  const bytes = writeBigExport(file, values.stack ?? "staging", resources);
  process.stdout.write(`${file}: ${resources} resources, ${(bytes / 1e6).toFixed(1)} MB\n`);
}
