import { readFileSync } from "node:fs";
import type { ComparableResource } from "../../policy/compare";
import { fromStackExport, parseUrn, StackExportError } from "../offline/stack-export";
import { ParityInputError } from "./errors";
import { toComparable } from "./offline-stacks";
import { SecretMasker } from "./secrets";

/**
 * Reads a `pulumi stack export` file (deployment format version 3, parsed by
 * tools/offline/stack-export.ts) into the resources the comparer takes. Only what the comparison needs
 * survives: URN, type, inputs, parent and the data-protection options; secrets are masked on the way
 * in, so nothing downstream ever holds a secret's value.
 */

export type StackRole = "staging" | "production";

export interface ExportedStack {
  readonly file: string;
  readonly stack: string;
  readonly project: string;
  readonly resources: ComparableResource[];
}

export { parseUrn };

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
  let snapshot;
  try {
    snapshot = fromStackExport(parsed, role);
  } catch (e) {
    if (!(e instanceof StackExportError)) throw e;
    const fix = e.fix ?? `pass the file \`pulumi stack export\` writes; run \`pulumi stack export --stack <${role} stack> --file ${file}\``;
    throw new ParityInputError(`The ${role} export \`${file}\` ${e.problem}.\nFix: ${fix}.`);
  }
  return { file, stack: snapshot.stack, project: snapshot.project, resources: toComparable(snapshot, masker) };
}
