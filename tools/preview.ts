/**
 * `npm run preview -- --stack staging|production|--all`: the offline `pulumi preview`. Runs the real
 * program on the mock runtime per stack (child processes, in parallel), serves the real policy pack
 * once (its own process, analyzer gRPC), prints the plan and the verdicts.
 *
 * Exit codes: 0 clean; 1 a mandatory policy violation; 2 a program, config, policy-config or pack error.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import {
  checkPolicyPack,
  DEFAULT_PACK_DIR,
  LentPackServer,
  PolicyPackError,
  PolicyPackServer,
  PolicyVerdict,
  StackIdentity,
  startPolicyPack,
} from "./simulator/analyzer";
import { collectStack, ProgramError, REPO_ROOT } from "./simulator/engine";
import type { HostPool } from "./simulator/host-pool";
import { PolicyConfigError, PolicyConfigInput, readPolicyConfigFile } from "./simulator/policy-config";
import { Downgrade, downgradedPolicies } from "./simulator/policy-downgrades";
import { Progress } from "./simulator/progress";
import {
  countVerdicts,
  GuidanceByPolicy,
  guidanceOf,
  renderPlan,
  renderPlanSummary,
  renderVerdicts,
  sectionVerdicts,
  STAGING_NOTES,
  Style,
  styleFor,
  summaryLine,
  VerdictCounts,
} from "./simulator/render";
import { randomSeed } from "./simulator/provider-model/seeded";
import { DEFAULT_SCENARIO } from "./simulator/engine";
import { SCENARIOS, type Scenario, type StackSnapshot } from "./simulator/snapshot";
import { projectStacks, stackNameProblems } from "./stack-names";
import { maskSecrets, redactText, redactVerdicts, secretTexts } from "./simulator/redact";
import { crossStackVerdicts } from "./simulator/cross-stack";

const USAGE = `usage: npm run preview -- (--stack NAME | --all) [--json] [--policy-pack DIR]
         [--policy-pack-config FILE] [--stack-file FILE] [--root DIR] [--no-policy] [--typecheck-pack] [--verbose]
         [--scenario create|update] [--seed SEED]

  --stack NAME              preview one stack (Pulumi.NAME.yaml); repeatable
  --all                     every stack with a Pulumi.<stack>.yaml in the project
  --json                    machine-readable result on stdout
  --policy-pack DIR         the CrossGuard pack to serve (default: policy/)
  --policy-pack-config FILE policy config as for \`pulumi preview --policy-pack-config\`
  --stack-file FILE         use this file instead of Pulumi.<stack>.yaml (one stack only)
  --root DIR                the Pulumi project directory (default: the repo root)
  --no-policy               plan only, no policy pack
  --typecheck-pack          type-check the pack on load as the CLI does (slow)
  --verbose                 list every declared difference and every resource, not their summaries
  --scenario update|create  provider outputs of an already-deployed stack (default, as CI sees it)
                            or of a first deploy (computed values unknown)
  --seed SEED               the generated ids, suffixes and revisions (default: a new random seed, printed)`;

export const EXIT = { clean: 0, violations: 1, error: 2 } as const;

export interface CliOptions {
  readonly stacks: readonly string[];
  readonly json: boolean;
  readonly packDir: string;
  readonly policyConfigFile?: string;
  readonly stackFile?: string;
  readonly root: string;
  readonly policy: boolean;
  readonly typeCheckPack: boolean;
  readonly scenario: Scenario;
  /** One seed for every stack of the run: the same generated parts in each, as the model promises. */
  readonly seed: string;
  readonly verbose: boolean;
}

export class UsageError extends Error {}

