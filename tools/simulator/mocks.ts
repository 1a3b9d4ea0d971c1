import * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "@pulumi/pulumi/output";
import { MODELS } from "./provider-model";
import { check, state, type ModelEnvironment, type ProviderDefaults } from "./provider-model/model";
import { randomSeed, Seeded } from "./provider-model/seeded";
import { isSecretValue, UNKNOWN, type Scenario } from "./snapshot";

/**
 * The mock provider of the offline preview: answers `RegisterResource` the way the AWS, random and tls
 * providers would, through the provider model (`provider-model/`): `Check`'s checked inputs, then the
 * outputs of a first deploy (`create`: computed values unknown) or of a stack already deployed
 * (`update`: every value known, generated parts drawn from the seed).
 */
export interface MockEnvironment {
  /** The stack's name: only for messages; no generated value depends on it (see `Seeded`). */
  readonly stack: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition?: string;
  /** Default `update`: what CI's `pulumi preview` of a deployed stack sees. */
  readonly scenario?: Scenario;
  /**
   * Default: one random seed per process (a run previews one deploy history), so rendering the same
   * stack twice in a run gives the same generated values, as previewing a deployed stack twice does.
   */
  readonly seed?: string;
}

type State = Record<string, unknown>;

const EXTERNAL = new Seeded("outside the stack");
const RUN_SEED = randomSeed();

export class RealisticMocks implements pulumi.runtime.Mocks {
  readonly scenario: Scenario;
  readonly seed: string;
  private readonly partition: string;
  private readonly model: ModelEnvironment;
  private readonly generated: Seeded;
  /** Outputs by id: what a provider reads back from AWS (a subnet's VPC, say). */
  private readonly byId = new Map<string, State>();
  /** Each explicit provider's region and default tags, by `<provider type>::<name>`. */
  private readonly providers = new Map<string, ProviderDefaults>();

  constructor(private readonly env: MockEnvironment) {
    this.partition = env.partition ?? "aws";
    this.scenario = env.scenario ?? "update";
    this.seed = env.seed ?? RUN_SEED;
    this.generated = new Seeded(this.seed);
    this.model = {
      scenario: this.scenario,
      region: env.region,
      accountId: env.accountId,
      partition: this.partition,
      generated: this.generated,
      lookup: (id) => (typeof id === "string" ? this.byId.get(id) : undefined),
    };
  }

  /** A hex string drawn from the seed (kept for callers that need a generated value of their own). */
  hex(key: string, length: number): string {
    return this.generated.hex(key, length);
  }

  /**
   * What the provider's `Check` returns for these inputs (wire-encoded: secrets wrapped, unknowns as
   * the sentinel): the recorder stores it as the resource's checked inputs.
   */
  check(type: string, name: string, inputs: State, provider?: string): State {
    return check(MODELS, this.model, type, name, inputs, this.providerDefaults(provider)).checked;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
    const { type, name } = args;
    const inputs = wireEncoded(args.inputs ?? {}) as State;
    if (type.startsWith("pulumi:providers:")) return this.newProvider(type, name, inputs);
    if (args.custom === false) return { id: undefined, state: inputs };
    const checked = check(MODELS, this.model, type, name, inputs, this.providerDefaults(args.provider));
    const { id, outputs } = state(MODELS, this.model, type, name, checked);
    if (id) this.byId.set(id, outputs);
    return { id, state: sdkValue(outputs) as State };
  }

  /** A provider resource: its outputs are its inputs; its id a UUID once deployed, unknown before. */
  private newProvider(type: string, name: string, inputs: State): { id: string | undefined; state: State } {
    const defaultTags = parseJson(inputs["defaultTags"]) as { tags?: Record<string, string> } | undefined;
    const region = typeof inputs["region"] === "string" ? inputs["region"] : undefined;
    this.providers.set(`${type}::${name}`, { region, defaultTags: defaultTags?.tags });
    return { id: this.scenario === "update" ? this.generated.uuid(`${type}\0${name}`) : undefined, state: inputs };
  }

  /** `<provider urn>::<id>` → that provider's region and default tags (the stack's region without one). */
  private providerDefaults(reference: string | undefined): ProviderDefaults {
    if (!reference) return {};
    const urn = reference.slice(0, reference.lastIndexOf("::"));
    const parts = urn.split("::");
    const type = parts[2]?.split("$").pop() ?? "";
    return this.providers.get(`${type}::${parts[3] ?? ""}`) ?? {};
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const { region, accountId } = this.env;
    const inputs = (args.inputs ?? {}) as State;
    // The account's zone and caller exist before any deploy: not drawn from the deploy's seed.
    const alnum = (key: string, length: number, alphabet?: string) => EXTERNAL.alnum(key, length, alphabet);
    switch (args.token) {
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
          id: region,
          names: ["a", "b", "c"].map((s) => `${region}${s}`),
          zoneIds: [1, 2, 3].map(
            (n) =>
              `${region
                .split("-")
                .map((p) => p[0])
                .join("")}${region.slice(-1)}-az${n}`,
          ),
          state: "available",
        };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          id: accountId,
          accountId,
          arn: `arn:${this.partition}:iam::${accountId}:user/deployer`,
          userId: `AIDA${alnum("caller", 17).toUpperCase()}`,
        };
      case "aws:index/getRegion:getRegion":
        return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
      case "aws:index/getPartition:getPartition":
        return {
          id: this.partition,
          partition: this.partition,
          dnsSuffix: "amazonaws.com",
          reverseDnsPrefix: "com.amazonaws",
        };
      case "aws:route53/getZone:getZone": {
        const zoneName = String(inputs["name"] ?? "example.com").replace(/\.$/, "");
        const zoneId = `Z${alnum(`zone${zoneName}`, 20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`;
        return {
          id: zoneId,
          zoneId,
          name: zoneName,
          arn: `arn:${this.partition}:route53:::hostedzone/${zoneId}`,
          nameServers: [1, 2, 3, 4].map((n) => `ns-${n}.awsdns-${n}.net`),
          privateZone: false,
        };
      }
      case "aws:elb/getServiceAccount:getServiceAccount":
        return { id: "127311923021", arn: `arn:${this.partition}:iam::127311923021:root` };
      default:
        throw new Error(
          `offline preview: no mock for the provider function \`${args.token}\`; add one to tools/simulator/mocks.ts`,
        );
    }
  }
}

/** The SDK's deserialized inputs back in the wire encoding: an unknown value as Pulumi's sentinel. */
function wireEncoded(v: unknown): unknown {
  if (isUnknown(v)) return UNKNOWN;
  if (Array.isArray(v)) return v.map(wireEncoded);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wireEncoded(x)]));
  }
  return v;
}

/** The model's wire-encoded secrets as the SDK's secret outputs, which is what a mock is expected to return. */
function sdkValue(v: unknown): unknown {
  if (isSecretValue(v)) return pulumi.secret(v.value);
  if (Array.isArray(v)) return v.map(sdkValue);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sdkValue(x)]));
  }
  return v;
}

function parseJson(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}
