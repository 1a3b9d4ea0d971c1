import { existsSync } from "node:fs";
import * as path from "node:path";
import type { ComparableResource } from "../../policy/engine/compare";
import { comparableSnapshot } from "../simulator/comparable";
import { CollectOptions, REPO_ROOT, collectStack } from "../simulator/engine";
import { randomSeed } from "../simulator/provider-model/seeded";
import type { StackSnapshot } from "../simulator/snapshot";
import { projectStacks, stackNameProblems } from "../stack-names";
import { ParityInputError } from "./errors";
import { SecretMasker } from "./secrets";

/** Both stacks of this repository, run offline on the mock runtime. */
export interface OfflinePair {
  readonly staging: StackSnapshot;
  readonly production: StackSnapshot;
}

export { REPO_ROOT };

/** Stack names that have a `Pulumi.<name>.yaml` in `root`. */
export function knownStacks(root = REPO_ROOT): string[] {
  return projectStacks(root);
}

export function assertKnownStack(stack: string, flag: string, root = REPO_ROOT): void {
  // Pulumi's rule first: `x/../../tmp/y` would otherwise name a file outside the project.
  const [problem] = stackNameProblems([stack], { flag });
  if (problem) throw new ParityInputError(problem);
  if (existsSync(path.join(root, `Pulumi.${stack}.yaml`))) return;
  throw new ParityInputError(
    `Unknown stack \`${stack}\` (from ${flag}): there is no Pulumi.${stack}.yaml in ${root}.\n` +
      `Fix: use one of ${
        knownStacks(root)
          .map((s) => `\`${s}\``)
          .join(", ") || "(none found)"
      }, or create Pulumi.${stack}.yaml with the same keys as production.`,
  );
}

/**
 * Runs the program for both stacks at once: each run is its own child process, so they overlap. Both
 * get the same provider scenario and seed (one random seed when none is given), as in `npm run preview`.
 */
export async function collectPair(
  stagingStack: string,
  productionStack: string,
  root = REPO_ROOT,
  model: Pick<CollectOptions, "scenario" | "seed"> = {},
): Promise<OfflinePair> {
  assertKnownStack(stagingStack, "--staging-stack", root);
  assertKnownStack(productionStack, "--production-stack", root);
  const shared = { scenario: model.scenario, seed: model.seed ?? randomSeed() };
  const [staging, production] = await Promise.all([
    collectStack({ stack: stagingStack, root, ...shared }),
    collectStack({ stack: productionStack, root, ...shared }),
  ]);
  return { staging, production };
}

/**
 * The comparer's view of a snapshot, secrets masked: what each resource declares, references to the
 * stack's own resources by provenance, exactly as the policy pack reads a stack (policy/pack/resources.ts).
 */
export function toComparable(snapshot: StackSnapshot, masker: SecretMasker): ComparableResource[] {
  return comparableSnapshot(snapshot, (props) => masker.mask(props) as Record<string, unknown>);
}
