import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { collectStack, ProgramError } from "../tools/simulator/engine";
import { loadStackConfig } from "../tools/simulator/stack-config";
import { readYaml, ROOT } from "./mocks";
import { hosts } from "./policy/harness";

/**
 * How CI checks an encrypted payments key it cannot read offline: the pull-request workflow's
 * `preview` job runs `pulumi preview` per stack with that stack's secrets provider, so the program's
 * config validation sees the decrypted key and refuses a live one in staging before registering
 * anything. The offline preview says plainly that it did not check it.
 */

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  strategy?: { matrix?: { stack?: string[] } };
  permissions?: Record<string, string>;
  steps: Step[];
}

describe("CI: the check of an encrypted payments key", function () {
  this.timeout(120_000);

  it("the pull-request workflow previews staging with its secrets provider after the offline checks", () => {
    const jobs = (readYaml(".github/workflows/pull-request.yml") as { jobs: Record<string, Job> }).jobs;
    const preview = jobs["preview"];
    assert.ok(preview, "a preview job");
    assert.deepEqual(preview.strategy?.matrix?.stack, ["staging", "production"]);
    assert.equal(preview.needs, "checks");
    const pulumi = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.equal(pulumi?.with?.["command"], "preview");
    assert.equal(pulumi?.with?.["stack-name"], "${{ matrix.stack }}");
    // Either provider can decrypt: a passphrase stack's secret, or KMS through the job's AWS role.
    assert.equal(pulumi?.env?.["PULUMI_CONFIG_PASSPHRASE"], "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    assert.equal(preview.permissions?.["id-token"], "write");
    assert.ok(
      preview.steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")) <
        preview.steps.indexOf(pulumi as Step),
    );
  });

  it("the program refuses a decrypted live key in staging, as `pulumi preview` hands it over, without echoing it", async () => {
    const error = await collectStack({
      stack: "staging",
      configOverrides: { "parity:paymentsApiKey": "sk_live_51HxDECRYPTED" },
      hosts,
    }).then(
      () => assert.fail("expected a config error"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProgramError && error.kind === "config", String(error));
    assert.match(
      error.message,
      /`parity:paymentsApiKey` is "\(a live key: sk_live_…\)": a staging stack holds only test-mode keys/,
    );
    assert.ok(!error.message.includes("DECRYPTED"));
  });

  it("offline, without the provider, says the key's content was not checked and where it is", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-kms-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const staging = readYaml("Pulumi.staging.yaml") as { config: Record<string, unknown> };
    const kms = {
      secretsprovider: "awskms://alias/pulumi-staging",
      encryptedkey: "AQICAH",
      config: { ...staging.config, "parity:paymentsApiKey": { secure: "AQICAHgLIVE" } },
    };
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), JSON.stringify(kms));
    const config = loadStackConfig({ root: dir, stack: "staging" });
    assert.equal(
      config.notes[1],
      "not checked offline: the content of `parity:paymentsApiKey` (encrypted); the pull-request workflow's `pulumi preview --stack staging` decrypts and validates it (see RELEASING.md).",
    );
  });
});
