import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { escapeRegExp } from "../policy/engine/normalize";
import { applyNotes, main } from "../tools/parity/cli";
import { ParityInputError } from "../tools/parity/errors";
import { assertKnownStack, collectPair, knownStacks } from "../tools/parity/offline-stacks";
import { USAGE, parseOptions } from "../tools/parity/options";
import { SECRET_SIG, SECRET_VALUE } from "../tools/simulator/snapshot";
import { SecretMasker, containsSecret, redact } from "../tools/parity/secrets";
import { buildParityReport } from "../tools/parity/sources";
import { parseStackExport, readStackExport } from "../tools/parity/stack-export";

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
    const options = parseOptions([
      "--staging-stack",
      "qa",
      "--production-stack",
      "prod",
      "--known-differences",
      "kd.yaml",
      "--scenario",
      "create",
      "--seed",
      "ab12",
      "--format",
      "markdown",
      "--width",
      "80",
      "--check-notes",
    ]);
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
    assert.deepEqual(
      [
        parseOptions(["--staging", "a.json", "--production", "b.json"]).stagingFile,
        parseOptions(["--staging", "a.json", "--production", "b.json"]).productionFile,
      ],
      ["a.json", "b.json"],
    );
  });

  it("leaves an empty --seed to the random default", () => {
    assert.equal("seed" in parseOptions(["--seed", ""]), false);
  });

  it("takes a width of one column or more, in whole columns", () => {
    assert.equal(parseOptions(["--width", "1"]).width, 1);
    for (const width of ["0", "-5", "1.5", "wide", ""]) {
      refuses(
        () => parseOptions([`--width=${width}`]),
        new RegExp(`^--width \`${width}\` is not a positive whole number of columns\\.\nFix: e\\.g\\. --width 100\\.$`),
      );
    }
  });

  it("names the scenarios it knows", () => {
    refuses(
      () => parseOptions(["--scenario", "delete"]),
      /^Unknown --scenario `delete`\.\nFix: use --scenario update \(a deployed stack\) or --scenario create \(a first deploy\)\.$/,
    );
  });

  it("names the missing half of a pair of export files", () => {
    refuses(
      () => parseOptions(["--production", "b.json"]),
      /^--staging is missing: export files are compared in pairs\.\nFix: pass both --staging <staging export> and --production <production export>/,
    );
    refuses(() => parseOptions(["--staging", "a.json"]), /^--production is missing/);
  });

  it("refuses notes and offline stack names with export files", () => {
    const exports = ["--staging", "a.json", "--production", "b.json"];
    for (const flag of ["--write-notes", "--check-notes"]) {
      refuses(
        () => parseOptions([...exports, flag]),
        /^--write-notes\/--check-notes describe this repo's programs, not export files\.\nFix: run `npm run notes` without --staging\/--production\.$/,
      );
    }
    for (const flag of ["--staging-stack", "--production-stack"]) {
      refuses(
        () => parseOptions([...exports, flag, "qa"]),
        /^--staging-stack\/--production-stack name offline stacks; export files name their own\.\nFix: drop them when comparing export files\.$/,
      );
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
    for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "Pulumi.dev.yaml.bak", "xPulumi.qa.yaml"])
      writeFileSync(path.join(root, f), "");
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("knows the stacks that have a Pulumi.<stack>.yaml, in order", () => {
    assert.deepEqual(knownStacks(root), ["dev", "prod"]);
  });

  it("refuses to run the programs for a stack without a stack file, naming the flag", async () => {
    const refused = (flag: string, stack: string) => (err: unknown) =>
      err instanceof ParityInputError && err.message.startsWith(`Unknown stack \`${stack}\` (from ${flag})`);
    await assert.rejects(collectPair("qa", "prod", root), refused("--staging-stack", "qa"));
    await assert.rejects(collectPair("dev", "live", root), refused("--production-stack", "live"));
  });

  it("accepts a known stack and names the known ones for an unknown stack", () => {
    assertKnownStack("dev", "--staging-stack", root);
    refuses(
      () => assertKnownStack("qa", "--production-stack", root),
      new RegExp(
        `^Unknown stack \`qa\` \\(from --production-stack\\): there is no Pulumi\\.qa\\.yaml in ${escapeRegExp(root)}\\.\nFix: use one of \`dev\`, \`prod\`, or create Pulumi\\.qa\\.yaml with the same keys as production\\.$`,
      ),
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
  const exportArgs = [
    "--staging",
    path.join(FIXTURES, "staging.json"),
    "--production",
    path.join(FIXTURES, "production.json"),
    "--known-differences",
    path.join(FIXTURES, "known-differences.yaml"),
  ];

  it("looks for the stacks in this repository unless given another root", async () => {
    const { REPO_ROOT } = await import("../tools/parity/offline-stacks");
    const result = await run(["--staging-stack", "qa"]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      new RegExp(
        `^parity: Unknown stack \`qa\` \\(from --staging-stack\\): there is no Pulumi\\.qa\\.yaml in ${escapeRegExp(REPO_ROOT)}\\.`,
      ),
    );
  });

  it("says which notes it wrote, and warns only when staging also diverges", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "parity-notes-"));
    try {
      const out = { stdout: "", stderr: "" };
      const io = {
        stdout: { write: (t: string) => (out.stdout += t) },
        stderr: { write: (t: string) => (out.stderr += t) },
      };
      assert.equal(applyNotes("write", "# notes\n", path.join(dir, "n.md"), false, io), 0);
      assert.deepEqual(out, { stdout: `Wrote ${path.join("docs", "staging-notes.md")}.\n`, stderr: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

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

  it("prints the engine's own message for a stack it cannot run, exit 2", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "parity-cli-"));
    try {
      for (const f of ["Pulumi.staging.yaml", "Pulumi.production.yaml"])
        writeFileSync(path.join(root, f), "config: {}\n");
      writeFileSync(path.join(root, "known-differences.yaml"), "differences: []\n");
      let stderr = "";
      const code = await main([], {
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
        env: {},
        root,
      });
      assert.equal(code, 2);
      assert.match(stderr, /^parity: /);
      assert.doesNotMatch(stderr, /internal error|\n\s+at /);
    } finally {
      rmSync(root, { recursive: true, force: true });
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
    const nothing = await run(exportArgs, () => {
      throw undefined;
    });
    assert.equal(nothing.stderr, "parity: internal error (please report it):\nundefined\n");
    const traceless = Object.assign(new Error("no trace"), { stack: undefined });
    const bare = await run(exportArgs, () => {
      throw traceless;
    });
    assert.equal(bare.stderr, "parity: internal error (please report it):\nno trace\n");
  });
});

describe("parity report secrets", () => {
  const masker = new SecretMasker(Buffer.alloc(32, 1));
  const secret = (fields: Record<string, unknown>) => ({ [SECRET_SIG]: SECRET_VALUE, ...fields });
  const fingerprint = (v: unknown) => (masker.mask(v) as { value: string }).value;

  it("fingerprints a secret as 16 hex digits, equal for equal values whether given as a value or plaintext", () => {
    assert.match(fingerprint(secret({ value: "hunter2" })), /^\[secret:[0-9a-f]{16}\]$/);
    assert.equal(fingerprint(secret({ value: { a: 1 } })), fingerprint(secret({ plaintext: '{"a":1}' })));
    assert.notEqual(fingerprint(secret({ value: "a" })), fingerprint(secret({ value: "b" })));
  });

  it("keeps ciphertexts apart from a plaintext that happens to read the same", () => {
    assert.notEqual(fingerprint(secret({ ciphertext: "v1:abc" })), fingerprint(secret({ plaintext: "v1:abc" })));
    assert.notEqual(fingerprint(secret({ ciphertext: "v1:abc" })), fingerprint(secret({ ciphertext: "v1:abd" })));
  });

  it("still fingerprints a secret it cannot read, by its whole record", () => {
    assert.notEqual(fingerprint(secret({ other: 1 })), fingerprint(secret({ other: 2 })));
    assert.equal(fingerprint(secret({ value: undefined })), fingerprint(secret({ value: undefined })));
    assert.notEqual(fingerprint(secret({ value: undefined })), fingerprint(secret({ value: null })));
  });

  it("masks secrets at any depth and leaves everything else as it was", () => {
    const masked = masker.mask({
      list: [1, "x", null, secret({ value: "s" })],
      nested: { deep: secret({ value: "s" }) },
      n: 0,
    });
    const hidden = secret({ value: fingerprint(secret({ value: "s" })) });
    assert.deepEqual(masked, { list: [1, "x", null, hidden], nested: { deep: hidden }, n: 0 });
  });

  it("finds a secret anywhere in a value, wrapper or fingerprint, and nowhere else", () => {
    const token = fingerprint(secret({ value: "s" }));
    assert.equal(containsSecret(secret({ value: "s" })), true);
    assert.equal(containsSecret(`postgres://u:${token}@db`), true);
    assert.equal(containsSecret([1, [token]]), true);
    assert.equal(containsSecret({ a: { b: token } }), true);
    assert.equal(containsSecret({ plain: 1, hidden: token }), true, "one secret among plain values");
    assert.equal(containsSecret([1, token]), true);
    assert.equal(containsSecret({ a: ["[secret]", "[secret:xyz]"], b: 1, c: null }), false);
  });

  it("redacts every fingerprint in a string, at any depth", () => {
    const a = fingerprint(secret({ value: "a" }));
    const b = fingerprint(secret({ value: "b" }));
    assert.deepEqual(redact({ list: [`${a}:${b}`, 3], o: { s: secret({ value: "x" }) }, n: null }), {
      list: ["[secret]:[secret]", 3],
      o: { s: "[secret]" },
      n: null,
    });
  });
});

describe("parity report sources", () => {
  const FIXTURES = path.join(__dirname, "fixtures", "parity");
  const STAGING = path.join(FIXTURES, "staging.json");
  const PRODUCTION = path.join(FIXTURES, "production.json");
  const masker = new SecretMasker();
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "parity-sources-"));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("says why an export file cannot be read, and how to write it again", () => {
    const dir = path.join(tmp, "a-directory.json");
    mkdirSync(dir);
    refuses(
      () => readStackExport(dir, "production", masker),
      new RegExp(
        `^The production export \`${escapeRegExp(dir)}\` cannot be read \\(EISDIR\\)\\.\nFix: check the path, or write the file with \`pulumi stack export --stack NAME --file FILE\`\\.$`,
      ),
    );
  });

  it("tells how to export a file that is not an export", () => {
    refuses(
      () => parseStackExport({ steps: [] }, "preview.json", "staging", masker),
      /^The staging export `preview\.json` is not a `pulumi stack export` file.*\.\nFix: pass the file `pulumi stack export` writes; run `pulumi stack export --stack <staging stack> --file preview\.json`\.$/s,
    );
  });

  it("keeps a byte-order mark inside a value (a leading one is refused: test/conformance/exports.test.ts)", () => {
    const file = path.join(tmp, "bom-inside.json");
    const urn = "urn:pulumi:staging::parity::aws:sqs/queue:Queue::q";
    writeFileSync(
      file,
      JSON.stringify({
        version: 3,
        deployment: {
          manifest: {},
          resources: [{ urn, type: "aws:sqs/queue:Queue", custom: true, inputs: { name: "a\uFEFFb" } }],
        },
      }),
    );
    const [queue] = readStackExport(file, "staging", masker).resources;
    assert.equal(queue.inputs["name"], "a\uFEFFb");
  });

  it("lets a fault in the reader itself through as the bug it is", () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new TypeError("reader bug");
        },
        has: () => {
          throw new TypeError("reader bug");
        },
      },
    );
    assert.throws(
      () => parseStackExport(hostile, "x.json", "staging", masker),
      (err: unknown) => err instanceof TypeError && !(err instanceof ParityInputError),
    );
  });

  it("refuses exports of two different projects, naming both", async () => {
    const other = path.join(tmp, "other-project.json");
    writeFileSync(other, readFileSync(PRODUCTION, "utf8").replaceAll("::parity::", "::billing::"));
    await assert.rejects(
      buildParityReport(
        parseOptions([
          "--staging",
          STAGING,
          "--production",
          other,
          "--known-differences",
          path.join(FIXTURES, "known-differences.yaml"),
        ]),
        tmp,
      ),
      (err: unknown) =>
        err instanceof ParityInputError &&
        err.message ===
          `The exports belong to different projects: \`${STAGING}\` to \`parity\`, \`${other}\` to \`billing\`.\nFix: export two stacks of the same project.`,
    );
  });

  it("reads known-differences.yaml from the repository root unless told otherwise, as a user error when it is missing", async () => {
    await assert.rejects(
      buildParityReport(parseOptions(["--staging", STAGING, "--production", PRODUCTION]), tmp),
      (err: unknown) => {
        assert.ok(err instanceof ParityInputError);
        assert.match(err.message, new RegExp(escapeRegExp(path.join(tmp, "known-differences.yaml"))));
        return true;
      },
    );
    writeFileSync(
      path.join(tmp, "known-differences.yaml"),
      readFileSync(path.join(FIXTURES, "known-differences.yaml")),
    );
    const report = await buildParityReport(parseOptions(["--staging", STAGING, "--production", PRODUCTION]), tmp);
    const { notes, ...staging } = report.source.staging;
    assert.deepEqual(
      { ...report.source, staging },
      {
        kind: "export",
        project: "parity",
        staging: { stack: "staging", file: STAGING },
        production: { stack: "production", file: PRODUCTION },
      },
    );
    assert.match(
      notes?.join("\n") ?? "",
      /^8 export secrets redacted .*neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set/,
      "staging's fixture holds passphrase ciphertexts",
    );
    assert.ok(
      report.presence.some((p) => p.declaredBy === "seeded-accounts"),
      "with the declarations of the root's file",
    );
    rmSync(path.join(tmp, "known-differences.yaml"));
  });

  it("runs this repo's programs, not export files, when no export is given", async () => {
    const root = path.join(tmp, "no-program");
    mkdirSync(root);
    for (const f of ["Pulumi.staging.yaml", "Pulumi.production.yaml"])
      writeFileSync(path.join(root, f), "config: {}\n");
    writeFileSync(path.join(root, "known-differences.yaml"), "differences: []\n");
    // No Pulumi.yaml: the engine refuses the stack's config before starting a program.
    await assert.rejects(
      buildParityReport(parseOptions([]), root),
      (err: unknown) => err instanceof Error && err.name === "ProgramError",
    );
  });

  it("checks the offline stack names before anything else", async () => {
    const root = path.join(tmp, "repo");
    mkdirSync(root);
    const unknown = (flag: string) => (err: unknown) =>
      err instanceof ParityInputError &&
      err.message.startsWith("Unknown stack") &&
      err.message.includes(`(from ${flag})`);
    await assert.rejects(buildParityReport(parseOptions([]), root), unknown("--staging-stack"));
    writeFileSync(path.join(root, "Pulumi.staging.yaml"), "");
    await assert.rejects(buildParityReport(parseOptions([]), root), unknown("--production-stack"));
  });
});
