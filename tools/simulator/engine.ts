import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { DIY_ORGANIZATION, projectStackTags, type StackIdentity } from "./analyzer-requests";
import type { HostJob } from "./host-protocol";
import { HostPool } from "./host-pool";
import { randomSeed } from "./provider-model/seeded";
import type { Scenario, StackSnapshot } from "./snapshot";
import { loadStackConfigWithSecrets, maskedConfig, StackConfig, StackConfigError } from "./stack-config";

/**
 * The simulator's engine, standing in for the Pulumi CLI's: loads a stack's config the way the CLI
 * does, runs the program in a child process on Pulumi's mock runtime with realistic provider outputs,
 * and returns every resource the engine would have been asked to register. No CLI, no cloud, no
 * credentials.
 */

export interface CollectOptions {
  /** "staging" | "production" | any name with a Pulumi.<stack>.yaml */
  stack: string;
  /** Alternative stack config file (test fixtures); default <root>/Pulumi.<stack>.yaml */
  stackFile?: string;
  /** Full keys, raw string values, applied last (tests). */
  configOverrides?: Record<string, string>;
  /** Project dir, default repo root. */
  root?: string;
  /**
   * How the provider model answers (tools/simulator/provider-model): `update` (the default: a preview of
   * an already-deployed stack, what CI's `pulumi preview` sees) or `create` (a first deploy).
   */
  scenario?: Scenario;
  /** The seed of the generated values (ids, suffixes, key ids, revisions); default a new random one. */
  seed?: string;
  /** Kill the program after this long (default 120 s): a hung program is an error, not a wait. */
  timeoutMs?: number;
  /** The hosts to run the program in (host-pool.ts); default a fresh process that ends with the run. */
  hosts?: HostPool;
  /**
   * Told who the stack is once its config is loaded, before the program runs: the caller can start
   * the stack's policy pack meanwhile, as the CLI loads policy plugins before it runs the program.
   */
  onPrepared?: (identity: StackIdentity) => void;
}

export type ProgramErrorKind = "config" | "program";

/**
 * The program could not be previewed. `kind: "config"` carries the validator's message verbatim (and
 * each problem in `details`); `kind: "program"` names the program's file and line in `location`.
 */
export class ProgramError extends Error {
  constructor(
    readonly kind: ProgramErrorKind,
    readonly stack: string,
    message: string,
    readonly details: readonly string[] = [],
    readonly location?: string,
  ) {
    super(message);
    this.name = "ProgramError";
  }
}

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export { TS_CACHE } from "./host-pool";
const DEFAULT_TIMEOUT_MS = 120_000;
/** Keeps no host: each run is a process of its own, as each `pulumi preview` is. */
const ONE_SHOT = new HostPool(0);

export async function collectStack(opts: CollectOptions): Promise<StackSnapshot> {
  const { job, notes } = await prepareJob(opts);
  opts.onPrepared?.(identityOfJob(job));
  const snapshot = await runHost(opts.hosts ?? ONE_SHOT, job, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return notes.length > 0 ? { ...snapshot, notes } : snapshot;
}

/** What a host needs to run the stack (its config loaded as the CLI loads it), and the config's notes. */
export async function prepareJob(opts: CollectOptions): Promise<{ job: HostJob; notes: readonly string[] }> {
  const root = path.resolve(opts.root ?? REPO_ROOT);
  let config: StackConfig;
  try {
    // As the CLI: a passphrase stack's `secure:` values are decrypted when PULUMI_CONFIG_PASSPHRASE(_FILE) is set.
    config = await loadStackConfigWithSecrets({
      root,
      stack: opts.stack,
      stackFile: opts.stackFile,
      configOverrides: opts.configOverrides,
    });
  } catch (e) {
    if (e instanceof StackConfigError) throw new ProgramError("config", opts.stack, e.message, e.problems);
    throw e;
  }
  const model = { scenario: opts.scenario ?? DEFAULT_SCENARIO, seed: opts.seed ?? randomSeed() };
  return { job: hostJob(root, config, model), notes: config.notes };
}

/** Who a preview runs for, as the CLI fills PolicyAnalyzerOptions (pkg/engine/update.go newUpdateSource). */
function identityOfJob(job: HostJob): StackIdentity {
  return {
    organization: DIY_ORGANIZATION,
    project: job.project,
    stack: job.stack,
    // The CLI sends the decrypted config; offline a secret stays `[secret]` (never shared).
    config: job.maskedConfig,
    secretKeys: job.secretKeys,
    tags: projectTags(job.root),
    dryRun: true,
  };
}

/** The stack tags the CLI derives from Pulumi.yaml (name, runtime, description). */
function projectTags(root: string): Record<string, string> {
  try {
    const project = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
      name?: unknown;
      runtime?: unknown;
      description?: unknown;
    };
    const runtime =
      typeof project.runtime === "string" ? project.runtime : (project.runtime as { name?: unknown } | undefined)?.name;
    return projectStackTags({
      name: String(project.name ?? ""),
      ...(typeof runtime === "string" ? { runtime } : {}),
      ...(typeof project.description === "string" ? { description: project.description } : {}),
    });
  } catch {
    // The config loader already refused an unreadable project file; this is never reached for a run.
    return {};
  }
}

