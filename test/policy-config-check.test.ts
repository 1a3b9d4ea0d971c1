import * as assert from "node:assert/strict";
import * as path from "node:path";
import { describeDowngrades, downgradedPolicies } from "../tools/simulator/policy-downgrades";
import { isProductionStack, judgeDowngrades, main } from "../tools/policy-config-check";
import { EXIT, runPolicy, toJson } from "../tools/policy";
import type { AnalyzerInfo } from "../tools/simulator/policy-config";
import { pack } from "./policy/harness";
import { tempFile } from "./policy/temp-file";

/**
 * A policy config that disables or downgrades a mandatory policy is visible: the verdict lines say
 * which, and the CI gate (`npm run policy:config-check`) refuses it for production.
 */

const ROOT = path.resolve(__dirname, "..");
const POLICIES = [
  { name: "stack-parity", enforcementLevel: "mandatory" },
  { name: "parity-notes", enforcementLevel: "advisory" },
  { name: "no-public-ingress", enforcementLevel: "mandatory" },
  { name: "no-full-admin", enforcementLevel: "remediate" },
] as const;

/** A pack's GetAnalyzerInfo as the preview reads it, with the pack's own initialConfig. */
function info(initialConfig: AnalyzerInfo["initialConfig"] = {}): AnalyzerInfo {
  return {
    name: "fixture",
    version: "0.0.1",
    initialConfig,
    policies: POLICIES.map((p) => ({ ...p, description: p.name, type: "stack" as const })),
  };
}
const PACK = info();

