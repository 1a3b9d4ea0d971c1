import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as TypeScript from "typescript";

/**
 * The runner's source: one self-contained module, typed and tested like the rest of the program. It
 * runs in Lambda, not in the Pulumi program, so it lives in functions/ beside no component.
 */
export const RUNNER_SOURCE_FILE = path.resolve(__dirname, "..", "..", "functions", "migration-runner", "handler.ts");

/** Transpiled runners, by source and compiler: loading TypeScript costs a preview half a second. */
const CACHE_DIR = path.resolve(__dirname, "..", "..", ".parity", "runner-cache");

/**
 * The runner as Lambda runs it: `functions/migration-runner/handler.ts` transpiled to CommonJS
 * `index.js` (Node 22 runs it; the runtime provides `@aws-sdk/client-ecs`). Transpiled in-process, with no network and no build step,
 * so the offline preview and a real `pulumi up` ship the same bytes; the result is cached on disk by
 * the source's and the compiler's hash, and TypeScript is loaded only on a miss.
 */
export function runnerJavaScript(): string {
  const source = fs.readFileSync(RUNNER_SOURCE_FILE, "utf8");
  const version = (
    JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")) as { version: string }
  ).version;
  const cached = path.join(CACHE_DIR, `${createHash("sha256").update(`${version}\0${source}`).digest("hex")}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const js = transpile(source);
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      fs.writeFileSync(cached, js);
    } catch {
      // A read-only checkout still deploys: the cache only saves time.
    }
    return js;
  }
}

function transpile(source: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("typescript") as typeof TypeScript;
  const out = ts.transpileModule(source, {
    fileName: RUNNER_SOURCE_FILE,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, removeComments: false },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0)
    throw new Error(
      `migration runner: ${RUNNER_SOURCE_FILE} does not transpile: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`,
    );
  return out.outputText;
}

/** The function's code asset: `index.js` with `exports.handler`. */
export function runnerCode(): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(runnerJavaScript()) });
}
