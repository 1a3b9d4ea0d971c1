import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
  AnalyzeOptions,
  DEFAULT_PACK_DIR,
  PolicyConfigInput,
  PolicyPackServer,
  PolicyVerdict,
  startPolicyPack,
} from "../../tools/simulator/analyzer";
import { collectStack } from "../../tools/simulator/engine";
import { HostPool } from "../../tools/simulator/host-pool";
import { randomSeed } from "../../tools/simulator/provider-model/seeded";
import type { CollectedResource, StackSnapshot } from "../../tools/simulator/snapshot";

/**
 * The tests' one way in to the real program and pack: the real program's snapshots (collected once
 * per test run) served to the real, unmodified pack over the analyzer protocol, exactly as
 * `npm run preview` does. The program hosts and the pack servers are shared by every test file and
 * released once, after the whole run (test/hooks.ts calls `releaseShared`).
 */

const snapshots = new Map<string, Promise<StackSnapshot>>();
const packs = new Map<string, Promise<PolicyPackServer>>();

/**
 * Program hosts for every test that runs a program: one host per stack collected at once (two, for
 * both stacks), each taking job after job, so the suite loads the SDKs twice rather than per run.
 */
export const hosts = new HostPool(2);

/**
 * The provider model's seed for this test run: new each run, so every run checks another deploy's
 * generated values; printed so a failure can be rerun with the same values.
 */
export const TEST_SEED = process.env["PARITY_TEST_SEED"] || randomSeed();
let announced = false;

/**
 * The real program's snapshot of `stack` (a deployed stack, `seed` drawing its generated ids and
 * secrets, default this run's TEST_SEED), collected once per test run and shared by every test file.
 * Tests get it read-only: change a copy (`mutate`).
 */
export function snapshotOf(stack: "staging" | "production", seed: string = TEST_SEED): Promise<StackSnapshot> {
  if (!announced) {
    announced = true;
    process.stderr.write(`policy tests: provider model seed ${TEST_SEED} (rerun with PARITY_TEST_SEED=${TEST_SEED})\n`);
  }
  const key = `${stack}\0${seed}`;
  if (!snapshots.has(key)) snapshots.set(key, collectStack({ stack, scenario: "update", seed, hosts }));
  return snapshots.get(key) as Promise<StackSnapshot>;
}

/** Both real stacks' snapshots, collected at once (each program runs in its own process). */
export function bothSnapshots(): Promise<[StackSnapshot, StackSnapshot]> {
  return Promise.all([snapshotOf("staging"), snapshotOf("production")]);
}

/** The pack in `dir` (default the real one), started once per test run; a pack that failed to start is not kept. */
export function pack(dir: string = DEFAULT_PACK_DIR): Promise<PolicyPackServer> {
  const key = path.resolve(dir);
  let server = packs.get(key);
  if (!server) {
    server = startPolicyPack(key);
    packs.set(key, server);
    server.catch(() => packs.delete(key));
  }
  return server;
}

export async function analyze(
  snapshot: StackSnapshot,
  config?: PolicyConfigInput,
  options?: AnalyzeOptions,
): Promise<PolicyVerdict[]> {
  return (await pack()).analyzeStack(snapshot, config, options);
}

/** Stops the shared packs and hosts and forgets the snapshots: the end of a test run. */
export async function releaseShared(): Promise<void> {
  const servers = [...packs.values()];
  packs.clear();
  snapshots.clear();
  hosts.close();
  await Promise.all(
    servers.map((s) =>
      s.then(
        (server) => server.close(),
        () => undefined,
      ),
    ),
  );
}

/** A deep copy with one change; `change` sees the resource (inputs and outputs changed alike). */
export function mutate(
  snapshot: StackSnapshot,
  name: string,
  change: (props: Record<string, unknown>, r: MutableResource) => void,
  type?: string,
): StackSnapshot {
  const copy = structuredClone(snapshot) as { resources: MutableResource[] } & StackSnapshot;
  const matches = copy.resources.filter((r) => r.name === name && (type === undefined || r.type === type) && r.custom);
  assert.equal(
    matches.length,
    1,
    `expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${matches.length}`,
  );
  const r = matches[0];
  change(r.inputs, r);
  if (r.checkedInputs) change(r.checkedInputs, r);
  change(r.outputs, r);
  return copy;
}

/**
 * A deep copy where only what the program declares changes (inputs and checked inputs): the outputs
 * stay what AWS reports back, as in deployed state where AWS normalised the value.
 */
export function mutateDeclared(
  snapshot: StackSnapshot,
  name: string,
  change: (props: Record<string, unknown>) => void,
  type?: string,
): StackSnapshot {
  return mutate(snapshot, name, (props, r) => void (props !== r.outputs && change(props)), type);
}

export type MutableResource = { -readonly [K in Exclude<keyof CollectedResource, "options">]: CollectedResource[K] } & {
  options: { -readonly [K in keyof CollectedResource["options"]]: CollectedResource["options"][K] };
};

/** The container definitions of a task definition, changed through `change` and written back. */
export function changeContainers(
  change: (containers: ContainerDefinition[]) => void,
): (props: Record<string, unknown>) => void {
  return (props) => {
    const containers = JSON.parse(String(props.containerDefinitions)) as ContainerDefinition[];
    change(containers);
    props.containerDefinitions = JSON.stringify(containers);
  };
}

export interface ContainerDefinition {
  name: string;
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  [k: string]: unknown;
}

export function mandatory(verdicts: PolicyVerdict[]): PolicyVerdict[] {
  return verdicts.filter((v) => v.enforcementLevel === "mandatory");
}

/** Asserts `policy` rejected the stack with a message matching every pattern, and returns it. */
export function expectViolation(verdicts: PolicyVerdict[], policy: string, ...patterns: RegExp[]): PolicyVerdict {
  const mine = mandatory(verdicts).filter((v) => v.policyName === policy);
  const hit = mine.find((v) => patterns.every((p) => p.test(v.message)));
  const seen = mandatory(verdicts)
    .map((v) => `  ${v.policyName}: ${v.message.split("\n").pop()}`)
    .join("\n");
  assert.ok(
    hit,
    `expected a mandatory \`${policy}\` violation matching ${patterns.join(" and ")}; got:\n${seen || "  (none)"}`,
  );
  return hit;
}
