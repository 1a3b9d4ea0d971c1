import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { ComparableResource } from "../policy/engine/compare";
import { buildLock, DEFAULT_LOCK_FILE, ParityLock, serializeLock } from "../policy/engine/lock";
import { comparableSnapshot } from "./simulator/comparable";
import { CollectOptions, collectStack } from "./simulator/engine";
import type { StackSnapshot } from "./simulator/snapshot";
import { cutText } from "../policy/engine/show-value";

/**
 * `npm run parity:lock`: runs the production stack's program offline and writes its structural
 * fingerprint to parity.lock.json. `--check` writes nothing and exits 1 when the committed lock is
 * stale (what CI runs). `--seed` draws the provider model's generated values (the lock must not change).
 */

/** The snapshot's resources for the lock: what the program declared; nothing the mocks generated. */
export function lockInputs(snapshot: StackSnapshot): ComparableResource[] {
  return comparableSnapshot(snapshot);
}

/**
 * Always from the provider model of a deployed stack: a first-deploy preview leaves every reference
 * unknown, and the lock records which resource a reference names.
 */
export async function generateLock(
  stack = "production",
  model: Pick<CollectOptions, "seed"> = {},
): Promise<ParityLock> {
  const snapshot = await collectStack({ stack, ...model, scenario: "update" });
  return buildLock(snapshot.project, lockInputs(snapshot));
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { check: { type: "boolean", default: false }, seed: { type: "string" } },
      strict: true,
    }));
  } catch (e) {
    // A bad command line is a usage error (exit 2), like every other entry point's.
    console.error(`${cutText((e as Error).message)}\nusage: npm run parity:lock [-- --check] [--seed SEED]`);
    return 2;
  }
  const check = values.check;
  const file = DEFAULT_LOCK_FILE;
  // The lock must not depend on generated values, so any seed gives the same file (--seed to check that).
  const text = serializeLock(await generateLock("production", { seed: values.seed }));
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (check) {
    if (current === text) {
      console.log(`${file} is up to date.`);
      return 0;
    }
    console.error(
      `${file} is stale: production's program no longer matches it. Run \`npm run parity:lock\`, review the diff (\`git diff parity.lock.json\`) and commit it.`,
    );
    return 1;
  }
  fs.writeFileSync(file, text);
  console.log(
    current === text
      ? `${file} unchanged.`
      : `Wrote ${file}. Review it with \`git diff parity.lock.json\` before committing.`,
  );
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
