import * as path from "node:path";
import { ComparableResource, compareStacks, printStack } from "../../policy/engine/compare";
import {
  checkDeclarationScope,
  KnownDifference,
  loadKnownDifferences,
  scopeOf,
} from "../../policy/engine/known-differences";
import { ParityInputError } from "./errors";
import { OfflinePair, assertKnownStack, collectPair, toComparable } from "./offline-stacks";
import type { Options } from "./options";
import { ParityReport, ReportSource, buildReport, resourcesInBoth } from "./report-model";
import { SecretMasker } from "./secrets";
import { assertRepositoryProject, readStackExport } from "./stack-export";
import { scanSharedSecrets } from "../../policy/engine/shared-secrets";
import { scanSnapshots } from "../simulator/cross-stack";

/**
 * Where the two stacks come from (this repo's programs run offline, or two export files) and the
 * one comparison both feed: the policy pack's compareStacks with the declared differences.
 */

/** Builds the report from whichever source the options name. */
export async function buildParityReport(options: Options, root: string): Promise<ParityReport> {
  const masker = new SecretMasker();
  if (options.stagingFile === undefined) {
    // Cheap checks first: a typo in a stack name should not wait for anything else.
    assertKnownStack(options.stagingStack, "--staging-stack", root);
    assertKnownStack(options.productionStack, "--production-stack", root);
  }
  const known = loadKnown(options, root);
  if (options.stagingFile !== undefined && options.productionFile !== undefined) {
    const staging = readStackExport(options.stagingFile, "staging", masker);
    const production = readStackExport(options.productionFile, "production", masker);
    if (staging.project !== production.project) {
      throw new ParityInputError(
        `The exports belong to different projects: \`${options.stagingFile}\` to \`${staging.project}\`, \`${options.productionFile}\` to \`${production.project}\`.\nFix: export two stacks of the same project.`,
      );
    }
    assertRepositoryProject(staging, "staging");
    if (staging.stack === production.stack) {
      throw new ParityInputError(
        `Both exports are of stack \`${staging.stack}\` (\`${options.stagingFile}\`, \`${options.productionFile}\`).\nFix: export staging and production separately: \`pulumi stack export --stack <name> --file <file>\`.`,
      );
    }
    const source: ReportSource = {
      kind: "export",
      project: staging.project,
      staging: {
        stack: staging.stack,
        file: options.stagingFile,
        ...(staging.notes.length > 0 ? { notes: staging.notes } : {}),
      },
      production: {
        stack: production.stack,
        file: options.productionFile,
        ...(production.notes.length > 0 ? { notes: production.notes } : {}),
      },
    };
    checkScope(known, knownFile(options, root), staging.resources, production.resources);
    // Secrets are masked by one per-run key on the way in: equal secrets have equal fingerprints.
    // An export this repo's offline tools wrote (the deployed fixtures) holds the offline placeholder
    // where no `secure:` value was read: not proof of sharing, as in the offline report.
    const secrets = scanSharedSecrets(staging.resources, production.resources, {
      isEncrypted: (t) => masker.isEncrypted(t),
      isPlaceholder: (t) => masker.isPlaceholder(t),
    });
    return buildReport(
      source,
      compareStacks(staging.resources, production.resources, known),
      resourcesInBoth(staging.resources, production.resources),
      secrets,
    );
  }
  return programReport(
    await collectPair(options.stagingStack, options.productionStack, root, {
      scenario: options.scenario,
      seed: options.seed,
    }),
    known,
    undefined,
    knownFile(options, root),
  );
}

/** The report on two offline snapshots of this repo's program. */
export function programReport(
  pair: OfflinePair,
  known: KnownDifference[],
  masker = new SecretMasker(),
  file = "known-differences.yaml",
): ParityReport {
  const source: ReportSource = {
    kind: "program",
    project: pair.production.project,
    staging: { stack: pair.staging.stack },
    production: { stack: pair.production.stack },
    model: { scenario: pair.production.scenario, seed: pair.production.seed },
  };
  const staging = toComparable(pair.staging, masker);
  const production = toComparable(pair.production, masker);
  checkScope(known, file, staging, production);
  // Compared in the clear, in memory: the offline snapshots' generated values need the plaintext to be told apart.
  return buildReport(
    source,
    compareStacks(staging, production, known),
    resourcesInBoth(staging, production),
    scanSnapshots(pair.staging, pair.production),
  );
}

function knownFile(options: Options, root: string): string {
  return options.knownFile ?? path.join(root, "known-differences.yaml");
}

/**
 * The pack's scope check (policy/engine/known-differences.ts), against both stacks' resources: a declaration
 * the pack refuses is refused here too, never reported as "staging matches". Exit 2, like a bad file.
 */
function checkScope(known: readonly KnownDifference[], file: string, ...stacks: readonly ComparableResource[][]): void {
  try {
    checkDeclarationScope(
      known,
      stacks.flatMap((s) => scopeOf(printStack(s).values())),
      file,
    );
  } catch (err) {
    throw new ParityInputError(
      `${(err as Error).message}\nThe policy pack refuses the same declarations (stack-parity).`,
    );
  }
}

/** The pack's loader names the file, the entry and the fix; as a user error it exits 2. */
export function loadKnown(options: Options, root: string): KnownDifference[] {
  try {
    return loadKnownDifferences(knownFile(options, root));
  } catch (err) {
    throw new ParityInputError((err as Error).message);
  }
}
