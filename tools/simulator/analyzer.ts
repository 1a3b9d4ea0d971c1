import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { identityOf, packEnvironment, StackIdentity, stackConfigureRequest } from "./analyzer-requests";
import { applyRemediation, Remediation, remediationVerdict } from "./remediation";
import { WireEncoder } from "./analyzer-wire";
import { REPO_ROOT, TS_CACHE } from "./engine";
import {
  AnalyzerInfo,
  EnforcementLevelName,
  InitialPolicyConfig,
  PolicyConfigInput,
  PolicySummary,
  readPolicyConfigFile,
  ResolvedPolicyConfig,
  resolvePolicyConfig,
} from "./policy-config";
import type { CollectedResource, StackSnapshot } from "./snapshot";

/**
 * Serves a CrossGuard policy pack the way the Pulumi CLI does: the pack directory, unmodified, run by
 * `@pulumi/pulumi/cmd/run-policy-pack` in its own process, which prints its gRPC port on stdout;
 * then the analyzer protocol over 127.0.0.1 (GetAnalyzerInfo, Configure, ConfigureStack, Remediate and
 * Analyze per resource, AnalyzeStack), as docs/offline-preview.md describes with the engine source of each.
 */

export type { AnalyzerInfo, PolicyConfigInput } from "./policy-config";
export type { StackIdentity } from "./analyzer-requests";

export interface PolicyVerdict {
  policyPackName: string;
  policyName: string;
  enforcementLevel: string;
  message: string;
  description: string;
  urn?: string;
  resourceType?: string;
  resourceName?: string;
  /**
   * `resource` from Analyze (inputs), `stack` from AnalyzeStack (outputs, the whole stack),
   * `remediation` from Remediate: a report that a remediate-level policy changed the resource's
   * inputs (`remediated` names the top-level properties it changed), never a violation.
   */
  phase?: "resource" | "stack" | "remediation";
  policyPackVersion?: string;
  /** For a remediation: the top-level properties it set, changed or removed (names only, never values). */
  remediated?: string[];
  /** For a remediation: whether its result was applied (a preview) or only reported (`pulumi policy analyze`). */
  applied?: boolean;
}

/** How the requests are shaped, for the ways the CLI can drive a pack. */
export interface AnalyzeOptions {
  /**
   * Send `Analyze` for every resource before `AnalyzeStack`, as `pulumi preview`/`up` and
   * `pulumi policy analyze` do. @default true
   */
  readonly analyzeResources?: boolean;
  /** Leave provider resources out of `AnalyzeStack` (each resource still names its provider). @default true */
  readonly providersInStack?: boolean;
  /**
   * `preview` (the default): as `pulumi preview` drives the pack (step_generator.go): ConfigureStack
   * first, then per resource Remediate, whose results replace the inputs Analyze, the plan and
   * AnalyzeStack see. `state`: as `pulumi policy analyze` does (deploy.AnalyzeSnapshot, the pack loaded
   * without analyzer options): no ConfigureStack, remediations reported but not applied, and
   * `deleteBeforeReplace` never sent.
   */
  readonly mode?: "preview" | "state";
  /** Who the preview runs for (ConfigureStack). @default identityOf(snapshot) */
  readonly stack?: StackIdentity;
}

/**
 * A running pack for a pack directory, lent by a long-lived caller (the test suite) that owns it:
 * the command it is lent to neither starts nor stops one.
 */
export type LentPackServer = (packDir: string, identity?: StackIdentity) => Promise<PolicyPackServer>;

export interface PolicyPackServer {
  analyzeStack(
    snapshot: StackSnapshot,
    policyConfig?: PolicyConfigInput,
    options?: AnalyzeOptions,
  ): Promise<PolicyVerdict[]>;
  info(): Promise<AnalyzerInfo>;
  close(): Promise<void>;
  /** The pack process's stderr so far (what it logged, or why it failed). */
  readonly stderr: string;
  /** How long the last analyzeStack spent in each phase (for the benchmark). */
  readonly lastTimings?: AnalyzeTimings;
  /** The pack process's id (for the benchmark's CPU accounting). */
  readonly pid?: number;
}

export interface AnalyzeTimings {
  readonly resources: number;
  /** Configure + ConfigureStack. */
  readonly configureMs: number;
  /** Every per-resource Analyze call (and encoding the AnalyzeStack request meanwhile). */
  readonly analyzeMs: number;
  readonly analyzeStackMs: number;
}