export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string", multiple: true },
        all: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "policy-pack": { type: "string" },
        "policy-pack-config": { type: "string" },
        "stack-file": { type: "string" },
        root: { type: "string" },
        "no-policy": { type: "boolean", default: false },
        "typecheck-pack": { type: "boolean", default: false },
        scenario: { type: "string" },
        seed: { type: "string" },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) throw new UsageError(USAGE);
  const root = path.resolve(v.root ?? REPO_ROOT);
  const named = v.stack ?? [];
  if (v.all && named.length > 0) throw new UsageError(`--all and --stack are exclusive.\n${USAGE}`);
  // With --stack-file the file is given, so only the name's shape is checked, not its Pulumi.<stack>.yaml.
  const nameProblems = stackNameProblems(named, { flag: "--stack", root: v["stack-file"] ? undefined : root });
  if (nameProblems.length > 0) throw new UsageError(nameProblems.join("\n"));
  const stacks = v.all ? discoverStacks(root) : named;
  if (stacks.length === 0)
    throw new UsageError(
      v.all ? `No Pulumi.<stack>.yaml files in ${root}.` : `Name a stack with --stack, or pass --all.\n${USAGE}`,
    );
  const scenario = (v.scenario ?? DEFAULT_SCENARIO) as Scenario;
  if (!SCENARIOS.includes(scenario))
    throw new UsageError(`--scenario must be one of ${SCENARIOS.join(", ")}, not \`${v.scenario}\`.\n${USAGE}`);
  if (v.seed === "") throw new UsageError(`--seed needs a value.\n${USAGE}`);
  if (v["stack-file"] && stacks.length !== 1)
    throw new UsageError("--stack-file replaces one stack's file: use it with a single --stack.");
  return {
    stacks,
    json: v.json,
    packDir: path.resolve(v["policy-pack"] ?? DEFAULT_PACK_DIR),
    policyConfigFile: v["policy-pack-config"],
    stackFile: v["stack-file"] ? path.resolve(v["stack-file"]) : undefined,
    root,
    policy: !v["no-policy"],
    typeCheckPack: v["typecheck-pack"],
    scenario,
    seed: v.seed ?? randomSeed(),
    verbose: v.verbose,
  };
}

/** Every `Pulumi.<stack>.yaml` beside `Pulumi.yaml`, sorted: the stacks the project defines. */
export function discoverStacks(root: string): string[] {
  return projectStacks(root);
}

export interface StackResult {
  readonly stack: string;
  snapshot?: StackSnapshot;
  verdicts?: PolicyVerdict[];
  /** The mandatory policies the policy config disabled or made advisory for this run. */
  downgrades?: Downgrade[];
  /** How to fix each policy's violations, from the pack's GetAnalyzerInfo (shown once per policy). */
  guidance?: GuidanceByPolicy;
  error?: { readonly kind: string; readonly message: string; readonly location?: string };
}

/**
 * What a long-lived caller (the test suite) may lend a preview instead of fresh processes. The CLI
 * lends nothing: each stack runs in a process of its own and the pack is started and stopped here.
 */
export interface PreviewServices {
  /** Program hosts to run the stacks in (default: a fresh process per stack). */
  readonly hosts?: HostPool;
  readonly packServer?: LentPackServer;
}

export async function runPreview(
  opts: CliOptions,
  progress: Progress,
  services: PreviewServices = {},
): Promise<StackResult[]> {
  let policyConfig: PolicyConfigInput | undefined;
  if (opts.policy && opts.policyConfigFile) policyConfig = readPolicyConfigFile(opts.policyConfigFile);
  const results: StackResult[] = opts.stacks.map((stack) => ({ stack }));

  if (opts.policy) {
    try {
      checkPolicyPack(opts.packDir);
    } catch (e) {
      // Not a pack, or not installed: say so at once rather than after running every program.
      for (const result of results) result.error = describeError(e);
      return results;
    }
  }

  // One pack process per stack, started once the stack's config is loaded (while its program runs):
  // the CLI starts the pack for each preview with that stack's environment and ConfigureStack
  // (NewPolicyAnalyzer in sdk/go/common/resource/plugin/analyzer_plugin.go).
  const packs = new Map<StackResult, { server: Promise<PolicyPackServer>; identity: StackIdentity }>();
  const startPack = (result: StackResult, identity: StackIdentity) => {
    progress.set("policy pack", "starting");
    const server = services.packServer
      ? services.packServer(opts.packDir, identity)
      : startPolicyPack(opts.packDir, { typeCheck: opts.typeCheckPack, identity });
    // Settled below; keep an early failure from surfacing as an unhandled rejection meanwhile.
    server.then(
      () => progress.done("policy pack"),
      () => progress.done("policy pack"),
    );
    packs.set(result, { server, identity });
  };
  await Promise.all(
    results.map(async (result) => {
      progress.set(result.stack, "running the program");
      try {
        result.snapshot = await collectStack({
          stack: result.stack,
          root: opts.root,
          stackFile: opts.stackFile,
          scenario: opts.scenario,
          seed: opts.seed,
          hosts: services.hosts,
          ...(opts.policy ? { onPrepared: (identity: StackIdentity) => startPack(result, identity) } : {}),
        });
        progress.set(result.stack, `${result.snapshot.resources.length} resources`);
      } catch (e) {
        result.error = describeError(e);
        progress.set(result.stack, "failed");
      }
    }),
  );

  await Promise.all(
    results.map(async (result) => {
      const pack = packs.get(result);
      if (!pack) return;
      let server: PolicyPackServer | undefined;
      try {
        server = await pack.server;
        if (!result.snapshot) return;
        progress.set(result.stack, "checking policies");
        // The pack cannot see Pulumi's secret marker; what it prints is cut here (tools/simulator/redact.ts).
        result.verdicts = redactVerdicts(
          await server.analyzeStack(result.snapshot, policyConfig, { stack: pack.identity }),
          secretTexts([result.snapshot]),
        );
        const info = await server.info();
        result.downgrades = downgradedPolicies(info, policyConfig);
        result.guidance = guidanceOf(info);
      } catch (e) {
        if (!result.error) {
          const error = describeError(e);
          result.error = result.snapshot
            ? { ...error, message: redactText(error.message, secretTexts([result.snapshot])) }
            : error;
        }
      } finally {
        if (!services.packServer) await server?.close();
      }
    }),
  );
  // Seen together, the stacks can be checked for a secret they share (the pack sees one at a time).
  const checked = results.filter((r) => r.snapshot && r.verdicts);
  if (checked.length > 1) {
    const cross = crossStackVerdicts(checked.map((r) => r.snapshot as StackSnapshot));
    for (const r of checked) r.verdicts = [...(r.verdicts ?? []), ...(cross.get(r.stack) ?? [])];
  }
  for (const result of results) progress.done(result.stack);
  progress.stop();
  return results;
}

