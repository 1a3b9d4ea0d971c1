/**
 * `npm run preview -- --stack staging|production|--all`: the offline `pulumi preview`. Runs the real
 * program on the mock runtime per stack (child processes, in parallel), serves the real policy pack
 * once (its own process, analyzer gRPC), prints the plan and the verdicts.
 *
 * Exit codes: 0 clean; 1 a mandatory policy violation; 2 a program, config, policy-config or pack error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { checkPolicyPack, DEFAULT_PACK_DIR, PolicyPackError, PolicyPackServer, PolicyVerdict, startPolicyPack } from "./offline/analyzer";
import { collectStack, ProgramError, REPO_ROOT } from "./offline/engine";
import { PolicyConfigError, PolicyConfigInput, readPolicyConfigFile } from "./offline/policy-config";
import { Progress } from "./offline/progress";
import { countVerdicts, renderPlan, renderVerdicts, styleFor, summaryLine, VerdictCounts } from "./offline/render";
import type { StackSnapshot } from "./offline/snapshot";

const USAGE = `usage: npm run preview -- (--stack NAME | --all) [--json] [--policy-pack DIR]
         [--policy-pack-config FILE] [--stack-file FILE] [--root DIR] [--no-policy] [--typecheck-pack]

  --stack NAME              preview one stack (Pulumi.NAME.yaml); repeatable
  --all                     every stack with a Pulumi.<stack>.yaml in the project
  --json                    machine-readable result on stdout
  --policy-pack DIR         the CrossGuard pack to serve (default: policy/)
  --policy-pack-config FILE policy config as for \`pulumi preview --policy-pack-config\`
  --stack-file FILE         use this file instead of Pulumi.<stack>.yaml (one stack only)
  --root DIR                the Pulumi project directory (default: the repo root)
  --no-policy               plan only, no policy pack
  --typecheck-pack          type-check the pack on load as the CLI does (slow)`;

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
  const stacks = v.all ? discoverStacks(root) : named;
  if (stacks.length === 0) throw new UsageError(v.all ? `No Pulumi.<stack>.yaml files in ${root}.` : `Name a stack with --stack, or pass --all.\n${USAGE}`);
  if (v["stack-file"] && stacks.length !== 1) throw new UsageError("--stack-file replaces one stack's file: use it with a single --stack.");
  return {
    stacks,
    json: v.json,
    packDir: path.resolve(v["policy-pack"] ?? DEFAULT_PACK_DIR),
    policyConfigFile: v["policy-pack-config"],
    stackFile: v["stack-file"] ? path.resolve(v["stack-file"]) : undefined,
    root,
    policy: !v["no-policy"],
    typeCheckPack: v["typecheck-pack"],
  };
}

/** Every `Pulumi.<stack>.yaml` beside `Pulumi.yaml`, sorted: the stacks the project defines. */
export function discoverStacks(root: string): string[] {
  const names = fs.existsSync(root) ? fs.readdirSync(root) : [];
  return names
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export interface StackResult {
  readonly stack: string;
  snapshot?: StackSnapshot;
  verdicts?: PolicyVerdict[];
  error?: { readonly kind: string; readonly message: string; readonly location?: string };
}

export async function runPreview(opts: CliOptions, progress: Progress): Promise<StackResult[]> {
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

  let pack: Promise<PolicyPackServer> | undefined;
  if (opts.policy) {
    progress.set("policy pack", "starting");
    pack = startPolicyPack(opts.packDir, { typeCheck: opts.typeCheckPack });
    // Settled below; keep an early failure from surfacing as an unhandled rejection meanwhile.
    pack.then(() => progress.done("policy pack"), () => progress.done("policy pack"));
  }
  await Promise.all(
    results.map(async (result) => {
      progress.set(result.stack, "running the program");
      try {
        result.snapshot = await collectStack({ stack: result.stack, root: opts.root, stackFile: opts.stackFile });
        progress.set(result.stack, `${result.snapshot.resources.length} resources`);
      } catch (e) {
        result.error = describeError(e);
        progress.set(result.stack, "failed");
      }
    }),
  );

  if (pack) {
    let server: PolicyPackServer | undefined;
    try {
      server = await pack;
      for (const result of results) {
        if (!result.snapshot) continue;
        progress.set(result.stack, "checking policies");
        try {
          result.verdicts = await server.analyzeStack(result.snapshot, policyConfig);
        } catch (e) {
          result.error = describeError(e);
        }
      }
    } catch (e) {
      for (const result of results) if (!result.error) result.error = describeError(e);
    } finally {
      await server?.close();
    }
  }
  for (const result of results) progress.done(result.stack);
  progress.stop();
  return results;
}

function describeError(e: unknown): NonNullable<StackResult["error"]> {
  if (e instanceof ProgramError) return { kind: e.kind, message: e.message, ...(e.location ? { location: e.location } : {}) };
  if (e instanceof PolicyPackError) return { kind: "pack", message: e.message };
  if (e instanceof PolicyConfigError) return { kind: "policy-config", message: e.message };
  return { kind: "internal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

export function exitCode(results: readonly StackResult[]): number {
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
        resources: r.snapshot?.resources ?? [],
        outputs: r.snapshot?.outputs ?? {},
        notes: r.snapshot?.notes ?? [],
        verdicts: r.verdicts ?? [],
        summary: {
          resources: r.snapshot?.resources.length ?? 0,
          creates: r.snapshot?.resources.length ?? 0,
          policyChecked: r.verdicts !== undefined,
          mandatory: counts?.mandatory ?? 0,
          advisory: counts?.advisory ?? 0,
          ok: !r.error && (counts?.mandatory ?? 0) === 0,
        },
        ...(r.error ? { error: r.error } : {}),
      };
    }),
    exitCode: exitCode(results),
  };
}

export function toText(results: readonly StackResult[], stdout: { isTTY?: boolean }): string {
  const style = styleFor(stdout);
  const blocks: string[] = [];
  for (const r of results) {
    if (r.snapshot) blocks.push(renderPlan(r.snapshot, style));
    // E.g. how `secure:` values were handled: worth one dim line, never a warning.
    for (const note of r.snapshot?.notes ?? []) blocks.push(style.dim(`note: ${note}`));
    if (r.verdicts) {
      const verdicts = renderVerdicts(r.verdicts, style);
      if (verdicts) blocks.push(verdicts);
    }
    if (r.error) blocks.push(style.red(`error: stack ${r.stack}: ${r.error.message}`));
    blocks.push("");
  }
  for (const r of results) {
    if (r.error) blocks.push(`${r.stack}: ${style.red(`error (${r.error.kind})`)}`);
    else blocks.push(summaryLine(r.stack, r.snapshot?.resources.length ?? 0, r.verdicts ? countVerdicts(r.verdicts) : undefined, style));
  }
  return `${blocks.join("\n")}\n`;
}

/** The CLI on `argv` (no node, no script), writing where it is told: tests run it in-process. */
export async function main(argv: readonly string[] = process.argv.slice(2), stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Promise<number> {
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
    results = await runPreview(opts, progress);
  } catch (e) {
    progress.stop();
    const message = e instanceof Error ? e.message : String(e);
    if (opts.json) stdout.write(`${JSON.stringify({ stacks: [], error: { kind: e instanceof PolicyConfigError ? "policy-config" : "internal", message }, exitCode: EXIT.error }, null, 2)}\n`);
    else stderr.write(`error: ${message}\n`);
    return EXIT.error;
  }
  if (opts.json) stdout.write(`${JSON.stringify(toJson(results), null, 2)}\n`);
  else stdout.write(toText(results, stdout));
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
