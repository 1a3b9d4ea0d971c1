/**
 * `npm run policy -- --stack-export FILE [--stack NAME]`: the real policy pack on a deployed stack's
 * state, offline, the way `pulumi policy analyze --stack NAME --policy-pack policy` runs it
 * (pulumi/pulumi pkg/resource/deploy/analyze_snapshot.go): `Analyze` once per resource with its
 * stored inputs, then `AnalyzeStack` with every resource's stored outputs, each resource carrying
 * its provider's inputs. No program runs and no provider is called: this checks what is deployed.
 *
 * Exit codes: 0 clean; 1 a mandatory policy violation; 2 a usage, export, policy-config or pack error.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as v8 from "node:v8";
import {
  checkPolicyPack,
  DEFAULT_PACK_DIR,
  LentPackServer,
  PolicyPackError,
  PolicyVerdict,
  startPolicyPack,
} from "./simulator/analyzer";
import { PolicyConfigError, readPolicyConfigFile } from "./simulator/policy-config";
import { Downgrade, downgradedPolicies } from "./simulator/policy-downgrades";
import {
  countVerdicts,
  GuidanceByPolicy,
  guidanceOf,
  policyVerdict,
  renderVerdicts,
  Style,
  styleFor,
} from "./simulator/render";
import type { StackSnapshot } from "./simulator/snapshot";
import { repositoryProject } from "./simulator/export-reader";
import { EmptyStackExportError, readStackExportFile, StackExportError } from "./simulator/stack-export";
import { redactVerdicts, secretTexts } from "./simulator/redact";
import { EXIT, exitCode, UsageError } from "./preview";
import { stackNameProblems } from "./stack-names";

// One exit-code rule and one usage error for every CLI that runs the pack.
export { EXIT, exitCode, UsageError };

const USAGE = `usage: npm run policy -- --stack-export FILE [--stack NAME] [--json]
         [--policy-pack DIR] [--policy-pack-config FILE] [--without-provider-resources]

  --stack-export FILE           a \`pulumi stack export\` file (repeatable: one stack per file)
  --stack NAME                  the stack the export must be (with one --stack-export; default: read
                                from the export's URNs)
  --json                        machine-readable result on stdout
  --policy-pack DIR             the CrossGuard pack to serve (default: policy/)
  --policy-pack-config FILE     policy config as for \`pulumi policy analyze --policy-pack-config\`
  --without-provider-resources  leave provider resources out of AnalyzeStack (each resource still
                                carries its provider's inputs), as some CLI versions send state`;

export interface PolicyCliOptions {
  readonly exports: readonly string[];
  readonly stack?: string;
  readonly json: boolean;
  readonly packDir: string;
  readonly policyConfigFile?: string;
  readonly providersInStack: boolean;
}

export function parsePolicyCli(argv: readonly string[]): PolicyCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        "stack-export": { type: "string", multiple: true },
        stack: { type: "string" },
        json: { type: "boolean", default: false },
        "policy-pack": { type: "string" },
        "policy-pack-config": { type: "string" },
        "without-provider-resources": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE);
  const exports = values["stack-export"] ?? [];
  if (exports.length === 0)
    throw new UsageError(
      `Name a state file with --stack-export (write one with \`pulumi stack export --stack NAME --file FILE\`).\n${USAGE}`,
    );
  if (values.stack !== undefined && exports.length > 1)
    throw new UsageError(
      "--stack names the stack of a single --stack-export; with several files each names its own stack.",
    );
  // Pulumi's rule only: the export is of a backend stack, which need not have a Pulumi.<stack>.yaml here.
  const [stackProblem] = values.stack === undefined ? [] : stackNameProblems([values.stack], { flag: "--stack" });
  if (stackProblem) throw new UsageError(stackProblem);
  return {
    exports: exports.map((f) => path.resolve(f)),
    stack: values.stack,
    json: values.json,
    packDir: path.resolve(values["policy-pack"] ?? DEFAULT_PACK_DIR),
    policyConfigFile: values["policy-pack-config"],
    providersInStack: !values["without-provider-resources"],
  };
}

export interface ExportResult {
  readonly file: string;
  stack?: string;
  project?: string;
  /** `pulumi policy analyze` on a stack with no resources: nothing to analyze, exit 0. */
  empty?: boolean;
  /** How the export's secrets were read (decrypted, or why redacted). */
  notes?: readonly string[];
  resources?: number;
  verdicts?: PolicyVerdict[];
  /** The mandatory policies the policy config disabled or made advisory. */
  downgrades?: Downgrade[];
  /** How to fix each policy's violations, from the pack's GetAnalyzerInfo (shown once per policy). */
  guidance?: GuidanceByPolicy;
  error?: { readonly kind: "export" | "pack" | "policy-config"; readonly message: string };
}

/** Reads one export, checking it is of this project and the stack the caller named; errors name the fix. */
export function readStackExport(file: string, expectedStack?: string): StackSnapshot {
  const snapshot = readStackExportFile(file, { project: repositoryProject() });
  if (expectedStack !== undefined && snapshot.stack !== expectedStack) {
    throw new StackExportError(
      `holds stack \`${snapshot.stack}\`, not \`${expectedStack}\``,
      `export the right stack (\`pulumi stack export --stack ${expectedStack}\`), or drop --stack`,
    );
  }
  return snapshot;
}

