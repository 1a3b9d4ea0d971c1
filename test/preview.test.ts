import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";

/**
 * `npm run preview` end to end: the CLI in its own process, as a person or CI runs it, against the
 * fixture program with the harness's fixture pack, and against the real program with the real pack.
 */

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(__dirname, "fixtures", "preview");
const FIXTURE_PROGRAM = ["--root", path.join(FIXTURES, "program"), "--stack", "dev"];
const FIXTURE_PACK = ["--policy-pack", path.join(FIXTURES, "pack")];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function preview(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Exactly what `npm run preview` runs.
    const child = spawn(process.execPath, ["-r", path.join(ROOT, "tools", "offline", "ts-cache.js"), path.join(ROOT, "tools", "preview.ts"), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

function expectExit(run: Run, code: number): void {
  assert.equal(run.code, code, `expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
}

describe("npm run preview", function () {
  this.timeout(180_000);

  describe("the fixture program and pack", () => {
    it("prints the plan as a tree of creates with counts and exits 0 when clean", async () => {
      const run = await preview([...FIXTURE_PROGRAM, ...FIXTURE_PACK], { NO_COLOR: "" });
      expectExit(run, 0);
      assert.match(run.stdout, /^ \+ {3}pulumi:pulumi:Stack +fixture-dev +create$/m);
      assert.match(run.stdout, /^ \+ {3}├─ fixture:index:Storage +store0 +create$/m);
      assert.match(run.stdout, /^ \+ {3}│ {2}├─ aws:kms:Key +store0-key +create$/m);
      assert.match(run.stdout, /^ {4}\+ 11 to create$/m);
      assert.match(run.stdout, /^dev: 11 to create; 0 mandatory, 0 advisory violations; policy check passed$/m);
      assert.ok(!run.stdout.includes("\u001b["), "no colour when stdout is not a terminal");
      assert.match(run.stderr, /policy pack: starting/, "progress goes to stderr");
    });

    it("rejects a drifted stack with exit 1 and --json names the policy and resources", async () => {
      const run = await preview([...FIXTURE_PROGRAM, "--stack-file", path.join(FIXTURES, "program", "Pulumi.drifted.yaml"), ...FIXTURE_PACK, "--json"]);
      expectExit(run, 1);
      const out = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(out).sort(), ["exitCode", "stacks"]);
      assert.equal(out.exitCode, 1);
      assert.equal(out.stacks.length, 1);
      const [stack] = out.stacks;
      assert.equal(stack.stack, "dev");
      assert.equal(stack.resources.length, 9);
      const bucket = stack.resources.find((r: { name: string }) => r.name === "store0-bucket");
      assert.deepEqual(Object.keys(bucket).sort(), ["checkedInputs", "custom", "dependencies", "id", "inputs", "name", "options", "outputs", "parent", "propertyDependencies", "provider", "type", "urn"]);
      assert.deepEqual(stack.summary, { resources: 9, creates: 9, policyChecked: true, mandatory: 2, advisory: 0, ok: false });
      const names = stack.verdicts.map((v: { policyName: string; resourceName: string; enforcementLevel: string }) => `${v.policyName}/${v.resourceName}/${v.enforcementLevel}`);
      assert.deepEqual(names, ["every-bucket-encrypted/store0-bucket/mandatory", "every-bucket-encrypted/store1-bucket/mandatory"]);
      assert.equal(stack.verdicts[0].policyPackName, "preview-fixture");
      assert.match(stack.verdicts[0].message, /Bucket store0-bucket has no encryption configuration\./);
    });

    it("applies --policy-pack-config levels and properties through Configure", async () => {
      const run = await preview([
        ...FIXTURE_PROGRAM,
        "--stack-file",
        path.join(FIXTURES, "program", "Pulumi.drifted.yaml"),
        ...FIXTURE_PACK,
        "--policy-pack-config",
        path.join(FIXTURES, "advisory-config.json"),
      ]);
      expectExit(run, 0);
      assert.match(run.stdout, /\[advisory\] {2}every-bucket-encrypted {2}\(preview-fixture@v0\.0\.1\) {2}2 violations/);
      assert.match(run.stdout, /\[advisory\] {2}bucket-budget .*\n.*\n.*\n {8}2 buckets exceed the budget of 1\./);
      assert.match(run.stdout, /dev: 9 to create; 0 mandatory, 3 advisory violations; policy check passed/);
    });

    it("exits 2 with the policy config problem when the config breaks the policy's schema", async () => {
      const run = await preview([...FIXTURE_PROGRAM, ...FIXTURE_PACK, "--policy-pack-config", path.join(FIXTURES, "invalid-config.json")]);
      expectExit(run, 2);
      assert.match(run.stdout, /Invalid policy config for policy pack preview-fixture:\n {2}- `bucket-budget` \/maxBuckets must be integer/);
    });

    it("exits 2 with the program's file and line when the program throws", async () => {
      const run = await preview([...FIXTURE_PROGRAM, "--stack-file", path.join(FIXTURES, "program", "Pulumi.explode.yaml"), "--no-policy"]);
      expectExit(run, 2);
      assert.match(run.stdout, /error: stack dev: Running the program for stack "dev" failed at index\.ts:6:\n {2}fixture exploded on purpose/);
      assert.match(run.stdout, /^dev: error \(program\)$/m);
    });

    it("exits 2 with the pack's stderr when the pack fails to start", async () => {
      const run = await preview([...FIXTURE_PROGRAM, "--policy-pack", path.join(FIXTURES, "broken-pack")]);
      expectExit(run, 2);
      assert.match(run.stdout, /The policy pack in .*broken-pack exited \(code \d+\) before serving:/);
      assert.match(run.stdout, /broken-pack: cannot load policies on purpose/);
    });

    it("exits 2 naming the missing PulumiPolicy.yaml for a directory that is not a pack", async () => {
      const run = await preview([...FIXTURE_PROGRAM, "--policy-pack", path.join(FIXTURES, "program")]);
      expectExit(run, 2);
      assert.match(run.stdout, /is not a policy pack: PulumiPolicy\.yaml is missing/);
    });
  });

  describe("the real program and policy pack", () => {
    it("previews both stacks clean with --all (one pack server) and exits 0", async () => {
      const run = await preview(["--all"]);
      expectExit(run, 0);
      assert.match(run.stdout, /^production: \d+ to create; 0 mandatory, \d+ advisory violations?; policy check passed$/m);
      assert.match(run.stdout, /^staging: \d+ to create; 0 mandatory, \d+ advisory violations?; policy check passed$/m);
      assert.match(run.stdout, /Previewing stack production \(parity\), offline/);
      assert.match(run.stdout, /Previewing stack staging \(parity\), offline/);
    });

    it("rejects staging with a structural setting drifted from production, naming the parity policy", async () => {
      const run = await preview(["--stack", "staging", "--stack-file", path.join(FIXTURES, "staging-drifted.yaml")]);
      expectExit(run, 1);
      assert.match(run.stdout, /\[mandatory\] {2}stack-parity {2}\(parity@v[\d.]+\)/);
      assert.match(run.stdout, /America\/New_York/);
      assert.match(run.stdout, /^staging: \d+ to create; [1-9]\d* mandatory/m);
    });

    it("exits 2 with the settings validation message for staging on production's domain", async () => {
      const run = await preview(["--stack", "staging", "--stack-file", path.join(FIXTURES, "staging-on-production-domain.yaml"), "--no-policy"]);
      expectExit(run, 2);
      assert.match(run.stdout, /error: stack staging: Stack "staging" has 1 configuration problem; nothing was deployed:/);
      assert.match(run.stdout, /`parity:domain` is "app\.example\.com": a staging stack must never serve production's domain\.\n {4}Fix: pulumi config set --stack staging parity:domain staging\.app\.example\.com/);
    });
  });
});
