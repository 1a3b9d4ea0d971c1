import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";

/** The runner's source: one self-contained module, typed and tested like the rest of the program. */
export const RUNNER_SOURCE_FILE = path.join(__dirname, "handler.ts");

/**
 * The runner as Lambda runs it: `handler.ts` transpiled to CommonJS `index.js` (Node 22 runs it; the
 * runtime provides `@aws-sdk/client-ecs`). Transpiled in-process, with no network and no build step,
 * so the offline preview and a real `pulumi up` ship the same bytes.
 */
export function runnerJavaScript(): string {
  const source = fs.readFileSync(RUNNER_SOURCE_FILE, "utf8");
  const out = ts.transpileModule(source, {
    fileName: RUNNER_SOURCE_FILE,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, removeComments: false },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(`migration runner: ${RUNNER_SOURCE_FILE} does not transpile: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`);
  return out.outputText;
}

/** The function's code asset: `index.js` with `exports.handler`. */
export function runnerCode(): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(runnerJavaScript()) });
}