/** Runs the pack on each export, in a pack started here unless one is lent (`packServer`). */
export async function runPolicy(opts: PolicyCliOptions, packServer?: LentPackServer): Promise<ExportResult[]> {
  const results: ExportResult[] = opts.exports.map((file) => ({ file }));
  const snapshots = new Map<ExportResult, StackSnapshot>();
  for (const result of results) {
    try {
      const snapshot = readStackExport(result.file, opts.stack);
      snapshots.set(result, snapshot);
      result.stack = snapshot.stack;
      result.project = snapshot.project;
      result.resources = snapshot.resources.length;
      if (snapshot.notes) result.notes = snapshot.notes;
    } catch (e) {
      if (e instanceof EmptyStackExportError) {
        result.empty = true;
        result.resources = 0;
        result.verdicts = [];
        continue;
      }
      if (!(e instanceof StackExportError)) throw e;
      result.error = { kind: "export", message: `${result.file} ${e.problem}.${e.fix ? ` Fix: ${e.fix}.` : ""}` };
    }
  }
  if (snapshots.size === 0) return results;
  try {
    checkPolicyPack(opts.packDir);
    const policyConfig = opts.policyConfigFile ? readPolicyConfigFile(opts.policyConfigFile) : undefined;
    const server = await (packServer ?? startPolicyPack)(opts.packDir);
    try {
      const info = await server.info();
      const downgrades = downgradedPolicies(info, policyConfig);
      for (const [result, snapshot] of snapshots) {
        try {
          // deploy.AnalyzeSnapshot: no ConfigureStack, remediations reported only, no deleteBeforeReplace.
          result.verdicts = redactVerdicts(
            await server.analyzeStack(snapshot, policyConfig, {
              providersInStack: opts.providersInStack,
              mode: "state",
            }),
            secretTexts([snapshot]),
          );
          result.downgrades = downgrades;
          result.guidance = guidanceOf(info);
        } catch (e) {
          result.error = packError(e);
        }
      }
    } finally {
      if (!packServer) await server.close();
    }
  } catch (e) {
    const error = packError(e);
    for (const result of snapshots.keys()) if (!result.verdicts) result.error ??= error;
  }
  return results;
}

function packError(e: unknown): NonNullable<ExportResult["error"]> {
  if (e instanceof PolicyPackError) return { kind: "pack", message: e.message };
  if (e instanceof PolicyConfigError) return { kind: "policy-config", message: e.message };
  throw e;
}

export function toText(results: readonly ExportResult[], stdout: { isTTY?: boolean }): string {
  const style = styleFor(stdout);
  const blocks: string[] = [];
  for (const r of results) {
    blocks.push(style.bold(`${stackName(r)} (deployed state, ${displayFile(r)})`));
    for (const note of r.notes ?? []) blocks.push(`  ${note}`);
    if (r.empty) blocks.push(`  ${EMPTY_MESSAGE}`);
    else if (r.verdicts)
      blocks.push(renderVerdicts(r.verdicts, style, r.guidance) || style.green("  no policy findings"));
    if (r.error) blocks.push(style.red(`error (${r.error.kind}): ${r.error.message}`));
    blocks.push("");
  }
  for (const r of results) {
    const name = `${stackName(r)} (${displayFile(r)})`;
    if (r.error) blocks.push(`${name}: ${style.red(`error (${r.error.kind})`)}`);
    else if (r.empty) blocks.push(`${name}: no resources; nothing to analyze`);
    else blocks.push(`${name}: ${stateSummary(r, style)}`);
  }
  return `${blocks.join("\n")}\n`;
}

/** What `pulumi policy analyze` says of a stack without resources (pkg/cmd/pulumi/policy/policy_analyze.go). */
const EMPTY_MESSAGE = "The stack has no resources; nothing to analyze.";

/** `parity/staging`: project and stack, as two runs' summaries can otherwise both read `dev:`. */
function stackName(r: ExportResult): string {
  return r.stack !== undefined ? `${r.project}/${r.stack}` : path.basename(r.file);
}

function displayFile(r: ExportResult): string {
  return path.relative(process.cwd(), r.file) || r.file;
}

/** `125 deployed resources; 0 mandatory, 30 advisory; policy check passed`. */
function stateSummary(r: ExportResult, style: Style): string {
  const counts = countVerdicts(r.verdicts ?? []);
  return `${r.resources ?? 0} deployed resources; ${counts.mandatory} mandatory, ${counts.advisory} advisory; ${policyVerdict(counts, style, r.downgrades)}`;
}

export function toJson(results: readonly ExportResult[]): unknown {
  return {
    stacks: results.map((r) => ({
      file: r.file,
      project: r.project,
      stack: r.stack,
      resources: r.resources ?? 0,
      verdicts: r.verdicts ?? [],
      downgradedPolicies: r.downgrades ?? [],
      ok: !r.error && (r.verdicts ? countVerdicts(r.verdicts).mandatory === 0 : false),
      ...(r.empty ? { empty: true, message: EMPTY_MESSAGE } : {}),
      ...(r.notes ? { notes: r.notes } : {}),
      ...(r.error ? { error: r.error } : {}),
    })),
    exitCode: exitCode(results),
  };
}

/**
 * The same soft V8 setting as the pack process's (analyzer.ts PACK_HEAP), for this process: its live
 * set on issue 20's export stays near 100–170 MiB (the snapshot), but the Remediate and Analyze round
 * trips leave garbage that V8 let grow to ~390 MiB of heap before collecting, which was this process's
 * peak. Set at run time because `npm run policy` starts node without flags; V8 reads it each time it
 * sizes the heap. It changes when V8 collects, never what this process may hold, and no output.
 */
const CLI_HEAP_FLAGS = "--heap-growing-percent=30";

async function main(): Promise<number> {
  v8.setFlagsFromString(CLI_HEAP_FLAGS);
  let opts: PolicyCliOptions;
  try {
    opts = parsePolicyCli(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return EXIT.error;
  }
  const results = await runPolicy(opts);
  process.stdout.write(opts.json ? `${JSON.stringify(toJson(results), null, 2)}\n` : toText(results, process.stdout));
  return exitCode(results);
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(EXIT.error);
    },
  );
}
