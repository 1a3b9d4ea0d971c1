import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Policy, PolicyPackArgs, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import * as policyModule from "@pulumi/policy/policy";
import * as protoutil from "@pulumi/policy/protoutil";
import * as server from "@pulumi/policy/server";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { PACK_NAME, packArgs } from "../../policy/policies";
import {
  type AnalyzeOptions,
  DEFAULT_PACK_DIR,
  inReportOrder,
  type PolicyConfigInput,
  type PolicyVerdict,
  stackDiagnosticUrn,
  toAnalyzerInfo,
  toVerdicts,
} from "../../tools/simulator/analyzer";
import { WireEncoder } from "../../tools/simulator/analyzer-wire";
import { resolvePolicyConfig, type ResolvedPolicyConfig } from "../../tools/simulator/policy-config";
import type { AnalyzerInfo } from "../../tools/simulator/policy-types";
import type { CollectedResource, StackSnapshot } from "../../tools/simulator/snapshot";
import { asDeployedState } from "../policy/deployed-state";
import { expectViolation, mandatory } from "../policy/harness";

/**
 * The pack's real policies run in mocha's own process, through the policy SDK's own request
 * handling (`makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun` of @pulumi/policy/server.js, the functions
 * its gRPC server registers), fed the same request bytes the offline CLI sends the pack server
 * (analyzer-wire.ts) and read back with the same decoding (analyzer.ts `toVerdicts`). A rule is then
 * tested in milliseconds, and Stryker's per-test coverage sees which test reaches which line of the pack.
 *
 * Modelled on pulumi/pulumi-policy-aws, which tests each rule in process with validation args it
 * builds by hand (src/tests/util.ts createResourceValidationArgs / createStackValidationArgs; each case
 * the happy path plus one change, src/tests/database.spec.ts). Here the args are the SDK's own, built
 * from the real program's snapshots, so the provider model's realistic shapes reach the rules.
 *
 * What the pack server holds as process state and this process cannot set, the harness supplies:
 * - Config: the SDK's `configure` handler is not exported and keeps `policyPackConfig` in its module,
 *   so each policy is handed a wrapped copy whose validate functions see `getConfig` return the
 *   config reconciled exactly as the offline CLI reconciles it (policy-reconcile.ts), and whose
 *   `enforcementLevel` is the reconciled level (what the SDK falls back to with no Configure).
 * - Stack tags (ConfigureStack): none, as the offline CLI sends for a snapshot (identityOf); the
 *   pack reads none. Remediate is not run: no policy of the pack remediates (refused below if one does).
 * test/policy/rule-harness.test.ts holds this harness to the real pack server's verdicts.
 */

export interface RunRulesOptions extends Omit<AnalyzeOptions, "stack"> {
  /**
   * Policy names to run (others are left out, as if not in the pack). `declared-inputs` always runs:
   * the stack policies read what it records in Analyze.
   */
  readonly only?: readonly string[];
  /** The user's `--policy-pack-config`, reconciled with the pack's schemas as the CLI does. */
  readonly config?: PolicyConfigInput;
}

type Callback<T> = (err: Error | null | undefined, res: T | undefined) => void;
type RpcFun<Req, Res> = (call: { request: Req }, callback: Callback<Res>) => Promise<void>;
type MakeRpcFun<Req, Res> = (packName: string, version: string, level: string, policies: Policy[]) => RpcFun<Req, Res>;

/** The SDK's internal exports (marked @internal, so absent from its .d.ts files). */
const sdk = {
  server: server as unknown as {
    makeAnalyzeRpcFun: MakeRpcFun<analyzerpb.AnalyzeRequest, analyzerpb.AnalyzeResponse>;
    makeAnalyzeStackRpcFun: MakeRpcFun<analyzerpb.AnalyzeStackRequest, analyzerpb.AnalyzeResponse>;
  },
  protoutil: protoutil as unknown as {
    makeAnalyzerInfo(
      name: string,
      version: string,
      level: string,
      args: PolicyPackArgs,
      initialConfig?: unknown,
    ): analyzerpb.AnalyzerInfo;
  },
  policy: policyModule as unknown as { getPulumiType(fn: unknown): string | undefined },
};

const DECLARED_INPUTS = "declared-inputs";
const PACK_LEVEL = packArgs.enforcementLevel ?? "advisory";
/** What the SDK reads from the pack's package.json when the pack starts (PolicyPack's constructor). */
const PACK_VERSION = (
  JSON.parse(fs.readFileSync(path.join(DEFAULT_PACK_DIR, "package.json"), "utf8")) as { version: string }
).version;

