// @ts-check
"use strict";
/**
 * A require hook for `.ts` files with an on-disk transpile cache (node -r ./tools/simulator/ts-cache.js).
 *
 * Why: every offline preview starts fresh processes (one per stack, one for the policy pack), and in
 * each ts-node spent more CPU loading TypeScript and transpiling than the program took to run. The
 * emit is the same transpile-only output (no type check: `npm run typecheck` does that), keyed by
 * the TypeScript version, the options, the file name and its contents, so a changed file is always
 * recompiled; TypeScript itself is loaded only on a cache miss.
 *
 * Plain JavaScript on purpose: this file is what makes TypeScript loadable, so it cannot be TypeScript.
 * Source maps are inlined and kept per file, so stack positions can be mapped back to `.ts` lines
 * (see lazy-stacks.ts).
 */
// V8's compiled code for every module (the SDK alone is megabytes of JavaScript) is cached on disk too.
require("v8-compile-cache");
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const CACHE_DIR = process.env["PARITY_TS_CACHE_DIR"] || path.join(ROOT, ".parity", "ts-cache");
/** The emit-relevant options of tsconfig.json, plus inline source maps. */
const COMPILER_OPTIONS = {
  module: "commonjs",
  target: "ES2022",
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
};
const TS_VERSION = readTypeScriptVersion();
const OPTIONS_KEY = `${TS_VERSION}\0${JSON.stringify(COMPILER_OPTIONS)}`;

/** @type {any} */
let ts;

function readTypeScriptVersion() {
  try {
    return JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

/** @param {string} source @param {string} filename */
function transpile(source, filename) {
  const key = crypto.createHash("sha256").update(`${OPTIONS_KEY}\0${filename}\0${source}`).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // A miss: compile below.
  }
  ts ??= require("typescript");
  const output = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: ts.convertCompilerOptionsFromJson(COMPILER_OPTIONS, ROOT).options,
    reportDiagnostics: false,
  }).outputText;
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename, so concurrent processes never read a half-written file.
    const temp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temp, output);
    fs.renameSync(temp, cached);
  } catch {
    // A read-only checkout still works, just without the cache.
  }
  return output;
}

/**
 * Each compiled file's emitted JavaScript (which carries its inline source map), for mapping stack
 * positions back to `.ts` lines: the compile cache bypasses Node's own source-map collection.
 * @type {Map<string, string>}
 */
const emitted = new Map();
/** @type {any} */ (globalThis)[Symbol.for("parity.tsEmitted")] = emitted;

/** @type {Record<string, (module: any, filename: string) => void>} */
const extensions = /** @type {any} */ (Module)._extensions;
extensions[".ts"] = (module, filename) => {
  const output = transpile(fs.readFileSync(filename, "utf8"), filename);
  emitted.set(filename, output);
  module._compile(output, filename);
};
