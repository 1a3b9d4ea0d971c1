import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** README's commands, run exactly as written (taken from the README, so text and test cannot drift). */

const ROOT = path.resolve(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The commands in README's table cells and code blocks that start with `npm`. */
function readmeCommands(): string[] {
  return [...README.matchAll(/`(npm run [^`]+)`/g)].map((m) => m[1]);
}

function sh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "sh",
      ["-c", command],
      { cwd: ROOT, maxBuffer: 64 * 2 ** 20, env: { ...process.env, NO_COLOR: "1" } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("README commands, as written", function () {
  this.timeout(180_000);

  it("the machine-readable preview prints only JSON on stdout", async () => {
    const command = readmeCommands().find((c) => c.includes("preview") && c.includes("--json"));
    assert.equal(command, "npm run --silent preview -- --stack staging --json");
    const run = await sh(command);
    let parsed: { exitCode: number; stacks: { stack: string; summary: { ok: boolean } }[] };
    try {
      parsed = JSON.parse(run.stdout) as typeof parsed;
    } catch (e) {
      assert.fail(`stdout is not JSON (${(e as Error).message}):\n${run.stdout.slice(0, 500)}`);
    }
    assert.equal(run.code, parsed.exitCode);
    assert.deepEqual(
      parsed.stacks.map((s) => s.stack),
      ["staging"],
    );
    assert.equal(parsed.stacks[0].summary.ok, true);
  });
});
