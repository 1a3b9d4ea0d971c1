/**
 * Shared helpers for component tests on Pulumi's in-process mock runtime.
 *
 * The mock runtime is per-process global state, so both stacks are tested in ONE process by running
 * them one after the other: `renderStack(stack, build)` points the runtime at a fresh recording mock
 * for that stack, builds the components, waits for every outstanding RPC and returns what was
 * registered. Never interleave two `renderStack` calls (await each one); mocha runs tests serially.
 *
 * Settings come from the real stack files through the real validator (`parseSettings`), so a test
 * that builds "staging" builds exactly what `Pulumi.staging.yaml` asks for.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { AppEnvironmentInput } from "../components/app-environment";
import { parseSettings, RawConfig, Settings } from "../config/settings";
import { RealisticMocks } from "../tools/simulator/mocks";
import { randomSeed } from "../tools/simulator/provider-model/seeded";
import { isSecretValue, SECRET_SIG } from "../tools/simulator/snapshot";

export const ROOT = path.resolve(__dirname, "..");
export const PROJECT = "parity";
export const STACKS = ["staging", "production"] as const;
export type StackName = (typeof STACKS)[number];

/** Config keys set with `pulumi config set --secret`, which stack files in git never hold in clear. */
const TEST_SECRETS: Record<string, Record<string, string>> = {
  staging: { "parity:paymentsApiKey": "sk_test_offline_staging" },
  production: { "parity:paymentsApiKey": "sk_live_offline_production" },
};

export function readYaml(file: string): Record<string, unknown> {
  const full = path.resolve(ROOT, file);
  if (!fs.existsSync(full)) throw new Error(`test fixture ${full} is missing`);
  return (parse(fs.readFileSync(full, "utf8")) ?? {}) as Record<string, unknown>;
}

/** A stack's config as the engine hands it over: project defaults, then stack values, as strings. */
export function rawConfig(stack: string, overrides: Record<string, string | undefined> = {}): RawConfig {
  const project = readYaml("Pulumi.yaml") as { config?: Record<string, { default?: unknown }> };
  const values: Record<string, string | undefined> = {};
  const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    if (decl.default !== undefined) values[`${PROJECT}:${key}`] = text(decl.default);
  }
  const stackFile = readYaml(`Pulumi.${stack}.yaml`) as { config?: Record<string, unknown> };
  for (const [key, value] of Object.entries(stackFile.config ?? {})) values[key] = text(value);
  Object.assign(values, TEST_SECRETS[stack] ?? {}, overrides);
  const secrets = new Set(Object.keys(TEST_SECRETS[stack] ?? {}));
  return {
    project: PROJECT,
    stack,
    get: (k) => values[k],
    isSecret: (k) => secrets.has(k),
    keys: () => Object.keys(values).filter((k) => values[k] !== undefined),
  };
}

export function loadStackSettings(stack: string, overrides: Record<string, string | undefined> = {}): Settings {
  return parseSettings(rawConfig(stack, overrides));
}

/**
 * Input for `buildAppEnvironment` from a stack's Settings, with plain per-stack stand-ins for other
 * components' outputs (`<environment>-uploads`, …) and secret references `arn:<environment>-<name>`.
 */
export function appEnvironmentInputFor(s: Settings): AppEnvironmentInput {
  const id = (what: string) => `${s.environment}-${what}`;
  return {
    baseUrl: s.baseUrl,
    cookieSameSite: s.http.cookieSameSite,
    hstsMaxAgeSeconds: s.http.hstsMaxAgeSeconds,
    timezone: s.scheduleTimezone,
    integrations: s.integrations,
    uploadsBucket: id("uploads"),
    maxUploadBytes: s.storage.maxUploadMb * 1024 * 1024,
    queueUrls: Object.fromEntries(s.queues.map((q) => [q, `https://sqs/${id(q)}`])),
    auth: { userPoolId: id("pool"), clientId: id("client"), domain: id("auth") },
    database: { host: id("db"), port: 5432, name: "app", user: "app_admin" },
    email: { from: `no-reply@${s.domain}`, outboxBucket: id("outbox") },
    workerConcurrency: s.app.worker.concurrency,
    secrets: {
      DATABASE_PASSWORD: `arn:${id("db")}:password::`,
      PAYMENTS_API_KEY: `arn:${id("pay")}`,
      SIGNING_KEY: `arn:${id("sign")}`,
    },
  };
}

/** One `newResource` call as the mock monitor saw it, plus the URN it was given. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs with secret wrappers removed (see `secretInputs` for which were secret). */
  readonly inputs: Record<string, unknown>;
  /** Top-level input names whose value (or part of it) arrived marked secret. */
  readonly secretInputs: readonly string[];
  readonly outputs: Record<string, unknown>;
  readonly provider?: string;
  readonly custom: boolean;
  /** `urn:pulumi:<stack>::<project>::<type chain>::<name>`; the type chain names every ancestor. */
  urn: string;
}

