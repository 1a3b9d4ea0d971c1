/**
 * Child-process entry point of the offline preview: runs the Pulumi program once on the mock runtime,
 * the way the language host runs it under `pulumi preview`, and sends the recorded stack back to the
 * parent over IPC. A fresh process per stack because the SDK's runtime state is process-global.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RealisticMocks } from "./mocks";
import { deferSourceMapping, mappedStack } from "./lazy-stacks";
import { attachRecorder, waitForRPCs } from "./recorder";
import type { HostJob, HostMessage, HostFailure } from "./host-protocol";

function send(message: HostMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve());
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

let failed = false;
async function fail(error: unknown): Promise<void> {
  if (failed) return;
  failed = true;
  await send({ kind: "failure", failure: describeFailure(error, job.root) });
  process.exit(1);
}

const job: HostJob = JSON.parse(process.env["PARITY_OFFLINE_JOB"] ?? "null");
if (!job) throw new Error("program-host: PARITY_OFFLINE_JOB is not set; run it through tools/offline/engine.ts");

// Unhandled rejections are how a failing `apply` surfaces; the CLI treats them as program errors too.
process.on("uncaughtException", (e) => void fail(e));
process.on("unhandledRejection", (e) => void fail(e));

/** What the program logged with `pulumi.log.error` (without an engine the SDK prints it). */
const loggedErrors: string[] = [];
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  const text = args.map(String).join(" ");
  if (text.startsWith("error: ")) loggedErrors.push(text.replace(/^error: (\[runtime\] )?/, ""));
  consoleError(...args);
};

async function main(): Promise<void> {
  deferSourceMapping();
  // The CLI runs the program from the project directory with the stack's config in its environment.
  process.chdir(job.root);
  pulumi.runtime.setAllConfig(job.config, job.secretKeys);
  await pulumi.runtime.setMocks(
    new RealisticMocks({ stack: job.stack, seed: job.mockSeed, region: job.region, accountId: job.accountId }),
    job.project,
    job.stack,
    /* preview */ true,
  );
  const recorder = attachRecorder(job.project, job.stack);
  const program = path.resolve(job.root, job.main);
  // Like the language host: the module's exports become the root Stack resource's outputs.
  await pulumi.runtime.runInPulumiStack(async () => {
    // The language host loads the program with require (CommonJS), so the engine does too.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported: unknown = require(program);
    return typeof exported === "function" ? await (exported as () => unknown)() : exported;
  });
  // Outputs resolve on later turns; the SDK counts every outstanding RPC, so wait until none is left.
  await waitForRPCs();
  if (failed) return;
  // Errors the engine would turn into a failed preview even though the program itself carried on.
  const reported = [...recorder.refused, ...loggedErrors];
  if (reported.length > 0 || pulumi.log.hasErrors()) {
    await fail(new Error(reported.join("\n") || "the program logged an error (see its output)"));
    return;
  }
  await send({ kind: "snapshot", snapshot: recorder.snapshot(job.maskedConfig) });
  process.exit(0);
}

main().catch((e) => fail(e));

/** Classifies an exception: the config validator's own error, or a program error with file:line. */
function describeFailure(error: unknown, root: string): HostFailure {
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === "ConfigError") return { kind: "config", message: err.message };
  const stack = mappedStack(err);
  return { kind: "program", message: err.message, location: programLocation(stack, root), stack };
}

/** The first stack frame in the project's own code (not the SDK, not this engine). */
export function programLocation(stack: string | undefined, root: string): string | undefined {
  const engineDir = path.resolve(__dirname);
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const match = /\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const file = match[1];
    if (file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith(engineDir) || !file.startsWith(root)) continue;
    return `${path.relative(root, file)}:${match[2]}`;
  }
  return undefined;
}
