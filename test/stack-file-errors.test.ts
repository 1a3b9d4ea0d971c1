import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadStackConfig, StackConfigError } from "../tools/simulator/stack-config";
import { previewInProcess, PreviewRun } from "./preview-cli";

/**
 * Bad stack files stop the offline preview with exit 2 and one message per problem: the key, the
 * file and one fix, never a secret's value.
 */

const ROOT = path.resolve(__dirname, "..");
const STAGING = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");
const PRODUCTION = fs.readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8");

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-stackfile-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function configProblems(stack: string, text: string): string[] {
  try {
    loadStackConfig({ root: ROOT, stack, stackFile: tempFile(`Pulumi.${stack}.yaml`, text) });
  } catch (e) {
    assert.ok(e instanceof StackConfigError, String(e));
    return [...e.problems];
  }
  assert.fail("expected the stack file to be rejected");
}

function preview(stack: string, text: string): Promise<PreviewRun> {
  return previewInProcess(["--stack", stack, "--stack-file", tempFile(`Pulumi.${stack}.yaml`, text), "--no-policy"]);
}

describe("stack files: bad input the offline preview refuses", function () {
  this.timeout(120_000);

  it("a declared secret in clear text is an error naming the key and the --secret fix, never the value", () => {
    const problems = configProblems("production", `${PRODUCTION}  parity:paymentsApiKey: sk_live_51HxCLEARTEXT\n`);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /^Pulumi\.production\.yaml: `parity:paymentsApiKey` is declared secret in Pulumi\.yaml but set in clear text \(value not shown\)/,
    );
    assert.match(problems[0], /`pulumi config set --secret --stack production parity:paymentsApiKey <value>`/);
    assert.ok(!problems.join("\n").includes("CLEARTEXT"));
    assert.equal(configProblems("staging", `${STAGING}  parity:paymentsApiKey: sk_test_51HxCLEARTEXT\n`).length, 1);
  });

  it("an empty value gets one fix: set it, or remove the line where a default applies", () => {
    const [domain, timezone, ...rest] = configProblems(
      "staging",
      STAGING.replace(/parity:domain: .*/, "parity:domain:") + "  parity:scheduleTimezone:\n",
    );
    assert.deepEqual(rest, []);
    assert.equal(domain, "Pulumi.staging.yaml: `parity:domain` has no value; set one: `parity:domain: <value>`.");
    assert.equal(
      timezone,
      'Pulumi.staging.yaml: `parity:scheduleTimezone` has no value; remove the line to use the project default ("UTC" in Pulumi.yaml).',
    );
  });

  it("a YAML error shows the line and where on it", () => {
    const [problem] = configProblems("staging", STAGING.replace("parity:natGateways: 1", "parity:natGateways: [1"));
    assert.match(problem, /is not valid YAML: /);
    assert.match(problem, /line \d+, column \d+/);
    assert.match(problem, /\^/, "a caret under the fault");
  });

  it("exits 2 on a typo'd key, naming the key it probably meant", async () => {
    const run = await preview("staging", `${STAGING}  parity:webDesiredCnt: 2\n`);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /`parity:webDesiredCnt` is "2": unknown key: the program reads no such setting; did you mean `parity:webDesiredCount`\?/,
    );
  });

  it("exits 2 on a structural key set in one stack file", async () => {
    const run = await preview("staging", `${STAGING}  parity:scheduleTimezone: Europe/Madrid\n`);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /structural settings are the same in every stack: remove this line from Pulumi\.staging\.yaml/,
    );
  });
});
