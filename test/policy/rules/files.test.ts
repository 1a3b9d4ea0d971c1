import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { knownDifferencesFor, lockFor, ParityFileError, projectFile } from "../../../policy/pack/files";
import type { StackSnapshot } from "../../../tools/simulator/snapshot";
import { runRules } from "../../support/rule-harness";
import { bothSnapshots } from "../harness";
import { projectCopy, projectTempDir } from "../temp-file";

/**
 * The files a policy run compares against: confined to the project whatever the policy config says,
 * read once per file, and a problem in one is reported as the one clear message it is.
 */

const ROOT = path.resolve(__dirname, "../../..");

describe("the pack's files (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;

  before(async () => {
    [staging] = await bothSnapshots();
  });

  describe("projectFile", () => {
    it("resolves a relative path from the project root, and the default when none is given", () => {
      assert.equal(
        projectFile("lockFile", "parity.lock.json", "x.json"),
        fs.realpathSync(path.join(ROOT, "parity.lock.json")),
      );
      assert.equal(
        projectFile("lockFile", undefined, path.join(ROOT, "parity.lock.json")),
        fs.realpathSync(path.join(ROOT, "parity.lock.json")),
      );
    });

    it("passes a missing file inside the project through, for the reader to say it is missing", () => {
      assert.equal(projectFile("lockFile", "no-such.json", "x.json"), path.join(ROOT, "no-such.json"));
    });

    it("refuses a path outside the project, a `..` escape and the root itself, naming the key and the fix", () => {
      for (const given of ["/etc/passwd", "../outside.json", ".", ".."]) {
        assert.throws(
          () => projectFile("knownDifferencesFile", given, "known-differences.yaml"),
          (e: Error) => {
            assert.ok(e instanceof ParityFileError);
            assert.equal(e.name, "ParityFileError");
            assert.equal(e.stack, e.message, "the SDK forwards the stack: it is the message alone");
            assert.match(
              e.message,
              new RegExp(
                `^policy config \`knownDifferencesFile\` "${given.replace(/\./g, "\\.")}" is outside the project \\(${ROOT.replace(/\//g, "\\/")}\\): the pack reads only the project's own files\\. Fix: point \`knownDifferencesFile\` at a file inside the project, relative to ${ROOT.replace(/\//g, "\\/")} \\(e\\.g\\. "known-differences\\.yaml"\\)\\.$`,
              ),
            );
            return true;
          },
        );
      }
    });

    it("accepts a name that only starts with `..`", () => {
      assert.equal(projectFile("lockFile", "..lock.json", "x.json"), path.join(ROOT, "..lock.json"));
    });

    it("refuses a link inside the project to a file outside it", () => {
      const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parity-outside-")), "lock.json");
      fs.writeFileSync(outside, "{}");
      const link = path.join(projectTempDir("link-"), "lock.json");
      fs.symlinkSync(outside, link);
      assert.throws(
        () => projectFile("lockFile", link, "x.json"),
        /^ParityFileError: policy config `lockFile` ".*lock\.json" is a link to a file outside the project \(.*\): the pack reads only the project's own files\. Fix: point `lockFile` at a file inside the project/,
      );
    });

    it("takes a root of its own (as the lock writer does)", () => {
      const root = projectTempDir("root-");
      assert.equal(projectFile("lockFile", "a.json", "x.json", root), path.join(root, "a.json"));
      assert.throws(
        () => projectFile("lockFile", path.join(ROOT, "parity.lock.json"), "x.json", root),
        /is outside the project/,
      );
    });
  });

  describe("reading", () => {
    it("reads the lock and the declarations once per file", () => {
      const lockFile = path.join(projectTempDir("once-"), "lock.json");
      fs.copyFileSync(path.join(ROOT, "parity.lock.json"), lockFile);
      const first = lockFor({ lockFile });
      fs.writeFileSync(lockFile, "not json any more");
      assert.equal(lockFor({ lockFile }), first);
      // A fresh copy: the default file may already be cached by an earlier test in this process.
      const knownDifferencesFile = projectCopy("known-differences.yaml", (t) => t);
      const known = knownDifferencesFor({ knownDifferencesFile });
      assert.ok(known.some((d) => d.id === "payments-sandbox"));
      fs.writeFileSync(knownDifferencesFile, "not: [valid");
      assert.equal(knownDifferencesFor({ knownDifferencesFile }), known);
      assert.throws(
        () => knownDifferencesFor({ knownDifferencesFile: "/etc/passwd" }),
        /^ParityFileError: policy config `knownDifferencesFile` "\/etc\/passwd" is outside the project/,
      );
    });

    it("reports a broken lock as one clear message, not a JavaScript error", () => {
      const lockFile = path.join(projectTempDir("broken-"), "lock.json");
      fs.writeFileSync(lockFile, "{ not json");
      assert.throws(
        () => lockFor({ lockFile }),
        (e: Error) => {
          assert.ok(e instanceof ParityFileError, String(e));
          assert.equal(e.stack, e.message);
          assert.match(e.message, /lock\.json/);
          return true;
        },
      );
    });

    it("fails the policy run with that message when the config points outside the project", async () => {
      await assert.rejects(
        runRules(staging, { only: ["stack-parity"], config: { "stack-parity": { lockFile: "/etc/passwd" } } }),
        (e: Error) => {
          assert.match(e.message, /policy 'stack-parity'/);
          assert.match(e.message, /policy config `lockFile` "\/etc\/passwd" is outside the project/);
          assert.doesNotMatch(e.message, /\n\s+at /, "no JavaScript stack");
          return true;
        },
      );
    });
  });
});
