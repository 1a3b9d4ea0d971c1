import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { compareStacks } from "../../policy/compare";
import { KnownDifference, loadKnownDifferences } from "../../policy/known-differences";
import { ParityInputError } from "./errors";
import { OfflinePair, REPO_ROOT, assertKnownStack, collectPair, toComparable } from "./offline-stacks";
import { ParityReport, ReportSource, buildReport, resourcesInBoth } from "./report-model";
import { renderJson } from "./render-json";
import { renderMarkdown } from "./render-markdown";
import { renderTerminal, terminalWidth, wantsColor } from "./render-terminal";
import { SecretMasker } from "./secrets";
import { readStackExport } from "./stack-export";
import { NOTES_PATH, renderStagingNotes } from "./staging-notes";

export const USAGE = `Usage: npm run parity -- [options]

Compares staging with production: every resource and property side by side, classified by the
parity contract (policy/contract.ts), divergent first.

Sources (default: this repo's program, both stacks run offline):
  --staging FILE            staging's \`pulumi stack export\` file   } give both to compare
  --production FILE         production's \`pulumi stack export\` file } deployed stacks
  --staging-stack NAME      offline stack to treat as staging (default: staging)
  --production-stack NAME   offline stack to treat as production (default: production)
  --known-differences FILE  declared differences (default: known-differences.yaml)

Output:
  --format terminal|markdown|json   (default: terminal; markdown is a pull-request comment)
  --width N                 terminal columns (default: the terminal's, or 100)
  --write-notes             write ${NOTES_PATH} from the offline programs (npm run notes)
  --check-notes             exit 1 when ${NOTES_PATH} is stale

Exit: 0 no divergence · 1 something divergent (or stale notes) · 2 bad input`;

export interface CliIo {
  readonly stdout: { write(text: string): unknown; columns?: number; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  /** The repository the offline stacks, the notes and known-differences.yaml live in. */
  readonly root?: string;
}

type Format = "terminal" | "markdown" | "json";

interface Options {
  readonly stagingFile?: string;
  readonly productionFile?: string;
  readonly stagingStack: string;
  readonly productionStack: string;
  readonly knownFile?: string;
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
    throw new ParityInputError(`Unknown --format \`${format}\`.\nFix: use --format terminal, --format markdown or --format json.`);
  }
  const widthText = str("width");
  const width = widthText === undefined ? undefined : Number(widthText);
  if (width !== undefined && (!Number.isInteger(width) || width < 1)) {
    throw new ParityInputError(`--width \`${widthText}\` is not a positive whole number of columns.\nFix: e.g. --width 100.`);
  }
  const options: Options = {
    stagingFile: str("staging"),
    productionFile: str("production"),
    stagingStack: str("staging-stack") ?? "staging",
    productionStack: str("production-stack") ?? "production",
    knownFile: str("known-differences"),
    format,
    width,
    writeNotes: values["write-notes"] === true,
    checkNotes: values["check-notes"] === true,
    help: values["help"] === true,
  };
  const exportMode = options.stagingFile !== undefined || options.productionFile !== undefined;
  if (exportMode && (options.stagingFile === undefined || options.productionFile === undefined)) {
    const missing = options.stagingFile === undefined ? "--staging" : "--production";
    throw new ParityInputError(`${missing} is missing: export files are compared in pairs.\nFix: pass both --staging <staging export> and --production <production export>, or neither to compare this repo's programs.`);
  }
  if (exportMode && (options.writeNotes || options.checkNotes)) {
    throw new ParityInputError(
      `--write-notes/--check-notes describe this repo's programs, not export files.\nFix: run \`npm run notes\` without --staging/--production.`,
    );
  }
  if (exportMode && (values["staging-stack"] !== undefined || values["production-stack"] !== undefined)) {
    throw new ParityInputError("--staging-stack/--production-stack name offline stacks; export files name their own.\nFix: drop them when comparing export files.");
  }
  if (!exportMode && options.stagingStack === options.productionStack) {
    throw new ParityInputError(`--staging-stack and --production-stack are both \`${options.stagingStack}\`: a stack compared with itself shows nothing.\nFix: name two different stacks.`);
  }
  return options;
}

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
    if (staging.stack === production.stack) {
      throw new ParityInputError(
        `Both exports are of stack \`${staging.stack}\` (\`${options.stagingFile}\`, \`${options.productionFile}\`).\nFix: export staging and production separately: \`pulumi stack export --stack <name> --file <file>\`.`,
      );
    }
    const source: ReportSource = {
      kind: "export",
      project: staging.project,
      staging: { stack: staging.stack, file: options.stagingFile },
      production: { stack: production.stack, file: options.productionFile },
    };
    return buildReport(source, compareStacks(staging.resources, production.resources, known), resourcesInBoth(staging.resources, production.resources));
  }
  return programReport(await collectPair(options.stagingStack, options.productionStack, root), known);
}

