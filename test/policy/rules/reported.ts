import * as assert from "node:assert/strict";
import type { PolicyConfigInput, PolicyVerdict } from "../../../tools/simulator/analyzer";
import type { StackSnapshot } from "../../../tools/simulator/snapshot";
import { runRules, violationsOf } from "../../support/rule-harness";
import { asDeployedState } from "../deployed-state";

/**
 * The rule tests' view of one policy's verdict on a snapshot, in process: which resources it rejected
 * and with which facts. The generic "Fix: …" tail of a message is not a fact of the case (and moves
 * to the policy's remediation steps), so `facts` drops it.
 */

/**
 * The two ways a stack reaches the pack: a preview (Analyze gets inputs, AnalyzeStack outputs), and a
 * deployed stack's state (other generated ids, provider-filled outputs, no provider resources).
 */
export const SHAPES = [
  {
    name: "preview",
    run: (s: StackSnapshot, policy: string, config?: PolicyConfigInput) => rejected(s, policy, config),
  },
  {
    name: "deployed state",
    run: (s: StackSnapshot, policy: string, config?: PolicyConfigInput) =>
      rejected(asDeployedState(s, { seed: "rule-check" }), policy, config, false),
  },
] as const;

/** The mandatory verdicts of `policy` alone on `snapshot`. */
export async function rejected(
  snapshot: StackSnapshot,
  policy: string,
  config?: PolicyConfigInput,
  providersInStack = true,
): Promise<PolicyVerdict[]> {
  return violationsOf(await runRules(snapshot, { only: [policy], config, providersInStack }), policy);
}

/** Each verdict as `resource: message`, without the generic fix. */
export function facts(verdicts: readonly PolicyVerdict[]): string[] {
  return verdicts.map((v) => `${v.resourceName ?? "(stack)"}: ${finding(v).split(" Fix: ")[0]}`);
}

/** The message's own line: the CLI prints the policy's description above it. */
export function finding(v: PolicyVerdict): string {
  return v.message.split("\n").pop() as string;
}

/** Asserts `verdicts` name exactly `resources` (in order), each message matching its pattern. */
export function expectFacts(
  verdicts: readonly PolicyVerdict[],
  expected: readonly [resource: string, pattern: RegExp][],
): void {
  assert.deepEqual(
    verdicts.map((v) => v.resourceName),
    expected.map(([r]) => r),
    facts(verdicts).join("\n"),
  );
  verdicts.forEach((v, i) => assert.match(finding(v), expected[i][1]));
}
