import * as assert from "node:assert/strict";
import type { PolicyVerdict } from "../tools/simulator/analyzer";
import type { CollectedResource, StackSnapshot } from "../tools/simulator/snapshot";
import { UNPLACED_NOTE } from "../policy/engine/compare";
import { StackResult, toJson, toText, withoutStackFrames } from "../tools/preview";
import { collectedResource } from "./support/collected-resource";

/** The preview's text, read top-down: verdicts first, then what must be fixed, then notes, then the plan. */

function resource(name: string, type: string, parent?: string): CollectedResource {
  // A bare `urn:<name>` has no `::`, so the name is given rather than read from it.
  return collectedResource(`urn:${name}`, type, { name, ...(parent ? { parent: `urn:${parent}` } : {}) });
}

const snapshot: StackSnapshot = {
  stack: "staging",
  project: "parity",
  resources: [
    resource("parity-staging", "pulumi:pulumi:Stack"),
    resource("db", "parity:components:Database", "parity-staging"),
    resource("db-instance", "aws:rds/instance:Instance", "db"),
    resource("db-params", "aws:rds/parameterGroup:ParameterGroup", "db"),
  ],
  outputs: {},
  notes: [],
} as unknown as StackSnapshot;

const verdict = (
  policyName: string,
  enforcementLevel: string,
  message: string,
  resourceName?: string,
): PolicyVerdict => ({
  policyPackName: "parity",
  policyPackVersion: "0.1.0",
  policyName,
  enforcementLevel,
  description: `${policyName} description.`,
  message: `${policyName} description.\n${message}`,
  ...(resourceName ? { urn: `urn:${resourceName}`, resourceType: "aws:rds/instance:Instance", resourceName } : {}),
});

describe("preview text: what a reviewer reads first", () => {
  const verdicts = [
    verdict(
      "parity-notes",
      "advisory",
      "Env var `PAYMENTS_MODE` of `web-task/app` differs from production as declared by `payments-sandbox` (test here, live in production).",
    ),
    verdict(
      "parity-notes",
      "advisory",
      "Env var `PAYMENTS_MODE` of `worker-task/app` differs from production as declared by `payments-sandbox` (test here, live in production).",
    ),
    verdict(
      "parity-notes",
      "advisory",
      "`x` `y` is unknown until deployment, so its parity with production (1) is not proven by this preview.",
    ),
    verdict(
      "stack-parity",
      "mandatory",
      '`db-params` property `parameters[name=timezone].value`: this stack has "Europe/Paris", production has "UTC" (parity.lock.json). Fix: make this stack build it the way production does.',
    ),
    verdict(
      "encryption-at-rest",
      "mandatory",
      "db-instance is not encrypted. Fix: `storageEncrypted: true`.",
      "db-instance",
    ),
  ];
  const text = toText([{ stack: "staging", snapshot, verdicts }], { isTTY: false });
  const lines = text.split("\n");

  it("puts the verdict first, then mandatory violations, lock changes, declared count, notes and the plan", () => {
    assert.equal(
      lines[0],
      "staging: 4 to create; 2 mandatory, 3 advisory violations, 0 unplaced values; policy check FAILED",
    );
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const order = [
      at(/^Mandatory violations: fix before this stack ships \(1\):$/),
      at(/- aws:rds:Instance: db-instance$/),
      at(/Fix: `storageEncrypted: true`/),
      at(/^Changed against parity\.lock\.json: production's structure \(1\):$/),
      at(/this stack has "Europe\/Paris", production has "UTC"/),
      at(
        /^Declared differences: 2 from 1 declaration in known-differences\.yaml \(payments-sandbox\); why each exists: docs\/staging-notes\.md \(--verbose lists them\)\.$/,
      ),
      at(/^Advisory notes \(1\):$/),
      at(/is unknown until deployment/),
      at(/^Plan: 4 to create, by component/),
      at(/^ {4}\+ db +parity:components:Database +3$/),
    ];
    assert.ok(
      order.every((n) => n > 0),
      `every section is present: ${order.join(", ")}`,
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      "in reading order",
    );
  });

  it("says a note once for every service it concerns, and never names `the stack` as a resource", () => {
    const verbose = toText([{ stack: "staging", snapshot, verdicts }], { isTTY: false }, { verbose: true });
    assert.equal(verbose.match(/Env var `PAYMENTS_MODE` differs from production/g)?.length, 1);
    assert.match(verbose, /- web-task\/app, worker-task\/app\n {8}Env var `PAYMENTS_MODE` differs/);
    assert.doesNotMatch(verbose, /the stack$/m);
    assert.match(
      verbose,
      /^ \+ {3}│? *└─ aws:rds:ParameterGroup +db-params +create$/m,
      `--verbose draws the whole tree:\n${verbose}`,
    );
  });

  it("prints an error several stacks share once, without the pack's JS stack frames", () => {
    const message = withoutStackFrames(
      "AnalyzeStack failed: Error validating:\nkd.yaml has 1 problem:\n  - entry 1: bad\n    at parseKnownDifferences (/x/known-differences.ts:1:1)\n    at next (<anonymous>)",
    );
    assert.equal(message, "AnalyzeStack failed: Error validating:\nkd.yaml has 1 problem:\n  - entry 1: bad");
    const results: StackResult[] = ["production", "staging"].map((stack) => ({
      stack,
      error: { kind: "pack", message },
    }));
    const out = toText(results, { isTTY: false });
    assert.equal(out.match(/kd\.yaml has 1 problem/g)?.length, 1);
    assert.match(
      out,
      /^production: error \(pack\)\nstaging: error \(pack\)\n\nerror: stacks production, staging: AnalyzeStack failed/,
    );
  });
  it("counts the values parity.lock.json cannot place in the verdict line, a note in staging and a stale lock in production", () => {
    const unplaced = (level: string, policy: string) =>
      verdict(policy, level, `\`q\` \`zz\` is 42 here, ${UNPLACED_NOTE}: a default the offline provider model lacks.`);
    const [staging] = toText(
      [{ stack: "staging", snapshot, verdicts: [unplaced("advisory", "parity-notes"), verdicts[2]] }],
      { isTTY: false },
    ).split("\n");
    assert.equal(
      staging,
      "staging: 4 to create; 0 mandatory, 2 advisory violations, 1 unplaced value; policy check passed",
    );
    const [production] = toText(
      [
        {
          stack: "production",
          snapshot,
          verdicts: [unplaced("mandatory", "stack-parity"), unplaced("mandatory", "stack-parity")],
        },
      ],
      { isTTY: false },
    ).split("\n");
    assert.equal(
      production,
      "production: 4 to create; 2 mandatory, 0 advisory violations, 2 unplaced values; policy check FAILED",
    );
    const json = toJson([{ stack: "staging", snapshot, verdicts: [unplaced("advisory", "parity-notes")] }]) as {
      stacks: { summary: { unplaced: number } }[];
    };
    assert.equal(json.stacks[0].summary.unplaced, 1);
  });
});
