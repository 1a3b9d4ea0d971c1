import * as assert from "node:assert/strict";
import type { PolicyConfigInput, PolicyVerdict } from "../../tools/simulator/analyzer";
import type { StackSnapshot } from "../../tools/simulator/snapshot";
import { narrow, packInfo, runRules, violationsOf } from "../support/rule-harness";
import { asDeployedState } from "./deployed-state";
import { analyze, bothSnapshots, mutate, pack } from "./harness";

/**
 * The in-process rule harness gives exactly the real pack server's verdicts: the same policies,
 * levels, messages, resources and order, for the real stacks, a deployed stack's state, a planted
 * violation, with and without a policy config. This is what lets a rule's tests go in process.
 */

/** A config that changes a level, a property (minBackupRetentionDays) and turns a policy off. */
const CONFIG: PolicyConfigInput = {
  "parity-notes": "mandatory",
  "production-data-protected": { minBackupRetentionDays: 30 },
  "queue-retry-rules": "disabled",
};

describe("rule harness (the pack in mocha's process)", function () {
  this.timeout(180_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  const cases: {
    name: string;
    snapshot: () => StackSnapshot;
    options?: { providersInStack?: boolean; mode?: "state" };
    expectRejection?: string;
  }[] = [
    { name: "staging", snapshot: () => staging },
    { name: "production", snapshot: () => production },
    {
      name: "staging's deployed state",
      snapshot: () => asDeployedState(staging, { seed: "harness-conformance" }),
      options: { providersInStack: false },
    },
    {
      name: "production's state as `pulumi policy analyze` sends it",
      snapshot: () => asDeployedState(production, { seed: "harness-state" }),
      options: { mode: "state" },
    },
    {
      name: "a planted violation (another engine version, a queue retried once)",
      snapshot: () =>
        mutate(
          mutate(staging, "db-instance", (p) => void (p.engineVersion = "15.4")),
          "jobs-jobs",
          (p) =>
            void (p.redrivePolicy = JSON.stringify({ ...JSON.parse(String(p.redrivePolicy)), maxReceiveCount: 1 })),
        ),
      expectRejection: "stack-parity",
    },
  ];

  for (const c of cases) {
    for (const config of [undefined, CONFIG]) {
      it(`${c.name}${config ? ", with a policy config" : ""}: the pack server's verdicts`, async () => {
        const snapshot = c.snapshot();
        const [viaServer, inProcess] = [
          await analyze(snapshot, config, c.options),
          await runRules(snapshot, { ...c.options, config }),
        ];
        assert.deepEqual(inProcess, viaServer);
        if (c.expectRejection)
          assert.ok(violationsOf(inProcess, c.expectRejection).length > 0, "the planted violation was not rejected");
      });
    }
  }

  it("a config reaches each policy: a longer backup retention rejects production, a disabled policy says nothing", async () => {
    const planted = mutate(
      staging,
      "jobs-jobs",
      (p) => void (p.redrivePolicy = JSON.stringify({ ...JSON.parse(String(p.redrivePolicy)), maxReceiveCount: 1 })),
    );
    const without = await runRules(planted, { only: ["queue-retry-rules"] });
    assert.ok(violationsOf(without, "queue-retry-rules").length > 0, "the planted queue was not rejected");
    assert.deepEqual(
      violationsOf(await runRules(planted, { only: ["queue-retry-rules"], config: CONFIG }), "queue-retry-rules"),
      [],
    );
    const stricter = await runRules(production, { only: ["production-data-protected"], config: CONFIG });
    assert.ok(
      violationsOf(stricter, "production-data-protected").some((v) => /30/.test(v.message)),
      "minBackupRetentionDays 30 did not reach the policy",
    );
  });

  it("the pack's info as the SDK builds it is the pack server's GetAnalyzerInfo", async () => {
    assert.deepEqual(packInfo, await (await pack()).info());
  });

  it("`only` runs the named policies (declared-inputs with them) and refuses a name the pack lacks", async () => {
    const planted = mutate(staging, "db-instance", (p) => void (p.engineVersion = "15.4"));
    const v = await runRules(planted, { only: ["stack-parity"] });
    assert.deepEqual([...new Set(v.map((x: PolicyVerdict) => x.policyName))], ["stack-parity"]);
    assert.ok(violationsOf(v, "stack-parity").some((x) => /engineVersion/.test(x.message)));
    await assert.rejects(runRules(planted, { only: ["no-such-policy"] }), /not policies of the pack: no-such-policy/);
  });

  it("narrow keeps the named resources and their providers, and refuses a name the stack lacks", () => {
    const small = narrow(staging, ["db-instance"]);
    assert.deepEqual(small.resources.map((r) => r.type).sort(), ["aws:rds/instance:Instance", "pulumi:providers:aws"]);
    assert.throws(() => narrow(staging, ["no-such-resource"]), /no resource named no-such-resource/);
  });
});
