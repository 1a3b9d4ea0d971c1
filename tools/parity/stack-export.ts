import { readFileSync } from "node:fs";
import type { ComparableResource } from "../../policy/compare";
import { ParityInputError } from "./errors";
import { SecretMasker } from "./secrets";

/**
 * Reads a `pulumi stack export` file (deployment format version 3) into the resources the comparer
 * takes. Only what the comparison needs survives: URN, type, inputs, parent and the data-protection
 * options; secrets are masked on the way in, so nothing downstream ever holds a secret's value.
 */

export type StackRole = "staging" | "production";

export interface ExportedStack {
  readonly file: string;
  readonly stack: string;
  readonly project: string;
  readonly resources: ComparableResource[];
}

/** The only deployment format this reader understands (what every current Pulumi CLI writes). */
export const SUPPORTED_DEPLOYMENT_VERSION = 3;

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` → stack and project, or undefined. */
export function parseUrn(urn: string): { stack: string; project: string } | undefined {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return undefined;
  const stack = parts[0].slice("urn:pulumi:".length);
  return stack && parts[1] ? { stack, project: parts[1] } : undefined;
}

export function readStackExport(file: string, role: StackRole, masker: SecretMasker): ExportedStack {
  const reexport = `run \`pulumi stack export --stack <${role} stack> --file ${file}\` again`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : (err as Error).message;
    throw new ParityInputError(`Cannot read the ${role} export \`${file}\`: ${reason}.\nFix: check the path, or ${reexport}.`);
  }
  let parsed: unknown;
  try {
    // Windows shells write a byte-order mark when redirecting `pulumi stack export > file`.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new ParityInputError(
      `The ${role} export \`${file}\` is not JSON (${(err as Error).message}).\nFix: pass the file \`pulumi stack export\` writes (not \`pulumi preview --json\` or a truncated copy); ${reexport}.`,
    );
  }
  return parseStackExport(parsed, file, role, masker);
}

export function parseStackExport(parsed: unknown, file: string, role: StackRole, masker: SecretMasker): ExportedStack {
  const bad = (problem: string, fix = `pass the file \`pulumi stack export\` writes; run \`pulumi stack export --stack <${role} stack> --file ${file}\``) =>
    new ParityInputError(`The ${role} export \`${file}\` ${problem}.\nFix: ${fix}.`);

  if (!isRecord(parsed) || !("version" in parsed) || !isRecord(parsed["deployment"])) {
    throw bad("is not a `pulumi stack export` file: it needs top-level `version` and `deployment`");
  }
  const version = parsed["version"];
  if (version !== SUPPORTED_DEPLOYMENT_VERSION) {
    throw bad(
      `has deployment format version ${JSON.stringify(version)}; this report reads version ${SUPPORTED_DEPLOYMENT_VERSION}`,
      `export it again with a current Pulumi CLI (\`pulumi stack export\` writes version ${SUPPORTED_DEPLOYMENT_VERSION})`,
    );
  }
  const deployment = parsed["deployment"];
  if (!isRecord(deployment["manifest"])) throw bad("has no `deployment.manifest`");
  const resources = deployment["resources"] ?? [];
  if (!Array.isArray(resources)) throw bad("has a `deployment.resources` that is not a list");
  if (resources.length === 0) {
    throw bad("holds no resources (the stack was never deployed, or was destroyed)", `deploy the ${role} stack first, or compare the programs offline with \`npm run parity\``);
  }

  let identity: { stack: string; project: string } | undefined;
  const out: ComparableResource[] = [];
  resources.forEach((resource: unknown, i: number) => {
    const where = `resources[${i}]`;
    if (!isRecord(resource)) throw bad(`has an entry ${where} that is not an object`);
    const { urn, type } = resource;
    if (typeof urn !== "string") throw bad(`has an entry ${where} without a string \`urn\``);
    const parsedUrn = parseUrn(urn);
    if (!parsedUrn) throw bad(`has an entry ${where} whose urn \`${urn}\` is not \`urn:pulumi:<stack>::<project>::<type>::<name>\``);
    const { stack, project } = parsedUrn;
    if (identity === undefined) identity = { stack, project };
    else if (identity.stack !== stack || identity.project !== project) {
      throw bad(`mixes stacks: ${where} belongs to \`${project}/${stack}\`, earlier entries to \`${identity.project}/${identity.stack}\``, "export a single stack per file");
    }
    if (typeof type !== "string") throw bad(`has an entry ${where} (${urn}) without a string \`type\``);
    const inputs = resource["inputs"] ?? {};
    if (!isRecord(inputs)) throw bad(`has an entry ${where} (${urn}) whose \`inputs\` is not an object`);
    // Pending deletions are leftovers of an interrupted update, not part of the stack's desired state.
    if (resource["delete"] === true) return;
    const parent = typeof resource["parent"] === "string" ? resource["parent"] : undefined;
    out.push({
      urn,
      type,
      inputs: masker.mask(inputs) as Record<string, unknown>,
      ...(parent ? { parent } : {}),
      options: { protect: resource["protect"] === true, retainOnDelete: resource["retainOnDelete"] === true },
    });
  });
  // Non-empty resources guarantee identity is set.
  const { stack, project } = identity as { stack: string; project: string };
  return { file, stack, project, resources: out };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