function describeError(e: unknown): NonNullable<StackResult["error"]> {
  if (e instanceof ProgramError)
    return { kind: e.kind, message: e.message, ...(e.location ? { location: e.location } : {}) };
  if (e instanceof PolicyPackError) return { kind: "pack", message: withoutStackFrames(e.message) };
  if (e instanceof PolicyConfigError) return { kind: "policy-config", message: e.message };
  return { kind: "internal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

/**
 * The policy SDK forwards a failing policy's JS stack; the lines that matter are the message. Frames
 * (`    at fn (file:line)`) help the pack's authors, who can run the pack's own tests.
 */
export function withoutStackFrames(message: string): string {
  return message
    .split("\n")
    .filter((line) => !/^\s+at \S/.test(line))
    .join("\n");
}

/** 2 on any error, 1 on any mandatory violation, else 0: for every CLI that runs the pack. */
export function exitCode(results: readonly Pick<StackResult, "error" | "verdicts">[]): number {
  if (results.some((r) => r.error)) return EXIT.error;
  if (results.some((r) => r.verdicts && countVerdicts(r.verdicts).mandatory > 0)) return EXIT.violations;
  return EXIT.clean;
}

export function toJson(results: readonly StackResult[]): unknown {
  return {
    stacks: results.map((r) => {
      const counts: VerdictCounts | undefined = r.verdicts ? countVerdicts(r.verdicts) : undefined;
      return {
        stack: r.stack,
        project: r.snapshot?.project,
        scenario: r.snapshot?.scenario,
        seed: r.snapshot?.seed,
        // Secret-marked values keep their marker and lose their content: `--json` is printed too.
        resources: maskSecrets(r.snapshot?.resources ?? []),
        outputs: maskSecrets(r.snapshot?.outputs ?? {}),
        notes: r.snapshot?.notes ?? [],
        verdicts: r.verdicts ?? [],
        summary: {
          resources: r.snapshot?.resources.length ?? 0,
          creates: r.snapshot?.resources.length ?? 0,
          policyChecked: r.verdicts !== undefined,
          mandatory: counts?.mandatory ?? 0,
          advisory: counts?.advisory ?? 0,
          unplaced: counts?.unplaced ?? 0,
          downgradedPolicies: r.downgrades ?? [],
          ok: !r.error && (counts?.mandatory ?? 0) === 0,
        },
        ...(r.error ? { error: r.error } : {}),
      };
    }),
    exitCode: exitCode(results),
  };
}

export interface TextOptions {
  /** Every declared difference and the whole resource tree, not their summaries. */
  readonly verbose?: boolean;
}

/**
 * For people, top-down: one verdict line per stack first (may this ship?), then per stack the
 * mandatory violations, the differences from the lock, declared differences (a count and where they
 * are explained), other advisory notes, and the plan. An error several stacks share is printed once.
 */
export function toText(results: readonly StackResult[], stdout: { isTTY?: boolean }, opts: TextOptions = {}): string {
  const style = styleFor(stdout);
  const blocks: string[] = results.map((r) => verdictLine(r, style));
  // Which provider outputs the verdicts rest on, and how to rerun them: one dim line under the verdicts.
  const model = providerModelLine(results);
  if (model) blocks.push(style.dim(model));
  blocks.push("");
  const errors = new Map<string, string[]>();
  for (const r of results) if (r.error) errors.set(r.error.message, [...(errors.get(r.error.message) ?? []), r.stack]);
  for (const [message, stacks] of errors)
    blocks.push(style.red(`error: ${stacks.length === 1 ? "stack" : "stacks"} ${stacks.join(", ")}: ${message}`), "");
  for (const r of results) {
    if (!r.snapshot) continue;
    blocks.push(style.bold(`Previewing stack ${r.stack} (${r.snapshot.project}), offline`));
    if (r.verdicts) blocks.push(...verdictSections(r.verdicts, style, opts, r.guidance));
    // E.g. how `secure:` values were handled: worth one dim line, never a warning.
    for (const note of r.snapshot.notes ?? []) blocks.push(style.dim(`note: ${note}`));
    blocks.push("", opts.verbose ? renderPlan(r.snapshot, style) : renderPlanSummary(r.snapshot, style), "");
  }
  return `${blocks.join("\n").trimEnd()}\n`;
}

function verdictLine(r: StackResult, style: Style): string {
  if (r.error) return `${r.stack}: ${style.red(`error (${r.error.kind})`)}`;
  return summaryLine(
    r.stack,
    r.snapshot?.resources.length ?? 0,
    r.verdicts ? countVerdicts(r.verdicts) : undefined,
    style,
    r.downgrades,
  );
}

function verdictSections(
  verdicts: readonly PolicyVerdict[],
  style: Style,
  opts: TextOptions,
  guidance?: GuidanceByPolicy,
): string[] {
  const s = sectionVerdicts(verdicts);
  const out: string[] = [];
  const section = (title: string, list: readonly PolicyVerdict[]) => {
    if (list.length > 0) out.push("", style.bold(`${title} (${list.length}):`), renderVerdicts(list, style, guidance));
  };
  section("Mandatory violations: fix before this stack ships", s.mandatory);
  section("Changed against parity.lock.json: production's structure", s.lock);
  const declared = [...s.declared.values()].flat();
  if (declared.length > 0) {
    const ids = [...s.declared.keys()].sort();
    out.push(
      "",
      `Declared differences: ${declared.length} from ${ids.length} declaration${ids.length === 1 ? "" : "s"} in known-differences.yaml (${ids.join(", ")}); why each exists: ${STAGING_NOTES}${opts.verbose ? "" : " (--verbose lists them)"}.`,
    );
    if (opts.verbose) out.push(renderVerdicts(declared, style, guidance));
  }
  section("Advisory notes", s.advisory);
  section("Remediated by policy: the inputs previewed and checked are the remediated ones", s.remediated);
  return out;
}

/** The header line: which provider scenario and seed the outputs came from, to rerun the same preview. */
export function providerModelLine(results: readonly StackResult[]): string | undefined {
  const snapshot = results.find((r) => r.snapshot?.scenario)?.snapshot;
  if (!snapshot?.scenario) return undefined;
  const what =
    snapshot.scenario === "update" ? "update of a deployed stack" : "first deploy (create), computed values unknown";
  return `provider model: ${what}, seed ${snapshot.seed} (rerun with --scenario ${snapshot.scenario} --seed ${snapshot.seed})`;
}

/** The CLI on `argv` (no node, no script), writing where it is told: tests run it in-process. */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
  services: PreviewServices = {},
): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr.write(`${e.message}\n`);
    return EXIT.error;
  }
  const progress = new Progress(stderr);
  let results: StackResult[];
  try {
    results = await runPreview(opts, progress, services);
  } catch (e) {
    progress.stop();
    const message = e instanceof Error ? e.message : String(e);
    if (opts.json)
      stdout.write(
        `${JSON.stringify({ stacks: [], error: { kind: e instanceof PolicyConfigError ? "policy-config" : "internal", message }, exitCode: EXIT.error }, null, 2)}\n`,
      );
    else stderr.write(`error: ${message}\n`);
    return EXIT.error;
  }
  if (opts.json) stdout.write(`${JSON.stringify(toJson(results), null, 2)}\n`);
  else stdout.write(toText(results, stdout, { verbose: opts.verbose }));
  return exitCode(results);
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = EXIT.error;
    },
  );
}