/** CI previews stacks that are already deployed. */
export const DEFAULT_SCENARIO: Scenario = "update";

function hostJob(root: string, config: StackConfig, model: { scenario: Scenario; seed: string }): HostJob {
  return {
    ...model,
    root,
    main: config.main,
    project: config.project,
    stack: config.stack,
    region: config.values["aws:region"] ?? "us-east-1",
    accountId: accountIdOf(config),
    config: { ...config.values },
    secretKeys: [...config.secretKeys],
    maskedConfig: maskedConfig(config),
  };
}

/**
 * The account the mocks build ARNs in: the one the stack pins (its provider's allowed account), or
 * a stable made-up one per stack so two stacks still never share an ARN.
 */
function accountIdOf(config: StackConfig): string {
  const allowed = config.values["aws:allowedAccountIds"];
  if (allowed) {
    try {
      const ids: unknown = JSON.parse(allowed);
      if (Array.isArray(ids) && typeof ids[0] === "string") return ids[0];
    } catch {
      // Not a list: fall through to the project's own key.
    }
  }
  const own = Object.entries(config.values).find(([k, v]) => k.endsWith(":awsAccountId") && /^\d{12}$/.test(v));
  if (own) return own[1];
  const digits = BigInt(`0x${createHash("sha256").update(config.stack).digest("hex").slice(0, 12)}`)
    .toString()
    .padStart(12, "0");
  return digits.slice(-12);
}

async function runHost(hosts: HostPool, job: HostJob, timeoutMs: number): Promise<StackSnapshot> {
  const outcome = await hosts.run(job, timeoutMs);
  switch (outcome.kind) {
    case "snapshot":
      return outcome.snapshot;
    case "failure": {
      const f = outcome.failure;
      if (f.kind === "config") throw new ProgramError("config", job.stack, f.message, [f.message]);
      const where = f.location ? ` at ${f.location}` : "";
      throw new ProgramError(
        "program",
        job.stack,
        `Running the program for stack "${job.stack}" failed${where}:\n  ${f.message}`,
        f.stack ? [f.stack] : [],
        f.location,
      );
    }
    case "timeout":
      throw new ProgramError(
        "program",
        job.stack,
        `The program for stack "${job.stack}" did not finish within ${timeoutMs / 1000} s (a promise that never resolves, or a resource created inside an apply that waits on itself?).`,
      );
    case "start-error":
      throw new ProgramError(
        "program",
        job.stack,
        `Could not start the offline program host for stack "${job.stack}": ${outcome.message}`,
      );
    case "exit":
      throw new ProgramError(
        "program",
        job.stack,
        `The program for stack "${job.stack}" exited (${outcome.how}) without a result${outcome.output ? `:\n${outcome.output}` : "."}`,
        outcome.output ? [outcome.output] : [],
      );
  }
}
