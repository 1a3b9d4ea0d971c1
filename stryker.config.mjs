// Mutation testing (`npm run mutate`), never in CI: a full run takes far longer than the suite.
// This config covers code the tests call in mocha's own process, so Stryker's per-test coverage
// picks the few tests that can kill each mutant. stryker.rules.config.mjs covers the pack's rules (in process too),
// stryker.pack.config.mjs the pack's entry files, which run only in the pack's process.
//
// The incremental file lives in .parity/ (git-ignored, beside the TypeScript cache): it records
// results for one working tree's exact sources and test names, so a committed copy would be stale
// after every merge and conflict between branches; bench/mutation.md is the committed record.

import { createRequire } from "node:module";
import process from "node:process";

const shim = createRequire(import.meta.url).resolve("./test/mutation/mocha12-cjs.cjs");
// Every Stryker process loads the mocha runner plugin (this one, the checkers, the test runners):
// this one now, the others through the environment they inherit.
createRequire(import.meta.url)(shim);
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(shim)}`.trim();

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export const base = {
  testRunner: "mocha",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Two cores on developers' machines and CI's: more runners only queue.
  concurrency: 2,
  incremental: true,
  // On top of each test's own time: an infinite-loop mutant (a wrap loop) then costs seconds, not a
  // minute, and is still counted as detected.
  timeoutMS: 10000,
  tempDirName: ".stryker-tmp",
  // Stryker would otherwise prepend `// @ts-nocheck` to test files, fixtures included, which shifts
  // the fixture program's line numbers that tests assert; ts-node runs transpile-only anyway.
  disableTypeChecks: false,
  reporters: ["clear-text", "progress", "html", "json"],
  mochaOptions: {
    config: ".mocharc.json",
    spec: ["test/**/*.test.ts"],
    // It validates Pulumi.yaml against a schema kept beside the repo, which Stryker's sandbox has not.
    ignore: ["test/project.test.ts"],
    // test/hooks.ts as in .mocharc.json (this list replaces it): the shared snapshots, hosts and packs
    // are released after each run, so none outlives the mutant it was made under.
    require: ["ts-node/register/transpile-only", "./test/hooks.ts", "./test/mutation/child-mutants.ts"],
  },
};

const out = ".parity/mutation";

export default {
  ...base,
  mutate: [
    "config/**/*.ts",
    "policy/engine/compare.ts",
    "policy/engine/elements.ts",
    "policy/engine/contract.ts",
    "policy/engine/flatten.ts",
    "policy/engine/known-differences.ts",
    "policy/engine/lock.ts",
    "policy/engine/normalize.ts",
    "policy/engine/shared-secrets.ts",
    "policy/engine/show-value.ts",
    "tools/simulator/stack-config.ts",
    "tools/parity/**/*.ts",
    "tools/smoke/checks.ts",
  ],
  coverageAnalysis: "perTest",
  // A module-level mutant needs a fresh process and the whole suite per mutant; see bench/mutation.md.
  ignoreStatic: true,
  incrementalFile: `${out}/in-process-incremental.json`,
  htmlReporter: { fileName: `${out}/in-process.html` },
  jsonReporter: { fileName: `${out}/in-process.json` },
};
