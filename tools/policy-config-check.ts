/**
 * `npm run policy:config-check -- --stack NAME [--policy-pack-config FILE]`: the CI gate in front of
 * every `pulumi preview`/`up` that takes a policy config. It names each mandatory policy the config
 * disables or makes advisory, and refuses (exit 1) such a config for a production stack (one whose
 * stack file sets `parity:environment: production`): production's preview and deploy run every
 * mandatory policy. Another stack gets a notice and exit 0, the downgrade shown in its verdict line.
 * Exit 2: a config, stack file or pack error. An empty `--policy-pack-config` means none (CI passes
 * an unset variable through).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import {
  checkPolicyPack,
  DEFAULT_PACK_DIR,
  LentPackServer,
  PolicyPackError,
  startPolicyPack,
} from "./simulator/analyzer";
import { REPO_ROOT } from "./simulator/engine";
import { PolicyConfigError, readPolicyConfigFile, resolvePolicyConfig } from "./simulator/policy-config";
import { describeDowngrades, Downgrade, downgradedPolicies } from "./simulator/policy-downgrades";

const USAGE =
  "usage: npm run policy:config-check -- --stack NAME [--policy-pack-config FILE] [--policy-pack DIR] [--root DIR]";
const EXIT = { clean: 0, refused: 1, error: 2 } as const;

export interface Verdict {
  readonly code: number;
  readonly message: string;
}

/** The gate's decision, from what the config downgrades and whether the stack is production's. */
export function judgeDowngrades(
  stack: string,
  production: boolean,
  file: string | undefined,
  downgrades: readonly Downgrade[],
): Verdict {
  if (!file) return { code: EXIT.clean, message: `${stack}: no policy config; every policy runs at the pack's level.` };
  if (downgrades.length === 0)
    return { code: EXIT.clean, message: `${stack}: policy config ${file} keeps every mandatory policy mandatory.` };
  const what = describeDowngrades(downgrades).replace(/ by the policy config$/, "");
  if (!production)
    return {
      code: EXIT.clean,
      message: `${stack}: note: policy config ${file} has ${what}; the verdict line says so.`,
    };
  return {
    code: EXIT.refused,
    message: `${stack}: policy config ${file} has ${what}, and \`${stack}\` is a production stack (\`parity:environment: production\`): its preview and deploy run every mandatory policy. Fix: remove ${downgrades.map((d) => `\`${d.policy}\``).join(", ")} (and any \`all\` below mandatory) from ${file}; a policy that is wrong is fixed in policy/, reviewed like code.`,
  };
}

/** Whether `Pulumi.<stack>.yaml` under `root` says the stack is production (`parity:environment`). */
export function isProductionStack(root: string, stack: string): boolean {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file))
    throw new PolicyConfigError(`Stack file ${file} does not exist; pass --stack with a stack of this project.`);
  const parsed = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return parsed?.config?.["parity:environment"] === "production";
}

export async function main(
  argv: readonly string[] = process.argv.slice(2),
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  packServer?: LentPackServer,
): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        "policy-pack-config": { type: "string" },
        "policy-pack": { type: "string" },
        root: { type: "string" },
      },
      strict: true,
    }).values;
  } catch (e) {
    out(`${(e as Error).message}\n${USAGE}`);
    return EXIT.error;
  }
  if (!values.stack) {
    out(`Name the stack the config is for with --stack.\n${USAGE}`);
    return EXIT.error;
  }
  const file = values["policy-pack-config"] || undefined;
  const packDir = path.resolve(values["policy-pack"] ?? DEFAULT_PACK_DIR);
  try {
    const production = isProductionStack(path.resolve(values.root ?? REPO_ROOT), values.stack);
    let downgrades: Downgrade[] = [];
    if (file) {
      const config = readPolicyConfigFile(file);
      checkPolicyPack(packDir);
      const server = await (packServer ?? startPolicyPack)(packDir);
      try {
        const info = await server.info();
        // A config the CLI would refuse is refused here too, with the same message.
        resolvePolicyConfig(info, config, `policy config ${file}`);
        downgrades = downgradedPolicies(info, config);
      } finally {
        if (!packServer) await server.close();
      }
    }
    const verdict = judgeDowngrades(values.stack, production, file, downgrades);
    out(verdict.message);
    return verdict.code;
  } catch (e) {
    if (!(e instanceof PolicyConfigError) && !(e instanceof PolicyPackError)) throw e;
    out(`error: ${e.message}`);
    return EXIT.error;
  }
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = EXIT.error;
    },
  );
}
