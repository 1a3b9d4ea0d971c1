import * as fs from "node:fs";
import * as path from "node:path";
import { collectStack, REPO_ROOT } from "./engine";
import { MODELS } from "./provider-model";
import { readStateShapes, SHAPES_FILE } from "./provider-model/write-shapes";
import { toStackExport } from "./stack-export";

/**
 * `npm run fixtures`: regenerates the files derived from the provider model.
 * - tools/simulator/provider-model/state-shapes.json: every modelled type's output properties, from the
 *   installed @pulumi/aws, random and tls (rerun after upgrading them).
 * - test/fixtures/deployed/<stack>.export.json: each stack as `pulumi stack export --show-secrets`
 *   would write it after a deploy: the update scenario with a fixed seed, so ids, suffixes and task
 *   definition revisions differ from any random preview's and the files only change with the program.
 *   Each stack has a seed of its own: staging and production are deployed separately, so a real pair of
 *   exports never shares a generated password or key, and the shared-secrets check must find none.
 */

export const FIXTURE_SEED = "d3p10y3d";

/** The seed a stack's fixture is drawn with: one deploy history per stack. */
export function fixtureSeed(stack: string): string {
  return `${FIXTURE_SEED}-${stack}`;
}
export const FIXTURE_DIR = path.join(REPO_ROOT, "test", "fixtures", "deployed");
export const FIXTURE_STACKS = ["staging", "production"] as const;

export function fixtureFile(stack: string): string {
  return path.join(FIXTURE_DIR, `${stack}.export.json`);
}

async function main(): Promise<void> {
  fs.writeFileSync(SHAPES_FILE, `${JSON.stringify(readStateShapes(Object.keys(MODELS), REPO_ROOT), null, 2)}\n`);
  console.log(`Wrote ${path.relative(REPO_ROOT, SHAPES_FILE)}.`);
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const stack of FIXTURE_STACKS) {
    const snapshot = await collectStack({ stack, scenario: "update", seed: fixtureSeed(stack) });
    fs.writeFileSync(
      fixtureFile(stack),
      `${JSON.stringify(toStackExport(snapshot, { secrets: "plaintext" }), null, 2)}\n`,
    );
    console.log(
      `Wrote ${path.relative(REPO_ROOT, fixtureFile(stack))} (${snapshot.resources.length} resources, seed ${fixtureSeed(stack)}).`,
    );
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
