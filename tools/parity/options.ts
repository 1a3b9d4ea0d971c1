import { parseArgs } from "node:util";
import { SCENARIOS, type Scenario } from "../simulator/snapshot";
import { ParityInputError } from "./errors";
import { NOTES_PATH } from "./staging-notes";

/** The CLI's flags: what to compare, how to print it, whether to write or check the notes. */

export const USAGE = `Usage: npm run parity -- [options]

Compares staging with production: every resource and property side by side, classified by the
parity contract (policy/engine/contract.ts), divergent first.

Sources (default: this repo's program, both stacks run offline):
  --staging FILE            staging's \`pulumi stack export\` file   } give both to compare
  --production FILE         production's \`pulumi stack export\` file } deployed stacks
  --staging-stack NAME      offline stack to treat as staging (default: staging)
  --production-stack NAME   offline stack to treat as production (default: production)
  --known-differences FILE  declared differences (default: known-differences.yaml)
  --scenario update|create  the offline programs' provider outputs: of deployed stacks (default)
                            or of a first deploy
  --seed SEED               the generated ids and suffixes of the offline programs (default: random)

Output:
  --format terminal|markdown|json   (default: terminal; markdown is a pull-request comment)
  --width N                 terminal columns (default: the terminal's, or 100)
  --write-notes             write ${NOTES_PATH} from the offline programs (npm run notes)
  --check-notes             exit 1 when ${NOTES_PATH} is stale

Exit: 0 no divergence · 1 something divergent (or stale notes) · 2 bad input`;

export type Format = "terminal" | "markdown" | "json";

export interface Options {
  readonly stagingFile?: string;
  readonly productionFile?: string;
  readonly stagingStack: string;
  readonly productionStack: string;
  readonly knownFile?: string;
  /** The provider model's scenario and seed for the offline programs (tools/simulator/engine.ts). */
  readonly scenario?: Scenario;
  readonly seed?: string;
  readonly format: Format;
  readonly width?: number;
  readonly writeNotes: boolean;
  readonly checkNotes: boolean;
  readonly help: boolean;
}

export function parseOptions(argv: readonly string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        staging: { type: "string" },
        production: { type: "string" },
        "staging-stack": { type: "string" },
        "production-stack": { type: "string" },
        "known-differences": { type: "string" },
        scenario: { type: "string" },
        seed: { type: "string" },
        format: { type: "string" },
        width: { type: "string" },
        "write-notes": { type: "boolean" },
        "check-notes": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new ParityInputError(`${(err as Error).message}\nFix: see \`npm run parity -- --help\`.`);
  }
  const str = (k: string) => values[k] as string | undefined;
  const format = str("format") ?? "terminal";
  if (format !== "terminal" && format !== "markdown" && format !== "json") {
    throw new ParityInputError(
      `Unknown --format \`${format}\`.\nFix: use --format terminal, --format markdown or --format json.`,
    );
  }
  const widthText = str("width");
  const width = widthText === undefined ? undefined : Number(widthText);
  if (width !== undefined && (!Number.isInteger(width) || width < 1)) {
    throw new ParityInputError(
      `--width \`${widthText}\` is not a positive whole number of columns.\nFix: e.g. --width 100.`,
    );
  }
  const scenario = str("scenario") as Scenario | undefined;
  if (scenario !== undefined && !SCENARIOS.includes(scenario)) {
    throw new ParityInputError(
      `Unknown --scenario \`${scenario}\`.\nFix: use --scenario update (a deployed stack) or --scenario create (a first deploy).`,
    );
  }
  const options: Options = {
    stagingFile: str("staging"),
    productionFile: str("production"),
    stagingStack: str("staging-stack") ?? "staging",
    productionStack: str("production-stack") ?? "production",
    knownFile: str("known-differences"),
    ...(scenario ? { scenario } : {}),
    ...(str("seed") ? { seed: str("seed") } : {}),
    format,
    width,
    writeNotes: values["write-notes"] === true,
    checkNotes: values["check-notes"] === true,
    help: values["help"] === true,
  };
  const exportMode = options.stagingFile !== undefined || options.productionFile !== undefined;
  if (exportMode && (options.stagingFile === undefined || options.productionFile === undefined)) {
    const missing = options.stagingFile === undefined ? "--staging" : "--production";
    throw new ParityInputError(
      `${missing} is missing: export files are compared in pairs.\nFix: pass both --staging <staging export> and --production <production export>, or neither to compare this repo's programs.`,
    );
  }
  if (exportMode && (options.writeNotes || options.checkNotes)) {
    throw new ParityInputError(
      `--write-notes/--check-notes describe this repo's programs, not export files.\nFix: run \`npm run notes\` without --staging/--production.`,
    );
  }
  if (exportMode && (values["staging-stack"] !== undefined || values["production-stack"] !== undefined)) {
    throw new ParityInputError(
      "--staging-stack/--production-stack name offline stacks; export files name their own.\nFix: drop them when comparing export files.",
    );
  }
  if (!exportMode && options.stagingStack === options.productionStack) {
    throw new ParityInputError(
      `--staging-stack and --production-stack are both \`${options.stagingStack}\`: a stack compared with itself shows nothing.\nFix: name two different stacks.`,
    );
  }
  return options;
}