/**
 * Each stack is its own deploy history: one seed per stack for the whole test run. RealisticMocks
 * draws generated values (passwords, key ids, suffixes) from the seed alone, never the stack's name,
 * so two stacks given the same seed would share them; real deploys of two stacks never do.
 */
const DEPLOY_SEEDS = new Map<string, string>();
function deploySeed(stack: string): string {
  if (!DEPLOY_SEEDS.has(stack)) DEPLOY_SEEDS.set(stack, randomSeed());
  return DEPLOY_SEEDS.get(stack) as string;
}

/** Records every registered resource; ids, ARNs and generated values come from RealisticMocks. */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly calls: { token: string; inputs: Record<string, unknown> }[] = [];
  private readonly realistic: RealisticMocks;

  constructor(
    readonly stack: string,
    region: string,
    accountId: string,
  ) {
    this.realistic = new RealisticMocks({ stack, region, accountId, seed: deploySeed(stack) });
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const result = this.realistic.newResource(args);
    const raw = args.inputs as Record<string, unknown>;
    this.resources.push({
      type: args.type,
      name: args.name,
      inputs: revealAll(raw) as Record<string, unknown>,
      secretInputs: Object.keys(raw).filter((k) => JSON.stringify(raw[k] ?? null).includes(SECRET_SIG)),
      outputs: result.state,
      provider: args.provider,
      custom: args.custom ?? true,
      urn: "",
    });
    return result;
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.calls.push({ token: args.token, inputs: (args.inputs ?? {}) as Record<string, unknown> });
    return this.realistic.call(args);
  }
}

/** A value with every secret wrapper, at any depth, replaced by what it wraps. */
export function revealAll(value: unknown): unknown {
  if (isSecretValue(value)) return revealAll(value.value);
  if (Array.isArray(value)) return value.map(revealAll);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealAll(v)]));
  return value;
}

/** The value inside an Output (secret or not), for `await`-style tests. */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) =>
    pulumi.output(output).apply((v) => {
      resolve(v as T);
      return v;
    }),
  );
}

/** Resolves once the SDK has no RPC in flight: every registration and output of a build has settled. */
async function settle(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof runtime.waitForRPCs !== "function")
    throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; update test/mocks.ts");
  await runtime.waitForRPCs();
}

export interface RenderedStack<T> {
  readonly stack: string;
  readonly settings: Settings;
  readonly built: T;
  readonly resources: readonly RecordedResource[];
  readonly calls: RecordingMocks["calls"];
}

/**
 * Builds `build(settings)` on a fresh mock runtime for `stack` and returns every registered resource
 * with its URN. Exceptions thrown by `build` propagate unchanged.
 */
export async function renderStack<T>(
  stack: string,
  build: (settings: Settings) => T,
  overrides: Record<string, string | undefined> = {},
): Promise<RenderedStack<T>> {
  const settings = loadStackSettings(stack, overrides);
  const mocks = new RecordingMocks(stack, settings.region, settings.accountId);
  await pulumi.runtime.setMocks(mocks, PROJECT, stack);
  const built = build(settings);
  await settle();
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources?: () => Map<string, unknown> };
  const urns = [...(monitor.getRegisteredResources?.() ?? new Map()).keys()];
  for (const r of mocks.resources) {
    r.urn = urns.find((u) => u.endsWith(`::${r.name}`) && typeChain(u).at(-1) === r.type) ?? "";
  }
  return { stack, settings, built, resources: mocks.resources, calls: mocks.calls };
}

/**
 * Renders both stacks once for a `describe` block (in a `before` hook) and returns a holder whose
 * `staging` and `production` fields are filled by the time the tests run.
 */
export function renderBothStacks<T>(build: (settings: Settings) => T): {
  staging: RenderedStack<T>;
  production: RenderedStack<T>;
} {
  const holder = {} as { staging: RenderedStack<T>; production: RenderedStack<T> };
  before(async () => {
    holder.staging = await renderStack("staging", build);
    holder.production = await renderStack("production", build);
  });
  return holder;
}

/** Whether a resource was registered with `protect` (the SDK keeps the option; mocks never see it). */
export function isProtected(resource: pulumi.Resource): boolean | undefined {
  return (resource as unknown as { __protect?: boolean }).__protect;
}

/** The types in a URN's chain: `[...ancestors, own type]`. */
export function typeChain(urn: string): string[] {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts[2].split("$") : [];
}

/** The type of the resource's direct parent ("" for a root resource). */
export function parentType(r: RecordedResource): string {
  const chain = typeChain(r.urn);
  return chain.length >= 2 ? chain[chain.length - 2] : "";
}

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

export function named(resources: readonly RecordedResource[], name: string): RecordedResource {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; registered: ${resources.map((r) => r.name).join(", ")}`);
  return found;
}

/** Parses a JSON-in-string input (policies, container definitions). */
export function json<T = unknown>(value: unknown): T {
  if (typeof value !== "string") throw new Error(`expected a JSON string, got ${JSON.stringify(value)}`);
  return JSON.parse(value) as T;
}
