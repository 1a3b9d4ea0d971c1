import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../tools/preview";

/**
 * `npm run preview` end to end against the fixture program with the harness's fixture pack, and
 * against the real program with the real pack. Two cases run the CLI in its own process, exactly as
 * a person or CI does; the rest run its `main` in-process (the program and the pack still run in
 * their own processes), which saves a TypeScript start per case.
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

/** The CLI's `main` in this process, its output captured; nothing else differs from `preview`. */
async function inProcess(args: string[]): Promise<Run> {
  const capture = () => {
    const out = { text: "", isTTY: false, write: (chunk: string) => ((out.text += chunk), true) };
    return out;
  };
  const [stdout, stderr] = [capture(), capture()];
  const code = await main(args, stdout as unknown as NodeJS.WriteStream, stderr as unknown as NodeJS.WriteStream);
  return { code, stdout: stdout.text, stderr: stderr.text };
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
      assert.deepEqual(Object.keys(bucket).sort(), ["custom", "dependencies", "inputs", "name", "options", "outputs", "parent", "propertyDependencies", "provider", "type", "urn"]);
      assert.deepEqual(stack.summary, { resources: 9, creates: 9, policyChecked: true, mandatory: 2, advisory: 0, ok: false });
      const names = stack.verdicts.map((v: { policyName: string; resourceName: string; enforcementLevel: string }) => `${v.policyName}/${v.resourceName}/${v.enforcementLevel}`);
      assert.deepEqual(names, ["every-bucket-encrypted/store0-bucket/mandatory", "every-bucket-encrypted/store1-bucket/mandatory"]);
      assert.equal(stack.verdicts[0].policyPackName, "preview-fixture");
      assert.match(stack.verdicts[0].message, /Bucket store0-bucket has no encryption configuration\./);
    });

    it("exits 1 on a single mandatory violation, not only on several", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-"));
      const stackFile = path.join(dir, "Pulumi.one-bucket.yaml");
      fs.writeFileSync(stackFile, fs.readFileSync(path.join(FIXTURES, "program", "Pulumi.drifted.yaml"), "utf8").replace("fixture:bucketCount: 2", "fixture:bucketCount: 1"));
      const run = await inProcess([...FIXTURE_PROGRAM, "--stack-file", stackFile, ...FIXTURE_PACK, "--json"]);
      assert.deepEqual(JSON.parse(run.stdout).stacks[0].summary, { resources: 6, creates: 6, policyChecked: true, mandatory: 1, advisory: 0, ok: false });
      expectExit(run, 1);
    });

    it("applies --policy-pack-config levels and properties through Configure", async () => {
      const run = await inProcess([
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
      const run = await inProcess([...FIXTURE_PROGRAM, ...FIXTURE_PACK, "--policy-pack-config", path.join(FIXTURES, "invalid-config.json")]);
      expectExit(run, 2);
      assert.match(run.stdout, /Invalid policy config for policy pack preview-fixture:\n {2}- `bucket-budget` \/maxBuckets must be integer/);
    });

    it("exits 2 with the program's file and line when the program throws", async () => {
      const run = await inProcess([...FIXTURE_PROGRAM, "--stack-file", path.join(FIXTURES, "program", "Pulumi.explode.yaml"), "--no-policy"]);
      expectExit(run, 2);
      assert.match(run.stdout, /error: stack dev: Running the program for stack "dev" failed at index\.ts:6:\n {2}fixture exploded on purpose/);
      assert.match(run.stdout, /^dev: error \(program\)$/m);
    });

    it("exits 2 with the pack's stderr when the pack fails to start", async () => {
      const run = await inProcess([...FIXTURE_PROGRAM, "--policy-pack", path.join(FIXTURES, "broken-pack")]);
      expectExit(run, 2);
      assert.match(run.stdout, /The policy pack in .*broken-pack exited \(code \d+\) before serving:/);
      assert.match(run.stdout, /broken-pack: cannot load policies on purpose/);
    });

    it("exits 2 naming the missing PulumiPolicy.yaml for a directory that is not a pack", async () => {
      const run = await inProcess([...FIXTURE_PROGRAM, "--policy-pack", path.join(FIXTURES, "program")]);
      expectExit(run, 2);
      assert.match(run.stdout, /is not a policy pack: PulumiPolicy\.yaml is missing/);
    });
  });

  describe("the real program and policy pack", () => {
    it("previews both stacks clean with --all (one pack server) and exits 0", async () => {
      const run = await inProcess(["--all"]);
      expectExit(run, 0);
      assert.match(run.stdout, /^production: \d+ to create; 0 mandatory, \d+ advisory violations?; policy check passed$/m);
      assert.match(run.stdout, /^staging: \d+ to create; 0 mandatory, \d+ advisory violations?; policy check passed$/m);
      assert.match(run.stdout, /Previewing stack production \(parity\), offline/);
      assert.match(run.stdout, /Previewing stack staging \(parity\), offline/);
    });

    it("rejects staging with a structural setting drifted from production, naming the parity policy", async () => {
      const run = await inProcess(["--stack", "staging", "--stack-file", path.join(FIXTURES, "staging-drifted.yaml")]);
      expectExit(run, 1);
      assert.match(run.stdout, /\[mandatory\] {2}stack-parity {2}\(parity@v[\d.]+\)/);
      assert.match(run.stdout, /America\/New_York/);
      assert.match(run.stdout, /^staging: \d+ to create; [1-9]\d* mandatory/m);
    });

    it("exits 2 with the settings validation message for staging on production's domain", async () => {
      const run = await inProcess(["--stack", "staging", "--stack-file", path.join(FIXTURES, "staging-on-production-domain.yaml"), "--no-policy"]);
      expectExit(run, 2);
      assert.match(run.stdout, /error: stack staging: Stack "staging" has 1 configuration problem; nothing was deployed:/);
      assert.match(run.stdout, /`parity:domain` is "app\.example\.com": a staging stack must never serve production's domain\.\n {4}Fix: pulumi config set --stack staging parity:domain staging\.app\.example\.com/);
    });
  });
});
