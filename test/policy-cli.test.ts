import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exitCode, EXIT, parsePolicyCli, runPolicy, toJson, UsageError } from "../tools/policy";
import { mandatory, pack } from "./policy/harness";

/**
 * `npm run policy -- --stack-export FILE`: the real pack on deployed state (`pulumi stack export`
 * files of both stacks: outputs full of provider-filled values, generated ids and later revisions
 * than any preview's), as `pulumi policy analyze` runs it.
 */

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(ROOT, "test/fixtures/deployed");
const STAGING = path.join(FIXTURES, "staging.export.json");
const PRODUCTION = path.join(FIXTURES, "production.export.json");

function tempExport(name: string, change: (deployment: { resources: Record<string, unknown>[] }) => void): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "export-")), name);
  const parsed = JSON.parse(fs.readFileSync(STAGING, "utf8"));
  change(parsed.deployment);
  fs.writeFileSync(file, JSON.stringify(parsed));
  return file;
}

describe("npm run policy (the pack on a stack export)", function () {
  this.timeout(180_000);

  it("passes both deployed stacks, with and without provider resources in AnalyzeStack", async () => {
    for (const providersInStack of [true, false]) {
      const results = await runPolicy(
        { exports: [STAGING, PRODUCTION], json: false, packDir: path.join(ROOT, "policy"), providersInStack },
        pack,
      );
      assert.deepEqual(
        results.map((r) => [r.stack, r.error, mandatory(r.verdicts ?? []).map((v) => v.message)]),
        [
          ["staging", undefined, []],
          ["production", undefined, []],
        ],
      );
      assert.equal(exitCode(results), EXIT.clean);
      // Staging's declared differences still show, as notes.
      assert.ok(
        (results[0].verdicts ?? []).some((v) => v.policyName === "parity-notes" && /payments-sandbox/.test(v.message)),
      );
    }
  });

  it("rejects a deployed queue retried once (state inputs and outputs both say so)", async () => {
    const file = tempExport("drifted.json", (d) => {
      const queue = d.resources.find((r) => String(r.urn).endsWith("::jobs-jobs")) as {
        inputs: Record<string, unknown>;
        outputs: Record<string, unknown>;
      };
      for (const props of [queue.inputs, queue.outputs])
        props.redrivePolicy = JSON.stringify({ ...JSON.parse(String(props.redrivePolicy)), maxReceiveCount: 1 });
    });
    const results = await runPolicy(
      { exports: [file], json: false, packDir: path.join(ROOT, "policy"), providersInStack: true },
      pack,
    );
    assert.equal(exitCode(results), EXIT.violations);
    assert.ok(
      mandatory(results[0].verdicts ?? []).some(
        (v) =>
          v.policyName === "stack-parity" &&
          /redrivePolicy\.maxReceiveCount`: this stack has 1, production has 5/.test(v.message),
      ),
    );
  });

  it("names the file and the fix for a file that is not an export, and for the wrong stack", async () => {
    const notJson = tempExport("broken.json", () => undefined);
    fs.writeFileSync(notJson, "{ not json");
    const [broken] = await runPolicy(
      { exports: [notJson], json: false, packDir: path.join(ROOT, "policy"), providersInStack: true },
      pack,
    );
    assert.match(
      broken.error?.message ?? "",
      /broken\.json is not JSON .* Fix: pass the file `pulumi stack export --file FILE` wrote/,
    );
    const [wrong] = await runPolicy(
      {
        exports: [STAGING],
        stack: "production",
        json: false,
        packDir: path.join(ROOT, "policy"),
        providersInStack: true,
      },
      pack,
    );
    assert.match(
      wrong.error?.message ?? "",
      /holds stack `staging`, not `production`\. Fix: export the right stack \(`pulumi stack export --stack production`\)/,
    );
    assert.equal(exitCode([wrong]), EXIT.error);
  });

  it("refuses a call without an export, and --stack with several", () => {
    assert.throws(
      () => parsePolicyCli([]),
      (e: unknown) => e instanceof UsageError && /--stack-export/.test(e.message),
    );
    assert.throws(
      () => parsePolicyCli(["--stack-export", "a", "--stack-export", "b", "--stack", "staging"]),
      UsageError,
    );
  });

  it("runs as the README shows it, with machine-readable output", () => {
    const run = spawnSync(
      "npm",
      ["run", "--silent", "policy", "--", "--stack-export", path.relative(ROOT, PRODUCTION), "--json"],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, EXIT.clean, run.stderr);
    const parsed = JSON.parse(run.stdout) as ReturnType<typeof toJson> & { stacks: { stack: string; ok: boolean }[] };
    assert.deepEqual(
      parsed.stacks.map((s) => [s.stack, s.ok]),
      [["production", true]],
    );
  });
});
