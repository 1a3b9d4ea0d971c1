import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { HostJob, HostMessage } from "./host-protocol";
import type { StackSnapshot } from "./snapshot";
import { loadStackConfigWithSecrets, maskedConfig, StackConfig, StackConfigError } from "./stack-config";

/**
 * The offline preview engine: loads a stack's config the way the Pulumi CLI does, runs the program in
 * a child process on Pulumi's mock runtime with realistic provider outputs, and returns every resource
 * the engine would have been asked to register. No CLI, no cloud, no credentials.
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
  /** Kill the program after this long (default 120 s): a hung program is an error, not a wait. */
  timeoutMs?: number;
  /**
   * Seed the mocks' generated ids and secrets with this instead of the stack name (tests): two stacks
   * with one seed get the same provider-made values, as if they shared resources.
   */
  mockSeed?: string;
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
const HOST = path.join(__dirname, "program-host.ts");
export const TS_CACHE = path.join(__dirname, "ts-cache.js");
const DEFAULT_TIMEOUT_MS = 120_000;

export async function collectStack(opts: CollectOptions): Promise<StackSnapshot> {
  const root = path.resolve(opts.root ?? REPO_ROOT);
  let config: StackConfig;
  try {
    // As the CLI: a passphrase stack's `secure:` values are decrypted when PULUMI_CONFIG_PASSPHRASE(_FILE) is set.
    config = await loadStackConfigWithSecrets({ root, stack: opts.stack, stackFile: opts.stackFile, configOverrides: opts.configOverrides });
  } catch (e) {
    if (e instanceof StackConfigError) throw new ProgramError("config", opts.stack, e.message, e.problems);
    throw e;
  }
  const snapshot = await runHost({ ...hostJob(root, config), ...(opts.mockSeed === undefined ? {} : { mockSeed: opts.mockSeed }) }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return config.notes.length > 0 ? { ...snapshot, notes: config.notes } : snapshot;
}

function hostJob(root: string, config: StackConfig): HostJob {
  return {
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
  const digits = BigInt(`0x${createHash("sha256").update(config.stack).digest("hex").slice(0, 12)}`).toString().padStart(12, "0");
  return digits.slice(-12);
}

function runHost(job: HostJob, timeoutMs: number): Promise<StackSnapshot> {
  return new Promise((resolve, reject) => {
    const child = fork(HOST, [], {
      cwd: job.root,
      // The program is compiled transpile-only, as ts-node would, but through a disk cache.
      execArgv: ["-r", TS_CACHE],
      env: { ...process.env, PARITY_OFFLINE_JOB: JSON.stringify(job) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "advanced",
    });
    let stderr = "";
    let stdout = "";
    let message: HostMessage | undefined;
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("message", (m: HostMessage) => (message ??= m));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new ProgramError("program", job.stack, `The program for stack "${job.stack}" did not finish within ${timeoutMs / 1000} s (a promise that never resolves, or a resource created inside an apply that waits on itself?).`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new ProgramError("program", job.stack, `Could not start the offline program host for stack "${job.stack}": ${e.message}`));
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (message?.kind === "snapshot") return resolve(message.snapshot);
      if (message?.kind === "failure") {
        const f = message.failure;
        if (f.kind === "config") return reject(new ProgramError("config", job.stack, f.message, [f.message]));
        const where = f.location ? ` at ${f.location}` : "";
        const text = `Running the program for stack "${job.stack}" failed${where}:\n  ${f.message}`;
        return reject(new ProgramError("program", job.stack, text, f.stack ? [f.stack] : [], f.location));
      }
      const output = (stderr || stdout).trim();
      reject(new ProgramError("program", job.stack, `The program for stack "${job.stack}" exited (${signal ?? `code ${code}`}) without a result${output ? `:\n${output}` : "."}`, output ? [output] : []));
    });
  });
}
