/**
 * Child-process entry point of the offline preview: runs the Pulumi program on the mock runtime, the
 * way the language host runs it under `pulumi preview`, and sends the recorded stack back to the
 * parent over IPC.
 *
 * A host runs one job at a time and, after a clean run, may take another (host-pool.ts): loading the
 * SDK and the AWS provider SDK is most of a run's cost. Each job runs the way the Automation API's
 * language server runs an inline program (automation/server.ts): inside `withLocalStorage`, a fresh
 * runtime store with its own config, stack resource, monitor and error count. The project's own
 * modules are evaluated anew for every job, as a fresh language host would; the SDKs stay loaded. A
 * job that fails ends the host, so nothing a broken program left behind reaches another job.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as sdkState from "@pulumi/pulumi/runtime/state";
import { RealisticMocks } from "./mocks";
import { deferSourceMapping, mappedStack } from "./lazy-stacks";
import { attachRecorder, waitForRPCs } from "./recorder";
import type { HostFailure, HostJob, HostMessage, ParentMessage } from "./host-protocol";
import type { StackSnapshot } from "./snapshot";

function send(message: HostMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send)
      return reject(new Error("program-host: no IPC channel; run it through tools/simulator/engine.ts"));
    process.send(message, undefined, {}, (e) => (e ? reject(e) : resolve()));
  });
}

/** The job running now; exceptions outside any job's promise chain are charged to it. */
let current: { readonly job: HostJob; readonly loggedErrors: string[]; failed: boolean } | undefined;

async function fail(error: unknown): Promise<void> {
  if (!current || current.failed) return;
  current.failed = true;
  await send({ kind: "failure", failure: describeFailure(error, current.job.root) }).catch(() => undefined);
  process.exit(1);
}

// Unhandled rejections are how a failing `apply` surfaces; the CLI treats them as program errors too.
process.on("uncaughtException", (e) => void fail(e));
process.on("unhandledRejection", (e) => void fail(e));
// The parent went away (it exited, or released an idle host): nothing more will come.
process.on("disconnect", () => process.exit(0));

/** What the program logged with `pulumi.log.error` (without an engine the SDK prints it). */
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  const text = args.map(String).join(" ");
  if (current && text.startsWith("error: ")) current.loggedErrors.push(text.replace(/^error: (\[runtime\] )?/, ""));
  consoleError(...args);
};

/**
 * Runs `run` with a runtime store of its own, as the Automation API's language server runs each
 * inline program. The SDK marks it internal (its typings omit it), hence the cast.
 */
function withLocalStorage<T>(run: () => Promise<T>): Promise<T> {
  const internal = sdkState as unknown as { withLocalStorage?: <R>(run: () => R) => R };
  if (typeof internal.withLocalStorage !== "function") {
    throw new Error("offline preview: this @pulumi/pulumi has no runtime withLocalStorage; pin @pulumi/pulumi ^3.248");
  }
  return internal.withLocalStorage(run);
}

deferSourceMapping();
/** Everything loaded before the first job (this host, the SDKs): never evaluated again. */
const hostModules = new Set(Object.keys(require.cache));

process.on("message", (message: ParentMessage) => {
  if (message.kind !== "job") return;
  const job = message.job;
  current = { job, loggedErrors: [], failed: false };
  withLocalStorage(() => runJob(job))
    .then(async (snapshot) => {
      if (!snapshot || current?.failed) return;
      current = undefined;
      await send({ kind: "snapshot", snapshot });
    })
    .catch((e) => fail(e));
});

async function runJob(job: HostJob): Promise<StackSnapshot | undefined> {
  forgetProjectModules(job.root);
  // The CLI runs the program from the project directory with the stack's config in its environment.
  process.chdir(job.root);
  pulumi.runtime.setAllConfig(job.config, job.secretKeys);
  const mocks = new RealisticMocks({
    stack: job.stack,
    region: job.region,
    accountId: job.accountId,
    scenario: job.scenario,
    seed: job.seed,
  });
  await pulumi.runtime.setMocks(mocks, job.project, job.stack, /* preview */ true);
  const recorder = attachRecorder(job.project, job.stack, {
    check: (type, name, inputs, provider) => mocks.check(type, name, inputs, provider),
    scenario: mocks.scenario,
    seed: mocks.seed,
  });
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
  if (!current || current.failed) return undefined;
  // Errors the engine would turn into a failed preview even though the program itself carried on.
  const reported = [...recorder.refused, ...current.loggedErrors];
  if (reported.length > 0 || pulumi.log.hasErrors()) {
    await fail(new Error(reported.join("\n") || "the program logged an error (see its output)"));
    return undefined;
  }
  return recorder.snapshot(job.maskedConfig);
}

/**
 * Drops the project's modules (anything outside node_modules that this host did not load itself)
 * from the module cache, so the next `require` evaluates the program afresh, as a new process would.
 */
function forgetProjectModules(root: string): void {
  for (const file of Object.keys(require.cache)) {
    if (hostModules.has(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if (file.startsWith(root)) delete require.cache[file];
  }
}

/** Classifies an exception: the config validator's own error, or a program error with file:line. */
function describeFailure(error: unknown, root: string): HostFailure {
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === "ConfigError") return { kind: "config", message: err.message };
  const stack = mappedStack(err);
  return { kind: "program", message: err.message, location: programLocation(stack, root), stack };
}

/** The first stack frame in the project's own code (not the SDK, not this engine). */
function programLocation(stack: string | undefined, root: string): string | undefined {
  const engineDir = path.resolve(__dirname);
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const match = /\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const file = match[1];
    if (file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith(engineDir) || !file.startsWith(root))
      continue;
    return `${path.relative(root, file)}:${match[2]}`;
  }
  return undefined;
}
