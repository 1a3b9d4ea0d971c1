// Mutation testing (`npm run mutate`), never in CI: one config per place the mutated code runs, each
// with the tests that reach it there (bench/mutation.md has the table and the scores):
//
// - this file: config/ (the program's settings and AWS rules), with its unit tests, in mocha's own
//   process;
// - stryker.engine.config.mjs: the comparison engine (policy/engine/), with its unit tests;
// - stryker.policy.config.mjs: the pack's helpers and rules, in process through
//   test/support/rule-harness.ts;
// - stryker.static.config.mjs: the files of module-level constants only (types.ts, pack/docs.ts);
// - stryker.pack.config.mjs: the pack's entry files, which run only in the pack server's process;
// - stryker.tools.config.mjs: tools/ (`npm run mutate:tools`), whose tests run CLIs and programs.
//
// No type-checker: on this project's types (@pulumi/aws's declarations) it cost more per mutant than
// the tests it spared, and it shared the two cores with the test runners (measured in bench/mutation.md).
// A mutant that would not compile runs as the JavaScript ts-node's transpile-only mode makes of it, and
// counts as killed or survived like any other.
//
// The incremental files live in .parity/ (git-ignored, beside the TypeScript cache): they record
// results for one working tree's exact sources and test names, so a committed copy would be stale
// after every merge and conflict between branches; bench/mutation.md is the committed record.

import { createRequire } from "node:module";
import process from "node:process";

const shim = createRequire(import.meta.url).resolve("./test/mutation/mocha12-cjs.cjs");
// Every Stryker process loads the mocha runner plugin (this one and the test runners): this one
// now, the test runners through the environment they inherit.
createRequire(import.meta.url)(shim);
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(shim)}`.trim();

export const out = ".parity/mutation";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export const base = {
  testRunner: "mocha",
  checkers: [],
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
  // Per-test coverage: each mutant runs only the tests that reached it. A mutant in module-level code
  // (a constant regex, a table) is reached by no test, needs a fresh process and the whole suite,
  // and is left out of the scores (Stryker reports it as ignored); see bench/mutation.md.
  coverageAnalysis: "perTest",
  ignoreStatic: true,
  reporters: ["clear-text", "progress", "html", "json"],
  mochaOptions: {
    config: ".mocharc.json",
    // In-process configs: no test/hooks.ts (these tests start no program host or pack server).
    require: ["ts-node/register/transpile-only"],
  },
};

/**
 * The configs whose tests start child processes (the pack server, the program hosts, the CLIs):
 * test/mutation/child-mutants.ts hands each child the active mutant, and test/hooks.ts releases the
 * shared hosts and pack servers after every run, so none outlives the mutant it was made under.
 */
export const withChildProcesses = {
  require: ["ts-node/register/transpile-only", "./test/hooks.ts", "./test/mutation/child-mutants.ts"],
};

/** A config's own report and incremental files, named `name` under .parity/mutation/. */
export function outputs(name) {
  return {
    incrementalFile: `${out}/${name}-incremental.json`,
    htmlReporter: { fileName: `${out}/${name}.html` },
    jsonReporter: { fileName: `${out}/${name}.json` },
  };
}

export default {
  ...base,
  mutate: ["config/**/*.ts"],
  mochaOptions: {
    ...base.mochaOptions,
    spec: ["test/settings.test.ts", "test/settings-stack-file.test.ts", "test/aws-rules.test.ts"],
  },
  ...outputs("config"),
};
