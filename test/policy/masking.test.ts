import * as assert from "node:assert/strict";
import type { PropertyDiff } from "../../policy/engine/compare";
import { flatten, SECRET_SHOWN } from "../../policy/engine/flatten";
import { propertyMessage } from "../../policy/rules/stack-parity";
import { SECRET_SIG, SECRET_VALUE, StackSnapshot } from "../../tools/simulator/snapshot";
import { analyze, expectViolation, mutate, snapshotOf } from "./harness";

/** Policy messages mask a value because it is a secret, never because of its property's name. */

describe("policy messages: secrets masked by secretness", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  before(async () => {
    staging = await snapshotOf("staging");
  });

  it("shows a token validity, whose name merely contains `token`", async () => {
    const v = await analyze(mutate(staging, "auth-web-client", (p) => void (p.accessTokenValidity = 120)));
    const hit = expectViolation(
      v,
      "stack-parity",
      /auth-web-client/,
      /`accessTokenValidity`: this stack has 120, production has 60/,
    );
    assert.ok(!hit.message.includes("[secret]"));
  });

  it("masks a secret-marked value whatever the property is called", () => {
    // The policy SDK unwraps secrets before policies run, so the marker is seen where inputs keep it:
    // the lock writer and the parity report flatten snapshots and exports that still carry it.
    const flat = flatten({ timezone: { [SECRET_SIG]: SECRET_VALUE, value: "Hidden/Zone" }, accessTokenValidity: 60 });
    assert.equal(flat.get("timezone"), SECRET_SHOWN);
    const diff: PropertyDiff = {
      resourceKey: "x::schedule",
      resourceType: "aws:scheduler/schedule:Schedule",
      component: "jobs",
      path: "timezone",
      staging: flat.get("timezone"),
      production: "UTC",
      class: "divergent",
    };
    const message = propertyMessage(diff, false);
    assert.match(message, /property `timezone`: this stack has "\[secret\]", production has "UTC"/);
    assert.ok(!message.includes("Hidden/Zone"));
    assert.match(
      propertyMessage(
        { ...diff, path: "accessTokenValidity", staging: flat.get("accessTokenValidity"), production: 30 },
        false,
      ),
      /this stack has 60, production has 30/,
    );
  });
});