/** The report on two offline snapshots of this repo's program. */
export function programReport(pair: OfflinePair, known: KnownDifference[], masker = new SecretMasker()): ParityReport {
  const source: ReportSource = {
    kind: "program",
    project: pair.production.project,
    staging: { stack: pair.staging.stack },
    production: { stack: pair.production.stack },
  };
  const staging = toComparable(pair.staging, masker);
  const production = toComparable(pair.production, masker);
  return buildReport(source, compareStacks(staging, production, known), resourcesInBoth(staging, production));
}

/** The pack's loader names the file, the entry and the fix; as a user error it exits 2. */
function loadKnown(options: Options, root: string): KnownDifference[] {
  try {
    return loadKnownDifferences(options.knownFile ?? path.join(root, "known-differences.yaml"));
  } catch (err) {
    throw new ParityInputError((err as Error).message);
  }
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const root = io.root ?? REPO_ROOT;
  try {
    const options = parseOptions(argv);
    if (options.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const report = await buildParityReport(options, root);
    if (options.writeNotes || options.checkNotes) return notes(options, report, root, io);
    io.stdout.write(render(report, options, io));
    return report.divergent ? 1 : 0;
  } catch (err) {
    return failure(err, io);
  }
}

function render(report: ParityReport, options: Options, io: CliIo): string {
  switch (options.format) {
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report);
    case "terminal":
      return renderTerminal(report, { width: options.width ?? terminalWidth(io.stdout), color: wantsColor(io.stdout, io.env) });
  }
}

function notes(options: Options, report: ParityReport, root: string, io: CliIo): number {
  const text = renderStagingNotes(loadKnown(options, root), report);
  return applyNotes(options.checkNotes ? "check" : "write", text, path.join(root, NOTES_PATH), report.divergent, io);
}

/** Writes the notes, or (`check`) compares them with the file: 1 when it is stale or missing. */
export function applyNotes(mode: "write" | "check", text: string, file: string, divergent: boolean, io: Pick<CliIo, "stdout" | "stderr">): number {
  if (mode === "check") {
    let current: string | undefined;
    try {
      current = readFileSync(file, "utf8");
    } catch {
      // A missing file is stale like any other.
    }
    if (current === text) {
      io.stdout.write(`${NOTES_PATH} is up to date.\n`);
      return 0;
    }
    const why = current === undefined ? "it does not exist" : "it no longer matches known-differences.yaml and the programs";
    io.stderr.write(`${file} is stale: ${why}.\nFix: run \`npm run notes\` and commit the result.\n`);
    return 1;
  }
  writeFileSync(file, text);
  io.stdout.write(`Wrote ${NOTES_PATH}.\n`);
  if (divergent) {
    io.stderr.write("Note: staging also has divergent properties, which the notes do not list; run `npm run parity` to see them.\n");
  }
  return 0;
}

/** Every failure the user can fix prints as a message and exit code 2; anything else is our bug. */
function failure(err: unknown, io: CliIo): number {
  if (err instanceof ParityInputError || isReportedError(err)) {
    io.stderr.write(`parity: ${(err as Error).message}\n`);
    return 2;
  }
  io.stderr.write(`parity: internal error (please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 2;
}

/** Errors other modules raise with a message written for the user (engine, known-differences loader). */
function isReportedError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === "ProgramError" || err.name === "ConfigError";
}
