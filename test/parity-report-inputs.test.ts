import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { escapeRegExp } from "../policy/normalize";
import { main } from "../tools/parity/cli";
import { ParityInputError } from "../tools/parity/errors";
import { assertKnownStack, knownStacks } from "../tools/parity/offline-stacks";
import { USAGE, parseOptions } from "../tools/parity/options";

/** The parity report's inputs on small cases: its flags, the stacks it may name, and the errors it raises. */

/** Asserts `run` raises a ParityInputError (exit 2: a message for the user, no stack trace) matching `message`. */
function refuses(run: () => unknown, message: RegExp): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof ParityInputError, `not a ParityInputError: ${String(err)}`);
    assert.equal(err.name, "ParityInputError", "the name a stack trace or a log shows");
    assert.match(err.message, message);
    return true;
  });
}

describe("parity report options", () => {
  it("defaults to the offline staging and production stacks, printed for a terminal", () => {
    assert.deepEqual(parseOptions([]), {
      stagingFile: undefined,
      productionFile: undefined,
      stagingStack: "staging",
      productionStack: "production",
      knownFile: undefined,
      format: "terminal",
      width: undefined,
      writeNotes: false,
      checkNotes: false,
      help: false,
    });
  });

  it("reads every flag", () => {
    const options = parseOptions(["--staging-stack", "qa", "--production-stack", "prod", "--known-differences", "kd.yaml", "--scenario", "create", "--seed", "ab12", "--format", "markdown", "--width", "80", "--check-notes"]);
    assert.deepEqual(options, {
      stagingFile: undefined,
      productionFile: undefined,
      stagingStack: "qa",
      productionStack: "prod",
      knownFile: "kd.yaml",
      scenario: "create",
      seed: "ab12",
      format: "markdown",
      width: 80,
      writeNotes: false,
      checkNotes: true,
      help: false,
    });
    assert.equal(parseOptions(["--write-notes"]).writeNotes, true);
    assert.equal(parseOptions(["-h"]).help, true);
    assert.equal(parseOptions(["--help"]).help, true);
    assert.equal(parseOptions(["--format", "json"]).format, "json");
    assert.equal(parseOptions(["--format", "terminal"]).format, "terminal");
    assert.equal(parseOptions(["--scenario", "update"]).scenario, "update");
    assert.deepEqual([parseOptions(["--staging", "a.json", "--production", "b.json"]).stagingFile, parseOptions(["--staging", "a.json", "--production", "b.json"]).productionFile], ["a.json", "b.json"]);
  });

  it("leaves an empty --seed to the random default", () => {
    assert.equal("seed" in parseOptions(["--seed", ""]), false);
  });

  it("takes a width of one column or more, in whole columns", () => {
    assert.equal(parseOptions(["--width", "1"]).width, 1);
    for (const width of ["0", "-5", "1.5", "wide", ""]) {
      refuses(() => parseOptions([`--width=${width}`]), new RegExp(`^--width \`${width}\` is not a positive whole number of columns\\.\nFix: e\\.g\\. --width 100\\.$`));
    }
  });

  it("names the scenarios it knows", () => {
    refuses(() => parseOptions(["--scenario", "delete"]), /^Unknown --scenario `delete`\.\nFix: use --scenario update \(a deployed stack\) or --scenario create \(a first deploy\)\.$/);
  });

  it("names the missing half of a pair of export files", () => {
    refuses(() => parseOptions(["--production", "b.json"]), /^--staging is missing: export files are compared in pairs\.\nFix: pass both --staging <staging export> and --production <production export>/);
    refuses(() => parseOptions(["--staging", "a.json"]), /^--production is missing/);
  });

  it("refuses notes and offline stack names with export files", () => {
    const exports = ["--staging", "a.json", "--production", "b.json"];
    for (const flag of ["--write-notes", "--check-notes"]) {
      refuses(() => parseOptions([...exports, flag]), /^--write-notes\/--check-notes describe this repo's programs, not export files\.\nFix: run `npm run notes` without --staging\/--production\.$/);
    }
    for (const flag of ["--staging-stack", "--production-stack"]) {
      refuses(() => parseOptions([...exports, flag, "qa"]), /^--staging-stack\/--production-stack name offline stacks; export files name their own\.\nFix: drop them when comparing export files\.$/);
    }
  });

  it("refuses a stack compared with itself, named either way", () => {
    refuses(() => parseOptions(["--staging-stack", "production"]), /both `production`/);
    refuses(() => parseOptions(["--staging-stack", "qa", "--production-stack", "qa"]), /both `qa`/);
  });

  it("refuses stray arguments", () => {
    refuses(() => parseOptions(["staging"]), /Fix: see `npm run parity -- --help`\.$/);
  });
});

describe("parity report stacks", () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "parity-stacks-"));
    for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "Pulumi.dev.yaml.bak", "xPulumi.qa.yaml"]) writeFileSync(path.join(root, f), "");
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("knows the stacks that have a Pulumi.<stack>.yaml, in order", () => {
    assert.deepEqual(knownStacks(root), ["dev", "prod"]);
  });

  it("accepts a known stack and names the known ones for an unknown stack", () => {
    assertKnownStack("dev", "--staging-stack", root);
    refuses(
      () => assertKnownStack("qa", "--production-stack", root),
      new RegExp(`^Unknown stack \`qa\` \\(from --production-stack\\): there is no Pulumi\\.qa\\.yaml in ${escapeRegExp(root)}\\.\nFix: use one of \`dev\`, \`prod\`, or create Pulumi\\.qa\\.yaml with the same keys as production\\.$`),
    );
    const empty = mkdtempSync(path.join(tmpdir(), "parity-none-"));
    try {
      refuses(() => assertKnownStack("qa", "--staging-stack", empty), /Fix: use one of \(none found\), or create/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("npm run parity: exit codes and messages", () => {
  /** Runs the CLI in-process; `write` stands in for stdout, to make it fail as a bug would. */
  async function run(argv: string[], write?: (text: string) => void) {
    const out = { stdout: "", stderr: "" };
    const code = await main(argv, {
      stdout: { write: write ?? ((t: string) => (out.stdout += t)) },
      stderr: { write: (t: string) => (out.stderr += t) },
      env: {},
    });
    return { code, ...out };
  }
  const FIXTURES = path.join(__dirname, "fixtures", "parity");
  const exportArgs = ["--staging", path.join(FIXTURES, "staging.json"), "--production", path.join(FIXTURES, "production.json"), "--known-differences", path.join(FIXTURES, "known-differences.yaml")];

  it("prints the usage and exits 0 for --help, whatever else is asked", async () => {
    assert.deepEqual(await run(["--help", "--format", "json"]), { code: 0, stdout: `${USAGE}\n`, stderr: "" });
  });

  it("prints a message the other modules wrote for the user alone, exit 2", async () => {
    for (const name of ["ProgramError", "ConfigError"]) {
      const failure = Object.assign(new Error("index.ts:7: the program threw"), { name });
      const result = await run(exportArgs, () => {
        throw failure;
      });
      assert.deepEqual([result.code, result.stderr], [2, "parity: index.ts:7: the program threw\n"], name);
    }
  });

  it("reports anything else as an internal error with its stack, exit 2", async () => {
    const bug = new TypeError("cannot read properties of undefined");
    const result = await run(exportArgs, () => {
      throw bug;
    });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `parity: internal error (please report it):\n${bug.stack}\n`);
    const thrown = await run(exportArgs, () => {
      throw "a string";
    });
    assert.equal(thrown.stderr, "parity: internal error (please report it):\na string\n");
    const traceless = Object.assign(new Error("no trace"), { stack: undefined });
    const bare = await run(exportArgs, () => {
      throw traceless;
    });
    assert.equal(bare.stderr, "parity: internal error (please report it):\nno trace\n");
  });
});