/** The pack could not be started or failed while analyzing; carries the pack's stderr. */
export class PolicyPackError extends Error {
  constructor(
    message: string,
    readonly stderr = "",
  ) {
    super(stderr.trim() ? `${message}\n${indent(stderr.trim())}` : message);
    this.name = "PolicyPackError";
  }
}

export const DEFAULT_PACK_DIR = path.join(REPO_ROOT, "policy");
const START_TIMEOUT_MS = 120_000;
/** Analyze calls in flight at once; the engine also analyzes steps concurrently. */
const ANALYZE_CONCURRENCY = 32;
const LEVELS: Record<number, EnforcementLevelName> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_ENUM: Record<EnforcementLevelName, analyzerpb.EnforcementLevel> = {
  advisory: analyzerpb.EnforcementLevel.ADVISORY,
  mandatory: analyzerpb.EnforcementLevel.MANDATORY,
  disabled: analyzerpb.EnforcementLevel.DISABLED,
  remediate: analyzerpb.EnforcementLevel.REMEDIATE,
};

export interface StartOptions {
  /**
   * Type-check the pack on load exactly as the CLI's run-policy-pack does (slow: ~20 s with
   * @pulumi/aws types). Default false: transpile-only, since `npm run typecheck` covers the pack.
   */
  readonly typeCheck?: boolean;
  /**
   * The stack the pack process runs for: its environment gets what the CLI's constructEnv adds
   * (PULUMI_CONFIG, PULUMI_NODEJS_*, PULUMI_*). Without one the pack gets only this process's
   * environment, as under `pulumi policy analyze`, which loads packs without analyzer options.
   */
  readonly identity?: StackIdentity;
}

const TRANSPILE_ONLY_PRELOAD = ["-r", TS_CACHE, "-r", path.join(__dirname, "pack-transpile-only.ts")];
/**
 * V8's heap sizing for the pack process, which spends a big AnalyzeStack in one synchronous stretch
 * allocating short-lived proxies: by default V8 lets the old generation grow to a few times the last
 * live size before collecting again, so on the 19,229-resource export the pack peaked well above
 * what it held. Collecting once the heap is 30% past the last live size costs more collections
 * (bench/results.md: 10% with 4 MB semi-spaces took 60 s of pack CPU instead of 46 s to save 58 MiB)
 * and keeps the peak near the live set. A soft setting: it changes when V8 collects, never how much the pack may hold, and no verdict.
 */
const PACK_HEAP = ["--heap-growing-percent=30"];

export async function startPolicyPack(
  packDir: string = DEFAULT_PACK_DIR,
  opts: StartOptions = {},
): Promise<PolicyPackServer> {
  const dir = path.resolve(packDir);
  const runner = locateRunner(dir);
  // Arguments as the CLI's pulumi-analyzer-policy passes them: an engine address, then the pack dir.
  const preload = opts.typeCheck ? [] : TRANSPILE_ONLY_PRELOAD;
  // A profiling aid (e.g. `--cpu-prof`), which NODE_OPTIONS does not accept.
  const extra = (process.env["PARITY_PACK_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...PACK_HEAP, ...extra, ...preload, runner, "127.0.0.1:0", "."], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    // No cloud offline: a pack that calls AWS (awsguard's acm-certificate-expiration does) fails at
    // once for want of credentials instead of probing the EC2 metadata service for them.
    env: {
      AWS_EC2_METADATA_DISABLED: "true",
      ...process.env,
      ...(opts.identity ? packEnvironment(opts.identity) : {}),
    },
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const output = { stderr: "" };
  child.stderr?.on("data", (d: Buffer) => (output.stderr += d.toString()));
  let port: number;
  try {
    port = await readPort(child, output, dir);
  } catch (e) {
    child.kill("SIGKILL");
    process.off("exit", killOnExit);
    throw e;
  }
  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 1 << 30,
    "grpc.max_send_message_length": 1 << 30,
  });
  return new PackServer(dir, child, client, output, () => process.off("exit", killOnExit));
}

/** Start the pack, analyze one snapshot, stop the pack. */
export async function analyzeStack(
  snapshot: StackSnapshot,
  opts: { packDir?: string; policyConfig?: PolicyConfigInput; policyConfigFile?: string; typeCheck?: boolean } = {},
): Promise<PolicyVerdict[]> {
  const policyConfig =
    opts.policyConfig ?? (opts.policyConfigFile ? readPolicyConfigFile(opts.policyConfigFile) : undefined);
  const server = await startPolicyPack(opts.packDir, { typeCheck: opts.typeCheck });
  try {
    return await server.analyzeStack(snapshot, policyConfig);
  } finally {
    await server.close();
  }
}

