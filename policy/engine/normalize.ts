import { ENVIRONMENT_TAG } from "./contract";
import { parseJsonString } from "./flatten";
import { ACM_CERTIFICATE, AWS_PROVIDER_TYPE } from "../types";

/**
 * What makes a stack's values its own: the environment name, the AWS account, the region and the
 * web domain. Before two stacks' values are compared, these are replaced by placeholders, so
 * `https://staging.app.example.com/auth/callback` and `https://app.example.com/auth/callback` are
 * the same structural value and `https://staging.app.example.com/callback` is not.
 */
export interface StackIdentity {
  readonly environment?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly domain?: string;
}

/** The smallest view of a resource this module needs. */
interface IdentitySource {
  readonly type: string;
  readonly inputs: Record<string, unknown>;
}

/**
 * Reads the stack's identity from its resources: environment and account from the explicit AWS
 * provider (its default tags and allowed account IDs), the domain from the web certificate.
 */
export function stackIdentityOf(resources: readonly IdentitySource[]): StackIdentity {
  // The stack's explicit provider is the one whose default tags name the environment; a default
  // provider the engine added for a stray resource has none.
  const providers = resources.filter((r) => r.type === AWS_PROVIDER_TYPE);
  const tagsOf = (r: IdentitySource | undefined) => asRecord(asRecord(jsonOrValue(r?.inputs.defaultTags))?.tags);
  const provider = providers.find((r) => tagsOf(r)?.[ENVIRONMENT_TAG] !== undefined) ?? providers[0];
  const tags = tagsOf(provider);
  const accounts = jsonOrValue(provider?.inputs.allowedAccountIds);
  const certificate = resources.find((r) => r.type === ACM_CERTIFICATE);
  return {
    environment: stringOr(tags?.[ENVIRONMENT_TAG]),
    accountId: Array.isArray(accounts) ? stringOr(accounts[0]) : undefined,
    region: stringOr(provider?.inputs.region),
    domain: stringOr(certificate?.inputs.domainName)?.replace(/^\*\./, ""),
  };
}

/** Replaces the stack's own domain, account, region and environment name in every string of `value`. */
export function normalize(value: unknown, identity: StackIdentity): unknown {
  if (typeof value === "string") return normalizerFor(identity)(value);
  if (Array.isArray(value)) return value.map((v) => normalize(v, identity));
  return value;
}

type StringNormalizer = (s: string) => string;

// A stack's identity is read once per policy run and then applied to every leaf of every resource:
// building its regular expressions once per identity keeps the comparison linear in the leaves.
const normalizers = new WeakMap<StackIdentity, StringNormalizer>();

function normalizerFor(id: StackIdentity): StringNormalizer {
  let fn = normalizers.get(id);
  if (!fn) {
    fn = buildNormalizer(id);
    normalizers.set(id, fn);
  }
  return fn;
}

function buildNormalizer(id: StackIdentity): StringNormalizer {
  // What to look for (a cheap `includes` test that skips most strings), what to replace, and with what.
  const steps: [needle: string, pattern: string | RegExp, placeholder: string][] = [];
  // The domain first: staging's `staging.app.example.com` contains production's domain.
  if (id.domain) steps.push([id.domain, id.domain, "{domain}"]);
  if (id.accountId) steps.push([id.accountId, id.accountId, "{account}"]);
  // A region is a stack value too (`us-east-1`, inside ARNs, endpoints and AZ names like `us-east-1a`).
  if (id.region)
    steps.push([id.region, new RegExp(`(?<![A-Za-z0-9-])${escapeRegExp(id.region)}(?![0-9])`, "g"), "{region}"]);
  if (id.environment)
    steps.push([
      id.environment,
      new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(id.environment)}(?![A-Za-z0-9])`, "g"),
      "{environment}",
    ]);
  return (s) => {
    let out = s;
    for (const [needle, pattern, placeholder] of steps)
      if (out.includes(needle)) out = out.replaceAll(pattern, placeholder);
    return out;
  };
}

/** `s` as a regular expression that matches it literally. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function jsonOrValue(v: unknown): unknown {
  return parseJsonString(v) ?? v;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function stringOr(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
