import * as assert from "node:assert/strict";
import type { PolicyVerdict } from "../../tools/offline/analyzer";
import type { StackSnapshot } from "../../tools/offline/snapshot";
import { asDeployedState } from "./deployed-state";
import { analyze, closePack, snapshotOf } from "./harness";

/** What a reviewer reads of a verdict: policy, level and message, in a stable order. */
function summary(verdicts: PolicyVerdict[]): string[] {
  return verdicts.map((v) => `${v.enforcementLevel} ${v.policyName}: ${v.message}`).sort();
}

describe("the pack on real stack state", function () {
  this.timeout(180_000);
  after(closePack);

  for (const stack of ["staging", "production"] as const) {
    describe(stack, () => {
      let snapshot: StackSnapshot;
      let baseline: string[];
      before(async () => {
        snapshot = await snapshotOf(stack);
        baseline = summary(await analyze(snapshot));
      });

      it("an unchanged program passes", () => {
        assert.deepEqual(baseline.filter((v) => v.startsWith("mandatory")), []);
      });

      for (const seed of ["deploy-1", "deploy-2"]) {
        for (const withoutProviders of [false, true]) {
          it(`draws the same verdicts from deployed state (${seed}${withoutProviders ? ", no provider resources" : ""})`, async () => {
            const v = await analyze(asDeployedState(snapshot, { seed }), undefined, { providersInStack: !withoutProviders });
            assert.deepEqual(summary(v), baseline);
          });
        }
      }
    });
  }
});