/**
 * Checks, without starting it, that `packDir` is a pack whose dependencies are installed; throws
 * the same `PolicyPackError` startPolicyPack would, so a caller can fail before running programs.
 */
export function checkPolicyPack(packDir: string = DEFAULT_PACK_DIR): void {
  locateRunner(path.resolve(packDir));
}

function locateRunner(dir: string): string {
  if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
    throw new PolicyPackError(
      `${dir} is not a policy pack: PulumiPolicy.yaml is missing (the CLI requires it; it holds \`runtime: nodejs\`).`,
    );
  }
  try {
    require.resolve("@pulumi/policy", { paths: [dir] });
  } catch {
    throw new PolicyPackError(
      `The policy pack in ${dir} cannot load @pulumi/policy: neither ${path.join(dir, "node_modules")} nor a parent node_modules has it. ` +
        "Run `npm ci` at the repo root (the pack is an npm workspace), or `npm install` in the pack directory.",
    );
  }
  try {
    return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
  } catch {
    throw new PolicyPackError(
      `The policy pack in ${dir} cannot load @pulumi/pulumi (its run-policy-pack host); run \`npm ci\` at the repo root.`,
    );
  }
}

function readPort(child: ChildProcess, output: { stderr: string }, dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(
      () =>
        reject(
          new PolicyPackError(
            `The policy pack in ${dir} did not report its port within ${START_TIMEOUT_MS / 1000} s.`,
            output.stderr,
          ),
        ),
      START_TIMEOUT_MS,
    );
    const onData = (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split("\n").find((l) => /^\d+$/.test(l.trim()));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      // Keep draining stdout so a chatty pack never blocks on a full pipe.
      child.stdout?.resume();
      resolve(Number(line.trim()));
    };
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      const detail = [output.stderr, stdout].filter((s) => s.trim()).join("\n");
      reject(
        new PolicyPackError(`The policy pack in ${dir} exited (${signal ?? `code ${code}`}) before serving:`, detail),
      );
    };
    child.stdout?.on("data", onData);
    child.on("exit", onExit);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new PolicyPackError(`Could not start the policy pack in ${dir}: ${e.message}`));
    });
  });
}

/** The unary methods this harness calls, by their response type. */
interface AnalyzerRpcs {
  getAnalyzerInfo: analyzerpb.AnalyzerInfo;
  configure: Empty;
  configureStack: analyzerpb.AnalyzerStackConfigureResponse;
}
type Unary = (req: unknown, cb: (err: grpc.ServiceError | null, res: unknown) => void) => unknown;

class PackServer implements PolicyPackServer {
  private cachedInfo?: Promise<AnalyzerInfo>;
  lastTimings?: AnalyzeTimings;
  /** The pack keeps its config and stack tags in process-global state: one stack at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The config the pack holds (JSON), once a Configure has succeeded. */
  private configured?: string;

  constructor(
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly client: AnalyzerClient,
    private readonly output: { stderr: string },
    private readonly detach: () => void,
  ) {}

