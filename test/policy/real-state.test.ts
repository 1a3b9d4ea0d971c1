import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type { PolicyVerdict } from "../../tools/simulator/analyzer";
import type { StackSnapshot } from "../../tools/simulator/snapshot";
import { collectStack } from "../../tools/simulator/engine";
import { asDeployedState } from "./deployed-state";
import { UNPLACED_NOTE } from "../../policy/engine/compare";
import { DEFAULT_LOCK_FILE } from "../../policy/engine/lock";
import { analyze, expectViolation, hosts, mandatory, mutate, snapshotOf } from "./harness";

/** What a reviewer reads of a verdict: policy, level and message, in a stable order. */
function summary(verdicts: PolicyVerdict[]): string[] {
  return verdicts.map((v) => `${v.enforcementLevel} ${v.policyName}: ${v.message}`).sort();
}

describe("the pack on real stack state", function () {
  this.timeout(180_000);

  for (const stack of ["staging", "production"] as const) {
    describe(stack, () => {
      let snapshot: StackSnapshot;
      let baseline: string[];
      before(async () => {
        snapshot = await snapshotOf(stack);
        baseline = summary(await analyze(snapshot));
      });

      it("an unchanged program passes", () => {
        assert.deepEqual(
          baseline.filter((v) => v.startsWith("mandatory")),
          [],
        );
      });

      for (const seed of ["deploy-1", "deploy-2"]) {
        for (const withoutProviders of [false, true]) {
          it(`draws the same verdicts from deployed state (${seed}${withoutProviders ? ", no provider resources" : ""})`, async () => {
            const v = await analyze(asDeployedState(snapshot, { seed }), undefined, {
              providersInStack: !withoutProviders,
            });
            assert.deepEqual(summary(v), baseline);
          });
        }
      }

      it("without Analyze (outputs only), passes deployed state and compares where production declares", async () => {
        const v = await analyze(asDeployedState(snapshot, { seed: "deploy-3" }), undefined, {
          analyzeResources: false,
          providersInStack: false,
        });
        assert.deepEqual(
          summary(v).filter((x) => x.startsWith("mandatory")),
          [],
        );
      });
    });
  }

  it("without Analyze, a drift at a property production declares is still rejected", async () => {
    const drifted = mutate(
      await snapshotOf("staging"),
      "jobs-jobs",
      (p) => void (p.redrivePolicy = JSON.stringify({ ...JSON.parse(String(p.redrivePolicy)), maxReceiveCount: 1 })),
    );
    const v = await analyze(asDeployedState(drifted, { seed: "deploy-3" }), undefined, { analyzeResources: false });
    expectViolation(
      v,
      "stack-parity",
      /jobs-jobs/,
      /redrivePolicy\.maxReceiveCount`: this stack has 1, production has 5/,
    );
  });

  it("the program under the provider model's scenarios and seeds: no mandatory verdict, and deploys differ in nothing but generated values", async () => {
    for (const stack of ["staging", "production"] as const) {
      const first = await snapshotOf(stack);
      const [again, create] = await Promise.all([
        collectStack({ stack, scenario: "update", seed: `${first.seed}-again`, hosts }),
        collectStack({ stack, scenario: "create", seed: first.seed, hosts }),
      ]);
      // The seeds really drew different deploys: else this test would prove nothing.
      const arns = (s: StackSnapshot) => s.resources.map((r) => r.outputs.arn).filter((a) => typeof a === "string");
      assert.notDeepEqual(arns(first), arns(again), `${stack}: two seeds drew the same ARNs`);
      const [a, b, c] = [summary(await analyze(first)), summary(await analyze(again)), summary(await analyze(create))];
      // The provider model knows every default the program leaves to its providers: nothing unplaced.
      assert.deepEqual(
        [...a, ...c].filter((v) => v.includes(UNPLACED_NOTE)),
        [],
        `${stack}: values the lock cannot place`,
      );
      assert.deepEqual(
        a.filter((v) => v.startsWith("mandatory")),
        [],
        `${stack} (update)`,
      );
      assert.deepEqual(b, a, `${stack}: another seed drew other verdicts`);
      assert.deepEqual(
        c.filter((v) => v.startsWith("mandatory")),
        [],
        `${stack} (create)`,
      );
      // A first deploy knows less, never more: what it says beyond the update are "unknown until deployed"
      // notes (never "production declares nothing" for a whole document that is merely unknown).
      assert.deepEqual(
        c.filter((v) => !a.includes(v) && !/is unknown until deployment, so its parity/.test(v)),
        [],
        `${stack} (create): verdicts beyond unknown notes`,
      );
    }
  });

  it("a value Check filled in that the lock cannot place is an advisory note, never a violation", async () => {
    const staging = await snapshotOf("staging");
    const v = await analyze(
      mutate(
        staging,
        "jobs-jobs",
        (_p, r) => void (r.checkedInputs = { ...(r.checkedInputs ?? r.inputs), zzUnmodelledDefault: 42 }),
      ),
    );
    assert.deepEqual(
      mandatory(v).map((x) => x.message),
      [],
    );
    assert.ok(
      v.some(
        (x) =>
          x.policyName === "parity-notes" &&
          /jobs-jobs` `zzUnmodelledDefault` is 42 here, where production declares nothing/.test(x.message),
      ),
    );
  });

  it("a value where production leaves the provider's default is a divergence", async () => {
    const staging = await snapshotOf("staging");
    const lock = JSON.parse(fs.readFileSync(DEFAULT_LOCK_FILE, "utf8")) as {
      resources: Record<string, { providerDefaults?: Record<string, unknown> }>;
    };
    const [key, path] = Object.entries(lock.resources).flatMap(([k, r]) =>
      Object.entries(r.providerDefaults ?? {})
        .filter(([, v]) => typeof v === "number")
        .map(([p]) => [k, p] as const),
    )[0];
    const name = key.split("::").pop() as string;
    const v = await analyze(
      mutate(staging, name, (_p, r) => void (r.checkedInputs = { ...(r.checkedInputs ?? r.inputs), [path]: 987654 })),
    );
    expectViolation(v, "stack-parity", new RegExp(`\`${path}\`: this stack has 987654, production has \\d+`));
  });

  it("every provider-filled output a resource gains draws no new verdict", async () => {
    const staging = await snapshotOf("staging");
    const noisy = structuredClone(staging) as StackSnapshot;
    for (const r of noisy.resources as unknown as { outputs: Record<string, unknown> }[]) {
      Object.assign(r.outputs, {
        region: "us-east-1",
        tagsAll: { extra: "x" },
        zzDefaultNumber: 300,
        zzDefaultClass: "STANDARD",
        zzNested: { enabled: false },
      });
    }
    assert.deepEqual(summary(await analyze(noisy)), summary(await analyze(staging)));
  });
});
