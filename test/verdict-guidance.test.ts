import * as assert from "node:assert/strict";
import type { PolicyVerdict } from "../tools/simulator/analyzer";
import type { AnalyzerInfo } from "../tools/simulator/policy-types";
import { guidanceOf, renderVerdicts, styleFor } from "../tools/simulator/render";

/** A policy's fix and link are printed once under its violations, read from GetAnalyzerInfo, never per message. */

const plain = styleFor({ isTTY: false });

function verdict(policyName: string, message: string, extra: Partial<PolicyVerdict> = {}): PolicyVerdict {
  return {
    policyPackName: "parity",
    policyName,
    enforcementLevel: "mandatory",
    description: `${policyName} says why`,
    message,
    ...extra,
  };
}

const info: AnalyzerInfo = {
  name: "parity",
  version: "0.1.0",
  initialConfig: {},
  policies: [
    {
      name: "encryption-at-rest",
      description: "",
      enforcementLevel: "mandatory",
      type: "stack",
      remediationSteps: "Encrypt it with the stack's key.",
      url: "docs/policy-pack.md#policies",
    },
    { name: "schedule-timezone", description: "", enforcementLevel: "mandatory", type: "resource" },
  ],
};

describe("a policy's remediation steps in the verdicts", () => {
  it("come once per policy, after its violations, with its url", () => {
    const text = renderVerdicts(
      [
        verdict("encryption-at-rest", "`a` is not encrypted.", {
          resourceType: "aws:sqs/queue:Queue",
          resourceName: "a",
        }),
        verdict("encryption-at-rest", "`b` is not encrypted.", {
          resourceType: "aws:sqs/queue:Queue",
          resourceName: "b",
        }),
      ],
      plain,
      guidanceOf(info),
    );
    const lines = text.split("\n");
    assert.equal(lines.filter((l) => l.includes("How to fix")).length, 1);
    assert.equal(lines[lines.length - 2], "    How to fix: Encrypt it with the stack's key.");
    assert.equal(lines[lines.length - 1], "    More: docs/policy-pack.md#policies");
    assert.ok(
      lines.findIndex((l) => l.includes("sqs/queue: b")) < lines.findIndex((l) => l.includes("How to fix")),
      "after the violations",
    );
  });

  it("are left out for a policy that gives none, for another pack's policy of the same name, and without the pack's info", () => {
    const guidance = guidanceOf(info);
    assert.doesNotMatch(
      renderVerdicts([verdict("schedule-timezone", "no timezone")], plain, guidance),
      /How to fix|More:/,
    );
    assert.doesNotMatch(
      renderVerdicts([verdict("encryption-at-rest", "x", { policyPackName: "awsguard" })], plain, guidance),
      /How to fix/,
    );
    const bare = renderVerdicts([verdict("encryption-at-rest", "x")], plain);
    assert.doesNotMatch(bare, /How to fix|More:/);
    assert.equal(
      renderVerdicts([verdict("encryption-at-rest", "x")], plain, guidance)
        .split("\n")
        .slice(0, 3)
        .join("\n"),
      bare,
      "the rest reads as before",
    );
  });

  it("are not a remediated resource's: that report is no violation to fix", () => {
    const text = renderVerdicts(
      [verdict("encryption-at-rest", "set kmsKeyId", { phase: "remediation" })],
      plain,
      guidanceOf(info),
    );
    assert.match(text, /\[remediated\]/);
    assert.doesNotMatch(text, /How to fix/);
  });
});
