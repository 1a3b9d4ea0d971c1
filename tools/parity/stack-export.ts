import type { ComparableResource } from "../../policy/engine/compare";
import { repositoryProject } from "../simulator/export-reader";
import { fromStackExport, parseUrn, readStackExportFile, StackExportError } from "../simulator/stack-export";
import type { StackSnapshot } from "../simulator/snapshot";
import { ParityInputError } from "./errors";
import { toComparable } from "./offline-stacks";
import { SecretMasker } from "./secrets";

/**
 * Reads a `pulumi stack export` file (versions 1-4, through the one reader in
 * tools/simulator/export-reader.ts, which `npm run policy` uses too) into the resources the comparer
 * takes. Only what the comparison needs survives: URN, type, inputs, parent and the data-protection
 * options; secrets (decrypted where the export's secrets provider can be opened offline) are masked
 * on the way in, so nothing downstream ever holds a secret's value.
 */

export type StackRole = "staging" | "production";

export interface ExportedStack {
  readonly file: string;
  readonly stack: string;
  readonly project: string;
  readonly resources: ComparableResource[];
  /** How the export's secrets were read (decrypted, or why redacted). */
  readonly notes: readonly string[];
}

export { parseUrn };

export function readStackExport(file: string, role: StackRole, masker: SecretMasker): ExportedStack {
  return exported(() => readStackExportFile(file, { role }), file, role, masker);
}

/** Checks that the stacks compared are this repository's project (the check `npm run policy` makes). */
export function assertRepositoryProject(stack: ExportedStack, role: StackRole): void {
  const project = repositoryProject();
  if (stack.project === project) return;
  throw new ParityInputError(
    `The ${role} export \`${stack.file}\` is of project \`${stack.project}\`, not \`${project}\`: this report compares ${project}'s stacks against its own contract.\nFix: export two stacks of this project (\`pulumi stack export --stack <stack> --file FILE\` run in this repository).`,
  );
}

export function parseStackExport(parsed: unknown, file: string, role: StackRole, masker: SecretMasker): ExportedStack {
  return exported(() => fromStackExport(parsed, { role }), file, role, masker);
}

function exported(read: () => StackSnapshot, file: string, role: StackRole, masker: SecretMasker): ExportedStack {
  let snapshot;
  try {
    snapshot = read();
  } catch (e) {
    if (!(e instanceof StackExportError)) throw e;
    const fix =
      e.fix ??
      `pass the file \`pulumi stack export\` writes; run \`pulumi stack export --stack <${role} stack> --file ${file}\``;
    throw new ParityInputError(`The ${role} export \`${file}\` ${e.problem}.\nFix: ${fix}.`);
  }
  return {
    file,
    stack: snapshot.stack,
    project: snapshot.project,
    resources: toComparable(snapshot, masker),
    notes: snapshot.notes ?? [],
  };
}