/** The pack's GetAnalyzerInfo, built by the SDK's own encoder and read as the offline CLI reads it. */
export const packInfo: AnalyzerInfo = toAnalyzerInfo(
  sdk.protoutil.makeAnalyzerInfo(PACK_NAME, PACK_VERSION, PACK_LEVEL, packArgs),
);

/** The pack keeps what declared-inputs records in module state: one run at a time, as the pack server. */
let queue: Promise<unknown> = Promise.resolve();

/** The pack's verdicts on `snapshot`, in the order and shape `PolicyPackServer.analyzeStack` returns them. */
export function runRules(snapshot: StackSnapshot, options: RunRulesOptions = {}): Promise<PolicyVerdict[]> {
  const run = queue.then(() => runOnce(snapshot, options));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(snapshot: StackSnapshot, options: RunRulesOptions): Promise<PolicyVerdict[]> {
  const config = resolvePolicyConfig(packInfo, options.config);
  const selected = selectPolicies(options.only).map((p) => configured(p, config[p.name]));
  const args = [PACK_NAME, PACK_VERSION, PACK_LEVEL, selected] as const;
  const state = options.mode === "state";
  const encode = new WireEncoder(snapshot, { state });
  const byUrn = new Map(snapshot.resources.map((r) => [r.urn, r]));
  const verdicts: PolicyVerdict[] = [];
  try {
    if (options.analyzeResources !== false) {
      const analyze = sdk.server.makeAnalyzeRpcFun(...args);
      for (const r of snapshot.resources) {
        const res = await call(analyze, analyzerpb.AnalyzeRequest.deserializeBinary(encode.analyzeRequest(r)));
        verdicts.push(...toVerdicts(res, "resource", () => r.urn, byUrn));
      }
    }
    const included = (r: CollectedResource) =>
      options.providersInStack !== false || !r.type.startsWith("pulumi:providers:");
    const stackRequest = analyzerpb.AnalyzeStackRequest.deserializeBinary(
      await encode.analyzeStackRequest(100, included),
    );
    const res = await call(sdk.server.makeAnalyzeStackRpcFun(...args), stackRequest);
    verdicts.push(...toVerdicts(res, "stack", (urn) => stackDiagnosticUrn(urn, snapshot, state, included), byUrn));
  } catch (e) {
    forgetDeclarations();
    throw e;
  }
  return inReportOrder(verdicts, snapshot);
}

function selectPolicies(only: readonly string[] | undefined): Policy[] {
  const all = packArgs.policies;
  if (!only) return [...all];
  const known = new Set(all.map((p) => p.name));
  const unknown = only.filter((name) => !known.has(name));
  assert.deepEqual(unknown, [], `not policies of the pack: ${unknown.join(", ")}`);
  return all.filter((p) => p.name === DECLARED_INPUTS || only.includes(p.name));
}

/**
 * A copy of `policy` that runs at its reconciled level and whose validate functions see its
 * reconciled properties through `getConfig`, as the SDK's own getConfig returns them after Configure
 * (a fresh object per call). The SDK's type marker is kept, so its fast path for other types applies.
 */
function configured(policy: Policy, resolved: ResolvedPolicyConfig | undefined): Policy {
  const level = resolved?.enforcementLevel ?? policy.enforcementLevel ?? PACK_LEVEL;
  const properties = resolved?.properties ?? {};
  const withConfig = <F>(fn: F): F => {
    if (typeof fn !== "function") return fn;
    const wrapped = (args: object, ...rest: unknown[]) =>
      fn({ ...args, getConfig: () => ({ ...properties }) }, ...rest);
    const type = sdk.policy.getPulumiType(fn);
    if (type) Object.assign(wrapped, { __pulumiType: type });
    return wrapped as F;
  };
  const copy: Record<string, unknown> = { ...policy, enforcementLevel: level };
  if ("remediateResource" in policy && policy.remediateResource && level === "remediate") {
    throw new Error(
      `${policy.name} remediates: the rule harness does not run Remediate; test it through the pack server (test/policy/harness.ts).`,
    );
  }
  if ("validateResource" in policy && policy.validateResource) {
    const v = policy.validateResource;
    copy.validateResource = Array.isArray(v) ? v.map(withConfig) : withConfig(v);
  }
  if ("validateStack" in policy && policy.validateStack) copy.validateStack = withConfig(policy.validateStack);
  return copy as unknown as Policy;
}

/** declared-inputs forgets a run at the end of AnalyzeStack; a run that failed before it must not leak into the next. */
function forgetDeclarations(): void {
  const declared = packArgs.policies.find((p) => p.name === DECLARED_INPUTS) as
    { validateStack?: () => void } | undefined;
  declared?.validateStack?.();
}

function call<Req, Res>(rpc: RpcFun<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    void rpc({ request }, (err, res) =>
      err || !res ? reject(err ?? new Error("the SDK answered nothing")) : resolve(res),
    );
  });
}

