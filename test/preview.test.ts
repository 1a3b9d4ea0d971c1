import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { previewInOwnProcess as preview, previewInProcess as inProcess, PreviewRun } from "./preview-cli";

/**
 * `npm run preview` end to end against the fixture program with the harness's fixture pack, and
 * against the real program with the real pack. One case runs the CLI in its own process, exactly as
 * a person or CI does (a fresh program host, the pack started and stopped by the CLI), as does
 * test/readme-commands.test.ts for the real program; the rest run its `main` in this process with
 * the suite's shared program hosts and pack servers (the program and the pack still run in their own
 * processes, as under the CLI).
 */

const FIXTURES = path.join(__dirname, "fixtures", "preview");
const FIXTURE_PROGRAM = ["--root", path.join(FIXTURES, "program"), "--stack", "dev"];
const FIXTURE_PACK = ["--policy-pack", path.join(FIXTURES, "pack")];

function expectExit(run: PreviewRun, code: number): void {
  assert.equal(
    run.code,
    code,
    `expected exit ${code}, got ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
  );
}

describe("npm run preview", function () {
  this.timeout(180_000);

  describe("the fixture program and pack", () => {
    it("with --verbose, prints the plan as a tree of creates with counts and exits 0 when clean", async () => {
      const run = await preview([...FIXTURE_PROGRAM, ...FIXTURE_PACK, "--verbose"], { NO_COLOR: "" });
      expectExit(run, 0);
      assert.match(run.stdout, /^ \+ {3}pulumi:pulumi:Stack +fixture-dev +create$/m);
      assert.match(run.stdout, /^ \+ {3}├─ fixture:index:Storage +store0 +create$/m);
      assert.match(run.stdout, /^ \+ {3}│ {2}├─ aws:kms:Key +store0-key +create$/m);
      assert.match(run.stdout, /^ {4}\+ 11 to create$/m);
      assert.match(
        run.stdout,
        /^dev: 11 to create; 0 mandatory, 0 advisory violations, 0 unplaced values; policy check passed$/m,
      );
      assert.ok(!run.stdout.includes("\u001b["), "no colour when stdout is not a terminal");
      assert.match(run.stderr, /policy pack: starting/, "progress goes to stderr");
    });

    it("rejects a drifted stack with exit 1 and --json names the policy and resources", async () => {
      const run = await inProcess([
        ...FIXTURE_PROGRAM,
        "--stack-file",
        path.join(FIXTURES, "program", "Pulumi.drifted.yaml"),
        ...FIXTURE_PACK,
        "--json",
      ]);
      expectExit(run, 1);
      const out = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(out).sort(), ["exitCode", "stacks"]);
      assert.equal(out.exitCode, 1);
      assert.equal(out.stacks.length, 1);
      const [stack] = out.stacks;
      assert.equal(stack.stack, "dev");
      assert.equal(stack.resources.length, 9);
      const bucket = stack.resources.find((r: { name: string }) => r.name === "store0-bucket");
      assert.deepEqual(Object.keys(bucket).sort(), [
        "checkedInputs",
        "custom",
        "dependencies",
        "id",
        "inputs",
        "name",
        "options",
        "outputs",
        "parent",
        "propertyDependencies",
        "provider",
        "type",
        "urn",
      ]);
      assert.deepEqual(stack.summary, {
        resources: 9,
        creates: 9,
        policyChecked: true,
        mandatory: 2,
        advisory: 0,
        unplaced: 0,
        downgradedPolicies: [],
        ok: false,
      });
      const names = stack.verdicts.map(
        (v: { policyName: string; resourceName: string; enforcementLevel: string }) =>
          `${v.policyName}/${v.resourceName}/${v.enforcementLevel}`,
      );
      assert.deepEqual(names, [
        "every-bucket-encrypted/store0-bucket/mandatory",
        "every-bucket-encrypted/store1-bucket/mandatory",
      ]);
      assert.equal(stack.verdicts[0].policyPackName, "preview-fixture");
      assert.match(stack.verdicts[0].message, /Bucket store0-bucket has no encryption configuration\./);
    });

    it("exits 1 on a single mandatory violation, not only on several", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-"));
      const stackFile = path.join(dir, "Pulumi.one-bucket.yaml");
      fs.writeFileSync(
        stackFile,
        fs
          .readFileSync(path.join(FIXTURES, "program", "Pulumi.drifted.yaml"), "utf8")
          .replace("fixture:bucketCount: 2", "fixture:bucketCount: 1"),
      );
      const run = await inProcess([...FIXTURE_PROGRAM, "--stack-file", stackFile, ...FIXTURE_PACK, "--json"]);
      assert.deepEqual(JSON.parse(run.stdout).stacks[0].summary, {
        resources: 6,
        creates: 6,
        policyChecked: true,
        mandatory: 1,
        advisory: 0,
        unplaced: 0,
        downgradedPolicies: [],
        ok: false,
      });
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
      assert.match(
        run.stdout,
        /\[advisory\] {2}every-bucket-encrypted {2}\(preview-fixture@v0\.0\.1\) {2}2 violations/,
      );
      // A stack-level diagnostic without a URN is reported on the root stack, as the CLI's
      // step_generator.go AnalyzeStack does (resource.DefaultRootStackURN).
      assert.match(
        run.stdout,
        /\[advisory\] {2}bucket-budget .*\n.*\n {6}- pulumi:pulumi:Stack: fixture-dev\n {8}2 buckets exceed the budget of 1\./,
      );
      assert.doesNotMatch(run.stdout, /the stack$/m);
      // A pass the config bought by making mandatory policies advisory says so on the verdict line.
      assert.match(
        run.stdout,
        /^dev: 9 to create; 0 mandatory, 3 advisory violations, 0 unplaced values; policy check passed \(with every-bucket-encrypted, bucket-budget advisory by the policy config\)$/m,
      );
      const json = await inProcess([
        ...FIXTURE_PROGRAM,
        "--stack-file",
        path.join(FIXTURES, "program", "Pulumi.drifted.yaml"),
        ...FIXTURE_PACK,
        "--policy-pack-config",
        path.join(FIXTURES, "advisory-config.json"),
        "--json",
      ]);
      assert.deepEqual(JSON.parse(json.stdout).stacks[0].summary.downgradedPolicies, [
        { policy: "every-bucket-encrypted", level: "advisory" },
        { policy: "bucket-budget", level: "advisory" },
      ]);
    });

    it("exits 2 with the policy config problem when the config breaks the policy's schema", async () => {
      const run = await inProcess([
        ...FIXTURE_PROGRAM,
        ...FIXTURE_PACK,
        "--policy-pack-config",
        path.join(FIXTURES, "invalid-config.json"),
      ]);
      expectExit(run, 2);
      assert.match(
        run.stdout,
        /Invalid policy config for policy pack preview-fixture:\n {2}- `bucket-budget` \/maxBuckets must be integer/,
      );
    });

    it("exits 2 with the program's file and line when the program throws", async () => {
      const run = await inProcess([
        ...FIXTURE_PROGRAM,
        "--stack-file",
        path.join(FIXTURES, "program", "Pulumi.explode.yaml"),
        "--no-policy",
      ]);
      expectExit(run, 2);
      assert.match(
        run.stdout,
        /error: stack dev: Running the program for stack "dev" failed at index\.ts:6:\n {2}fixture exploded on purpose/,
      );
      assert.match(run.stdout, /^dev: error \(program\)$/m);
    });

    it("answers 'may this ship?' first, and summarises the plan by component", async () => {
      const run = await inProcess([
        ...FIXTURE_PROGRAM,
        "--stack-file",
        path.join(FIXTURES, "program", "Pulumi.drifted.yaml"),
        ...FIXTURE_PACK,
      ]);
      expectExit(run, 1);
      const lines = run.stdout.split("\n");
      assert.match(
        lines[0],
        /^dev: 9 to create; 2 mandatory, 0 advisory violations, 0 unplaced values; policy check FAILED$/,
      );
      const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
      const order = [
        at(/^Mandatory violations: fix before this stack ships \(2\):$/),
        at(/Bucket store0-bucket has no encryption configuration/),
        at(/^Plan: 9 to create, by component/),
      ];
      assert.ok(
        order.every((n) => n > 0),
        `every section is present: ${order.join(", ")}`,
      );
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
      );
      assert.match(run.stdout, /^ {4}\+ store0 +fixture:index:Storage +\d+$/m);
      assert.doesNotMatch(run.stdout, / create$/m, "no row per resource without --verbose");
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
      assert.match(
        run.stdout,
        /^production: \d+ to create; 0 mandatory, \d+ advisory violations?, 0 unplaced values; policy check passed$/m,
      );
      assert.match(
        run.stdout,
        /^staging: \d+ to create; 0 mandatory, \d+ advisory violations?, 0 unplaced values; policy check passed$/m,
      );
      assert.match(run.stdout, /Previewing stack production \(parity\), offline/);
      assert.match(run.stdout, /Previewing stack staging \(parity\), offline/);
    });

    it("lists staging's declared differences as a count with a pointer to their explanations, each once with --verbose", async () => {
      const brief = await inProcess(["--stack", "staging"]);
      expectExit(brief, 0);
      assert.match(
        brief.stdout,
        /^Declared differences: \d+ from 6 declarations in known-differences\.yaml \(email-capture, .*\); why each exists: docs\/staging-notes\.md \(--verbose lists them\)\.$/m,
      );
      assert.doesNotMatch(brief.stdout, /Env var `PAYMENTS_MODE`/);
      const verbose = await inProcess(["--stack", "staging", "--verbose"]);
      assert.equal(verbose.stdout.match(/Env var `PAYMENTS_MODE` differs/g)?.length, 1, "one note for every task");
      assert.match(
        verbose.stdout,
        /- web-task\/app, worker-task\/app, migrations-task\/app\n {8}Env var `PAYMENTS_MODE` differs from production/,
      );
    });

    it("stops a structural setting in a stack file at config validation, before any policy runs", async () => {
      const run = await inProcess(["--stack", "staging", "--stack-file", path.join(FIXTURES, "staging-drifted.yaml")]);
      expectExit(run, 2);
      assert.match(run.stdout, /^staging: error \(config\)$/m);
      assert.match(
        run.stdout,
        /`parity:scheduleTimezone` is "America\/New_York": structural settings are the same in every stack: remove this line from Pulumi\.staging\.yaml\./,
      );
      assert.doesNotMatch(run.stdout, /stack-parity/);
    });

    it("exits 2 with the settings validation message for staging on production's domain", async () => {
      const run = await inProcess([
        "--stack",
        "staging",
        "--stack-file",
        path.join(FIXTURES, "staging-on-production-domain.yaml"),
        "--no-policy",
      ]);
      expectExit(run, 2);
      assert.match(
        run.stdout,
        /error: stack staging: Stack "staging" has 1 configuration problem; nothing was deployed:/,
      );
      assert.match(
        run.stdout,
        /`parity:domain` is "app\.example\.com": a staging stack must never serve production's domain\.\n {4}Fix: pulumi config set --stack staging parity:domain staging\.app\.example\.com/,
      );
    });
  });
});