describe("policy config downgrades", function () {
  this.timeout(120_000);

  describe("which policies a config takes below mandatory (pure)", () => {
    it("reads a policy's own level first, then `all`, then the pack's initial config and declared level", () => {
      assert.deepEqual(downgradedPolicies(PACK, undefined), []);
      assert.deepEqual(
        downgradedPolicies(PACK, { "stack-parity": "disabled", "no-public-ingress": { enforcementLevel: "advisory" } }),
        [
          { policy: "stack-parity", level: "disabled" },
          { policy: "no-public-ingress", level: "advisory" },
        ],
      );
      // `all` reaches every enforcing policy (remediate too) but not one named on its own.
      assert.deepEqual(downgradedPolicies(PACK, { all: "advisory", "stack-parity": "mandatory" }), [
        { policy: "no-public-ingress", level: "advisory" },
        { policy: "no-full-admin", level: "advisory" },
      ]);
      // An advisory policy made advisory or disabled is no downgrade; properties alone change no level.
      assert.deepEqual(
        downgradedPolicies(PACK, { "parity-notes": "disabled", "no-public-ingress": { someProperty: 1 } }),
        [],
      );
      // The pack's own initial config is its baseline: what it made advisory, the config cannot downgrade.
      // The pack's own `all` is part of its baseline too (the engine applies it before the user's file).
      assert.deepEqual(
        downgradedPolicies(info({ all: { enforcementLevel: "advisory", properties: {} } }), { all: "disabled" }),
        [],
      );
      assert.deepEqual(
        downgradedPolicies(info({ all: { enforcementLevel: "mandatory", properties: {} } }), {
          "parity-notes": "disabled",
        }),
        [{ policy: "parity-notes", level: "disabled" }],
      );
      assert.deepEqual(
        downgradedPolicies(info({ "stack-parity": { enforcementLevel: "advisory", properties: {} } }), {
          "stack-parity": "advisory",
        }),
        [],
      );
    });

    it("names them for the verdict line, grouped by level", () => {
      assert.equal(
        describeDowngrades([
          { policy: "stack-parity", level: "disabled" },
          { policy: "no-public-ingress", level: "disabled" },
        ]),
        "stack-parity, no-public-ingress disabled by the policy config",
      );
      assert.equal(
        describeDowngrades([
          { policy: "a", level: "advisory" },
          { policy: "b", level: "disabled" },
        ]),
        "b disabled and a advisory by the policy config",
      );
    });
  });

  describe("the CI gate", () => {
    it("refuses a downgrade for production, notes it for another stack, and passes a clean or absent config", () => {
      const down = [{ policy: "stack-parity", level: "disabled" } as const];
      const refused = judgeDowngrades("production", true, "ci.json", down);
      assert.equal(refused.code, 1);
      assert.equal(
        refused.message,
        "production: policy config ci.json has stack-parity disabled, and `production` is a production stack (`parity:environment: production`): its preview and deploy run every mandatory policy. Fix: remove `stack-parity` (and any `all` below mandatory) from ci.json; a policy that is wrong is fixed in policy/, reviewed like code.",
      );
      assert.deepEqual(judgeDowngrades("staging", false, "ci.json", down), {
        code: 0,
        message: "staging: note: policy config ci.json has stack-parity disabled; the verdict line says so.",
      });
      assert.equal(judgeDowngrades("production", true, "ci.json", []).code, 0);
      assert.equal(judgeDowngrades("production", true, undefined, []).code, 0);
    });

    it("knows production by its stack file's `parity:environment`, not by its name", () => {
      assert.equal(isProductionStack(ROOT, "production"), true);
      assert.equal(isProductionStack(ROOT, "staging"), false);
      assert.throws(() => isProductionStack(ROOT, "qa"), /Pulumi\.qa\.yaml does not exist/);
    });

    it("runs against the real pack: exit 1 for production's `all: advisory`, 0 for the example config, 2 for a policy the pack lacks", async () => {
      const run = async (...args: string[]) => {
        const lines: string[] = [];
        const code = await main(args, (l) => lines.push(l), pack);
        return { code, out: lines.join("\n") };
      };
      const lax = tempFile("policy-config.json", JSON.stringify({ all: "advisory", "parity-notes": "advisory" }));
      const refused = await run("--stack", "production", "--policy-pack-config", lax);
      assert.equal(refused.code, 1, refused.out);
      assert.match(
        refused.out,
        /has stack-parity, replacement-hazards, .*no-public-ingress, no-database-egress, no-public-bucket-policy, no-public-role-trust, no-full-admin advisory, and `production` is a production stack/,
      );
      assert.equal((await run("--stack", "staging", "--policy-pack-config", lax)).code, 0);
      const example = await run(
        "--stack",
        "production",
        "--policy-pack-config",
        path.join(ROOT, "policy", "config.example.json"),
      );
      assert.deepEqual(example, {
        code: 0,
        out: `production: policy config ${path.join(ROOT, "policy", "config.example.json")} keeps every mandatory policy mandatory.`,
      });
      assert.deepEqual(await run("--stack", "production", "--policy-pack-config", ""), {
        code: 0,
        out: "production: no policy config; every policy runs at the pack's level.",
      });
      const typo = await run(
        "--stack",
        "production",
        "--policy-pack-config",
        tempFile("policy-config.json", JSON.stringify({ "stack-parit": "disabled" })),
      );
      assert.equal(typo.code, 2);
      assert.match(typo.out, /`stack-parit` is not a policy in pack parity/);
      assert.equal((await run("--policy-pack-config", lax)).code, 2);
    });
  });

  describe("npm run policy's summary", () => {
    it("names the policies the config disabled, in the text and in --json", async () => {
      const config = tempFile(
        "policy-config.json",
        JSON.stringify({ "stack-parity": "disabled", "no-public-ingress": { enforcementLevel: "advisory" } }),
      );
      const exportFile = path.join(ROOT, "test", "fixtures", "deployed", "production.export.json");
      const results = await runPolicy(
        {
          exports: [exportFile],
          json: false,
          packDir: path.join(ROOT, "policy"),
          providersInStack: true,
          policyConfigFile: config,
        },
        pack,
      );
      const { toText } = await import("../tools/policy");
      assert.match(
        toText(results, { isTTY: false }),
        /^parity\/production \(test\/fixtures\/deployed\/production.export.json\): \d+ deployed resources; 0 mandatory, \d+ advisory; policy check passed \(with stack-parity disabled and no-public-ingress advisory by the policy config\)$/m,
      );
      const json = toJson(results) as { stacks: { downgradedPolicies: unknown }[]; exitCode: number };
      assert.deepEqual(json.stacks[0].downgradedPolicies, [
        { policy: "stack-parity", level: "disabled" },
        { policy: "no-public-ingress", level: "advisory" },
      ]);
      assert.equal(json.exitCode, EXIT.clean);
    });
  });
});