/**
 * The stack's resources as the SDK hands them to a stack policy (`args.resources`, built by its own
 * AnalyzeStack handler from the request the offline CLI sends): for testing the pack's helpers on
 * the real shapes, with the SDK's proxies, parents and providers.
 */
export async function policyResourcesOf(
  snapshot: StackSnapshot,
  options: Pick<RunRulesOptions, "mode" | "providersInStack"> = {},
): Promise<PolicyResource[]> {
  let seen: PolicyResource[] = [];
  const capture: StackValidationPolicy = {
    name: "capture",
    description: "Captures the stack's resources.",
    enforcementLevel: "advisory",
    validateStack: (args) => void (seen = args.resources),
  };
  const included = (r: CollectedResource) =>
    options.providersInStack !== false || !r.type.startsWith("pulumi:providers:");
  const request = await new WireEncoder(snapshot, { state: options.mode === "state" }).analyzeStackRequest(
    100,
    included,
  );
  await call(
    sdk.server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, PACK_LEVEL, [capture]),
    analyzerpb.AnalyzeStackRequest.deserializeBinary(request),
  );
  return seen;
}

/**
 * `snapshot` narrowed to the named resources (by logical name, every type) and the providers they
 * name: a small case for a rule that reads a few resources, with the real program's shapes.
 */
export function narrow(snapshot: StackSnapshot, names: readonly string[]): StackSnapshot {
  const kept = snapshot.resources.filter((r) => names.includes(r.name));
  const missing = names.filter((n) => !kept.some((r) => r.name === n));
  assert.deepEqual(missing, [], `no resource named ${missing.join(", ")} in ${snapshot.stack}`);
  const providers = new Set(kept.map((r) => r.provider?.slice(0, r.provider.lastIndexOf("::"))).filter(Boolean));
  return { ...snapshot, resources: snapshot.resources.filter((r) => kept.includes(r) || providers.has(r.urn)) };
}

/** Mandatory verdicts of `policy`, a resource policy's per resource and a stack policy's alike. */
export function violationsOf(verdicts: PolicyVerdict[], policy: string): PolicyVerdict[] {
  return mandatory(verdicts).filter((v) => v.policyName === policy);
}

/** Runs only `policy` on `snapshot` and asserts it rejected it with a message matching every pattern; returns that verdict. */
export async function expectRuleViolation(
  snapshot: StackSnapshot,
  policy: string,
  patterns: readonly RegExp[],
  options: Omit<RunRulesOptions, "only"> = {},
): Promise<PolicyVerdict> {
  return expectViolation(await runRules(snapshot, { ...options, only: [policy] }), policy, ...patterns);
}

/** Runs only `policy` on `snapshot` and asserts it did not reject it. */
export async function expectNoRuleViolation(
  snapshot: StackSnapshot,
  policy: string,
  options: Omit<RunRulesOptions, "only"> = {},
): Promise<void> {
  const mine = violationsOf(await runRules(snapshot, { ...options, only: [policy] }), policy);
  assert.deepEqual(
    mine.map((v) => `${v.resourceName ?? "(stack)"}: ${v.message}`),
    [],
    `expected no mandatory \`${policy}\` violation`,
  );
}

/**
 * The two ways a stack reaches the pack, as test/policy/policies.test.ts has them: a preview of the
 * program, and a deployed stack's state as `pulumi policy analyze` sends it (no provider resources).
 */
export const RULE_SHAPES: readonly {
  readonly name: string;
  readonly of: (s: StackSnapshot) => StackSnapshot;
  readonly options: RunRulesOptions;
}[] = [
  { name: "preview", of: (s) => s, options: {} },
  {
    name: "deployed state",
    of: (s) => asDeployedState(s, { seed: "drift-check" }),
    options: { providersInStack: false },
  },
];