  get stderr(): string {
    return this.output.stderr;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private call<M extends keyof AnalyzerRpcs>(method: M, req: unknown, what: string): Promise<AnalyzerRpcs[M]> {
    return new Promise((resolve, reject) => {
      const rpc = this.client[method] as unknown as Unary;
      rpc.call(this.client, req, (err, res) =>
        err ? reject(this.rpcFailure(err, what)) : resolve(res as AnalyzerRpcs[M]),
      );
    });
  }

  /** Analyze/AnalyzeStack with a request already encoded to protobuf bytes (analyzer-wire.ts). */
  private callRaw(
    method: "Analyze" | "AnalyzeStack",
    request: Buffer,
    what: string,
  ): Promise<analyzerpb.AnalyzeResponse> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/pulumirpc.Analyzer/${method}`,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => analyzerpb.AnalyzeResponse.deserializeBinary(bytes),
        request,
        (err, res) => (err || !res ? reject(this.rpcFailure(err, what)) : resolve(res)),
      );
    });
  }

  private rpcFailure(err: grpc.ServiceError | null, what: string): PolicyPackError {
    const exited = this.child.exitCode !== null || this.child.signalCode !== null;
    const why = exited
      ? `the pack process exited (${this.child.signalCode ?? `code ${this.child.exitCode}`})`
      : err?.details || err?.message || "no response";
    return new PolicyPackError(`Policy pack ${path.basename(this.dir)}: ${what} failed: ${why}`, this.output.stderr);
  }

  info(): Promise<AnalyzerInfo> {
    this.cachedInfo ??= this.call("getAnalyzerInfo", new Empty(), "GetAnalyzerInfo").then(toAnalyzerInfo);
    return this.cachedInfo;
  }

  analyzeStack(
    snapshot: StackSnapshot,
    policyConfig?: PolicyConfigInput,
    options: AnalyzeOptions = {},
  ): Promise<PolicyVerdict[]> {
    const run = this.queue.then(() => this.analyzeOne(snapshot, policyConfig, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async analyzeOne(
    given: StackSnapshot,
    policyConfig: PolicyConfigInput | undefined,
    options: AnalyzeOptions,
  ): Promise<PolicyVerdict[]> {
    const started = performance.now();
    const state = options.mode === "state";
    const info = await this.info();
    await this.configure(resolvePolicyConfig(info, policyConfig));
    // NewPolicyAnalyzer sends ConfigureStack only when loaded with analyzer options, which
    // `pulumi policy analyze` never passes (pkg/cmd/pulumi/policy/policy_analyze.go: LoadLocalPolicyPackAnalyzers(..., nil)).
    if (!state) {
      await this.call(
        "configureStack",
        stackConfigureRequest(options.stack ?? identityOf(given)),
        "ConfigureStack",
      ).catch((e: PolicyPackError) => {
        // Older packs do not implement ConfigureStack; the CLI carries on without stack tags too.
        if (!/unimplemented/i.test(e.message)) throw e;
      });
    }
    const configured = performance.now();
    const verdicts: PolicyVerdict[] = [];
    const resources = options.analyzeResources === false ? [] : given.resources;
    const remediated = await this.remediate(given, resources, state, verdicts);
    const snapshot = remediated ?? given;
    const byUrn = new Map(snapshot.resources.map((r) => [r.urn, r]));
    const encode = new WireEncoder(snapshot, { state });
    const analyzed = options.analyzeResources === false ? [] : snapshot.resources;
    let next = 0;
    const worker = async () => {
      while (next < analyzed.length) {
        const r = analyzed[next++];
        const res = await this.callRaw("Analyze", encode.analyzeRequest(r), `Analyze ${r.urn}`);
        // step_generator.go: "we always use the URN we have here rather than a URN specified with the diagnostic".
        verdicts.push(...toVerdicts(res, "resource", () => r.urn, byUrn));
      }
    };
    const analyzing = Promise.all(Array.from({ length: Math.min(ANALYZE_CONCURRENCY, analyzed.length) }, worker));
    analyzing.catch(() => undefined); // Awaited below; this only stops an early failure being "unhandled".
    // Encoded between Analyze round trips, so the pack is not left idle while this process works;
    // sent, as the CLI does, only after every Analyze has answered.
    const withProviders = options.providersInStack !== false;
    const included = (r: CollectedResource) => withProviders || !r.type.startsWith("pulumi:providers:");
    const stackRequest = await encode.analyzeStackRequest(100, included);
    await analyzing;
    const analyzedAt = performance.now();
    const stackRes = await this.callRaw("AnalyzeStack", stackRequest, "AnalyzeStack");
    for (const v of toVerdicts(stackRes, "stack", stackDiagnosticUrns(snapshot, state, included), byUrn))
      verdicts.push(v);
    this.lastTimings = {
      resources: snapshot.resources.length,
      configureMs: configured - started,
      analyzeMs: analyzedAt - configured,
      analyzeStackMs: performance.now() - analyzedAt,
    };
    return inReportOrder(verdicts, snapshot);
  }

  /**
   * The first pass of step_generator.go's analyzer loop: Remediate each resource (its inputs with
   * internal keys kept), report every remediation, and — in a preview — use its properties from then
   * on. Returns the snapshot with remediations applied, or undefined when nothing changed.
   */
  private async remediate(
    snapshot: StackSnapshot,
    resources: readonly CollectedResource[],
    state: boolean,
    verdicts: PolicyVerdict[],
  ): Promise<StackSnapshot | undefined> {
    const encode = new WireEncoder(snapshot, { state });
    const changed = new Map<string, CollectedResource>();
    let next = 0;
    const worker = async () => {
      while (next < resources.length) {
        const r = resources[next++];
        const res = await this.callRemediate(encode.remediateRequest(r), `Remediate ${r.urn}`);
        let current = r;
        for (const remediation of res) {
          if (remediation.diagnostic) {
            verdicts.push(remediationDiagnostic(remediation, r));
            continue;
          }
          if (!remediation.properties) continue;
          const after = applyRemediation(current, remediation.properties);
          verdicts.push(remediationVerdict(remediation, current, after, !state));
          // analyze_snapshot.go reports what would change "without applying"; a preview applies it.
          if (!state) current = after;
        }
        if (current !== r) changed.set(r.urn, current);
      }
    };
    await Promise.all(Array.from({ length: Math.min(ANALYZE_CONCURRENCY, resources.length) }, worker));
    if (changed.size === 0) return undefined;
    return { ...snapshot, resources: snapshot.resources.map((r) => changed.get(r.urn) ?? r) };
  }

  /** Remediate, or nothing from a pack that does not implement it (analyzer.Remediate treats Unimplemented as no remediations). */
  private callRemediate(request: Buffer, what: string): Promise<Remediation[]> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        "/pulumirpc.Analyzer/Remediate",
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => analyzerpb.RemediateResponse.deserializeBinary(bytes),
        request,
        (err, res) => {
          if (err?.code === grpc.status.UNIMPLEMENTED) return resolve([]);
          if (err || !res) return reject(this.rpcFailure(err, what));
          resolve(
            res.getRemediationsList().map((m) => ({
              policyName: m.getPolicyname(),
              policyPackName: m.getPolicypackname(),
              policyPackVersion: m.getPolicypackversion(),
              description: m.getDescription(),
              diagnostic: m.getDiagnostic(),
              ...(m.hasProperties()
                ? { properties: (m.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> }
                : {}),
            })),
          );
        },
      );
    });
  }

  /**
   * Sends the config unless the pack already holds exactly this one: the CLI configures a pack once
   * per run, and a pack's config is process-global, so a repeat changes nothing but costs a schema
   * validation of every policy's config.
   */
  private async configure(config: Record<string, ResolvedPolicyConfig>): Promise<void> {
    const key = JSON.stringify(config);
    if (key === this.configured) return;
    this.configured = undefined;
    const req = new analyzerpb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, c] of Object.entries(config)) {
      const pc = new analyzerpb.PolicyConfig();
      // Always explicit: an unset level decodes as ADVISORY (0) in the pack.
      pc.setEnforcementlevel(LEVEL_ENUM[c.enforcementLevel]);
      pc.setProperties(Struct.fromJavaScript(c.properties as Parameters<typeof Struct.fromJavaScript>[0]));
      map.set(name, pc);
    }
    await this.call("configure", req, "Configure");
    this.configured = key;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    }
    this.detach();
  }
}

/**
 * Responses arrive in any order; report in the snapshot's (registration) order, remediations first.
 * Sorts `verdicts` in place and returns it.
 */
export function inReportOrder(verdicts: PolicyVerdict[], snapshot: StackSnapshot): PolicyVerdict[] {
  const order = new Map(snapshot.resources.map((r, i) => [r.urn, i]));
  const phaseRank = { remediation: 0, resource: 1, stack: 2 } as const;
  const rank = (v: PolicyVerdict) => phaseRank[v.phase ?? "resource"] * 1e9 + (order.get(v.urn ?? "") ?? -1);
  return verdicts.sort((a, b) => rank(a) - rank(b));
}

/**
 * A diagnostic as the CLI reports it: a remediate-level diagnostic that still fires is mandatory
 * (step_generator.go and analyze_snapshot.go "downgrade" it), and `urnOf` says which resource it is
 * attributed to (per phase: the analyzed resource, or the stack rule of stackDiagnosticUrn).
 */
export function toVerdicts(
  res: analyzerpb.AnalyzeResponse,
  phase: "resource" | "stack",
  urnOf: (urn: string) => string | undefined,
  byUrn: Map<string, { type: string; name: string }>,
): PolicyVerdict[] {
  return res.getDiagnosticsList().map((d) => {
    const urn = urnOf(d.getUrn());
    const resource = urn ? byUrn.get(urn) : undefined;
    const level = LEVELS[d.getEnforcementlevel()] ?? "advisory";
    const verdict: PolicyVerdict = {
      policyPackName: d.getPolicypackname(),
      policyPackVersion: d.getPolicypackversion(),
      policyName: d.getPolicyname(),
      enforcementLevel: level === "remediate" ? "mandatory" : level,
      message: d.getMessage(),
      description: d.getDescription(),
      phase,
    };
    if (urn) verdict.urn = urn;
    if (resource) {
      verdict.resourceType = resource.type;
      verdict.resourceName = resource.name;
    }
    return verdict;
  });
}

/**
 * Which resource an AnalyzeStack diagnostic is reported on. A preview keeps its URN only if it names
 * a resource of the stack, else the root stack's (step_generator.go AnalyzeStack:
 * resource.DefaultRootStackURN). `pulumi policy analyze` does the same with the first analyzed
 * resource as the fallback (pkg/engine/check.go runStackAnalysis), the root stack in an export.
 */
export function stackDiagnosticUrn(
  urn: string,
  snapshot: StackSnapshot,
  state: boolean,
  included: (r: CollectedResource) => boolean = () => true,
): string | undefined {
  return stackDiagnosticUrns(snapshot, state, included)(urn);
}

/**
 * stackDiagnosticUrn for one AnalyzeStack response: the sent URNs indexed once, not filtered and
 * scanned again for each of its diagnostics (19,117 of them on issue 20's export).
 */
export function stackDiagnosticUrns(
  snapshot: StackSnapshot,
  state: boolean,
  included: (r: CollectedResource) => boolean = () => true,
): (urn: string) => string | undefined {
  const sent = new Set<string>();
  for (const r of snapshot.resources) if (included(r)) sent.add(r.urn);
  const [first] = sent;
  const fallback = state ? first : rootStackUrn(snapshot);
  return (urn) => (urn && sent.has(urn) ? urn : fallback);
}

/** resource.DefaultRootStackURN: `urn:pulumi:<stack>::<project>::pulumi:pulumi:Stack::<project>-<stack>`. */
export function rootStackUrn(snapshot: Pick<StackSnapshot, "project" | "stack">): string {
  return `urn:pulumi:${snapshot.stack}::${snapshot.project}::pulumi:pulumi:Stack::${snapshot.project}-${snapshot.stack}`;
}

/** A remediation that could not run (e.g. a value unknown during preview): an advisory diagnostic on the resource, as the engine reports it. */
function remediationDiagnostic(m: Remediation, r: CollectedResource): PolicyVerdict {
  return {
    policyPackName: m.policyPackName,
    policyPackVersion: m.policyPackVersion,
    policyName: m.policyName,
    enforcementLevel: "advisory",
    message: m.diagnostic ?? "",
    description: m.description,
    phase: "resource",
    urn: r.urn,
    resourceType: r.type,
    resourceName: r.name,
  };
}

/** GetAnalyzerInfo's answer as the engine reads it. */
export function toAnalyzerInfo(info: analyzerpb.AnalyzerInfo): AnalyzerInfo {
  const policies: PolicySummary[] = info.getPoliciesList().map((p) => {
    const schema = p.getConfigschema();
    const type =
      p.getPolicyType() === analyzerpb.PolicyType.POLICY_TYPE_RESOURCE
        ? "resource"
        : p.getPolicyType() === analyzerpb.PolicyType.POLICY_TYPE_STACK
          ? "stack"
          : "unknown";
    return {
      name: p.getName(),
      description: p.getDescription(),
      enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
      type,
      ...(p.getRemediationSteps() ? { remediationSteps: p.getRemediationSteps() } : {}),
      ...(p.getUrl() ? { url: p.getUrl() } : {}),
      ...(schema
        ? {
            configSchema: {
              properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
              required: schema.getRequiredList(),
            },
          }
        : {}),
    };
  });
  const initialConfig: Record<string, InitialPolicyConfig> = {};
  info.getInitialconfigMap().forEach((c, name) => {
    const properties = (c.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>;
    // As the engine reads it (analyzer.GetAnalyzerInfo → convertPolicyConfig): proto3's 0 is
    // `advisory`, also for an entry the pack gave only properties, which applyConfig then applies.
    initialConfig[name] = { enforcementLevel: LEVELS[c.getEnforcementlevel()] ?? "advisory", properties };
  });
  return {
    name: info.getName(),
    version: info.getVersion(),
    ...(info.getDisplayname() ? { displayName: info.getDisplayname() } : {}),
    policies,
    initialConfig,
    supportsConfig: info.getSupportsconfig(),
  };
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
