import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { ComparableResource } from "../policy/compare";
import { buildLock, DEFAULT_LOCK_FILE, ParityLock, serializeLock } from "../policy/lock";
import { CollectOptions, collectStack } from "./offline/engine";
import { SCENARIOS, type Scenario } from "./offline/snapshot";
import type { StackSnapshot } from "./offline/snapshot";

/**
 * `npm run parity:lock`: runs the production stack's program offline and writes its structural
 * fingerprint to parity.lock.json. `--check` writes nothing and exits 1 when the committed lock is
 * stale (what CI runs). `--scenario` and `--seed` choose the provider model's outputs.
 */

/**
 * The snapshot's resources for the lock: what the program asked for (inputs), never what the mocks
 * made up for computed outputs, which a real preview does not know yet. The stack policy sees
 * outputs (AnalyzeStack); outputs the program did not set are identity by contract (ids, ARNs,
 * status), so the two compare like for like. Outputs are passed for the credential list only.
 */
export function lockInputs(snapshot: StackSnapshot): ComparableResource[] {
  return snapshot.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    inputs: r.inputs,
    outputs: r.outputs,
    ...(r.parent ? { parent: r.parent } : {}),
    options: { protect: r.options.protect, retainOnDelete: r.options.retainOnDelete },
    custom: r.custom,
  }));
}

export async function generateLock(stack = "production", model: Pick<CollectOptions, "scenario" | "seed"> = {}): Promise<ParityLock> {
  const snapshot = await collectStack({ stack, ...model });
  return buildLock(snapshot.project, lockInputs(snapshot));
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { check: { type: "boolean", default: false }, scenario: { type: "string" }, seed: { type: "string" } }, strict: true });
  const check = values.check;
  const scenario = values.scenario as Scenario | undefined;
  if (scenario !== undefined && !SCENARIOS.includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(", ")}, not \`${scenario}\``);
  const file = DEFAULT_LOCK_FILE;
  // The lock must not depend on generated values, so any seed gives the same file (--seed to check that).
  const text = serializeLock(await generateLock("production", { scenario, seed: values.seed }));
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (check) {
    if (current === text) {
      console.log(`${file} is up to date.`);
      return 0;
    }
    console.error(`${file} is stale: production's program no longer matches it. Run \`npm run parity:lock\`, review the diff (\`git diff parity.lock.json\`) and commit it.`);
    return 1;
  }
  fs.writeFileSync(file, text);
  console.log(current === text ? `${file} unchanged.` : `Wrote ${file}. Review it with \`git diff parity.lock.json\` before committing.`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
