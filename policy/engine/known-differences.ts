import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { cutText, parseErrorPlace, showValue } from "./show-value";
import {
  EC2_DEFAULT_SECURITY_GROUP,
  EC2_SECURITY_GROUP,
  EC2_SECURITY_GROUP_RULE,
  IAM_POLICY,
  IAM_ROLE,
  IAM_ROLE_POLICY,
  IAM_ROLE_POLICY_ATTACHMENT,
  IAM_USER,
  KMS_GRANT,
  KMS_KEY,
  LAMBDA_PERMISSION,
  S3_BUCKET_POLICY,
  S3_BUCKET_PUBLIC_ACCESS_BLOCK,
  VPC_SECURITY_GROUP_INGRESS_RULE,
} from "../types";

/**
 * One deliberate difference between staging and production, declared in known-differences.yaml:
 * the one place where a reviewer reads what staging does not do like production, why, and how
 * to exercise the real thing safely. A difference that matches an entry is reported, not rejected.
 */
export interface KnownDifference {
  /** Stable kebab-case id; reports and policy messages cite it. */
  readonly id: string;
  /** What differs, in a sentence a new team member understands. */
  readonly what: string;
  /** Why the difference is acceptable (cost or risk, never behaviour). */
  readonly why: string;
  /** How to test the production behaviour without the production risk. */
  readonly howToTestSafely: string;
  /**
   * Resources the entry covers: globs (`*` = any text) over the resource key
   * (`<type chain>::<logical name>`), the logical name or the type. Omitted: any resource.
   */
  readonly resources?: readonly string[];
  /** Property path globs (e.g. `tags["parity:integration-mode"]`) whose values may differ. */
  readonly properties?: readonly string[];
  /** Env var key globs whose values may differ (e.g. `PAYMENTS_MODE`). */
  readonly env?: readonly string[];
  /** The matched resources exist only in this stack (e.g. staging's seeded accounts). */
  readonly onlyIn?: "staging" | "production";
}

export const DEFAULT_KNOWN_DIFFERENCES_FILE = path.resolve(__dirname, "../../known-differences.yaml");

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Bounds on what one file may declare. A declaration is an exception a reviewer reads, so these are
 * far above any honest file (this project's has 6 entries of 1-2 short patterns) and far below what
 * makes a run slow: every pattern is matched against every property path of every resource.
 */
export const LIMITS = {
  fileBytes: 1024 * 1024,
  entries: 200,
  patternsPerField: 50,
  patternLength: 200,
  starsPerPattern: 8,
  textLength: 4000,
} as const;
const FIELDS = ["id", "what", "why", "howToTestSafely", "resources", "properties", "env", "onlyIn"];

/** Reads and validates the declared differences; every problem names the file, the entry and the fix. */
export function loadKnownDifferences(file: string = DEFAULT_KNOWN_DIFFERENCES_FILE): KnownDifference[] {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > LIMITS.fileBytes) {
      throw new Error(
        `${file}: ${size} bytes, more than the ${LIMITS.fileBytes} a known-differences file may hold. Fix: keep only the few deliberate differences, each with narrow patterns.`,
      );
    }
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if (!(e as NodeJS.ErrnoException).code) throw e;
    throw new Error(
      `${file}: cannot read the known differences (${(e as Error).message}). Fix: restore the file from git, or point the policy config \`knownDifferencesFile\` at it.`,
      { cause: e },
    );
  }
  let doc: unknown;
  try {
    // yaml refuses an alias bomb itself (maxAliasCount, 100 by default); said explicitly so it stays so.
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    // The place and the parser's reason, never the excerpt: the file may be one it should not read.
    throw new Error(
      `${file}: not valid YAML (${parseErrorPlace(e)}). Fix: correct the YAML there; \`npx yaml valid < ${path.basename(file)}\` shows the line.`,
      { cause: e },
    );
  }
  return parseKnownDifferences(doc, file);
}

export function parseKnownDifferences(doc: unknown, file: string): KnownDifference[] {
  const list = (doc as { differences?: unknown } | null)?.differences;
  if (!Array.isArray(list)) {
    throw new Error(
      `${file}: expected a top-level \`differences:\` list. Fix: start the file with \`differences:\` and one \`- id: ...\` entry per difference.`,
    );
  }
  if (list.length > LIMITS.entries) {
    throw new Error(
      `${file}: ${list.length} entries, more than ${LIMITS.entries}. Fix: declare only the deliberate differences; a difference every resource has is a contract rule (policy/engine/contract.ts), not a declaration.`,
    );
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const entries = list.map((raw: unknown, i: number) => {
    const where = `entry ${i + 1}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      problems.push(`${where}: expected a mapping with id, what, why and howToTestSafely.`);
      return undefined;
    }
    const e = raw as Record<string, unknown>;
    const name = typeof e.id === "string" ? `entry ${i + 1} (\`${cutText(e.id, 60)}\`)` : where;
    for (const field of ["id", "what", "why", "howToTestSafely"]) {
      if (typeof e[field] !== "string" || (e[field] as string).trim() === "") {
        problems.push(`${name}: \`${field}\` is required and must be a non-empty text. Fix: say ${describe(field)}.`);
      }
    }
    if (typeof e.id === "string") {
      if (!ID.test(e.id)) problems.push(`${name}: \`id\` must be kebab-case (e.g. \`payments-sandbox\`).`);
      if (seen.has(e.id))
        problems.push(
          `${name}: the id \`${cutText(e.id, 60)}\` is declared twice. Fix: merge the entries or rename one.`,
        );
      seen.add(e.id);
    }
    for (const field of Object.keys(e)) {
      if (!FIELDS.includes(field))
        problems.push(
          `${name}: unknown field \`${cutText(field, 60)}\`. Fix: use only ${FIELDS.map((f) => `\`${f}\``).join(", ")}.`,
        );
    }
    for (const field of ["resources", "properties", "env"]) {
      const v = e[field];
      // An empty pattern is a list of texts all the same: the scope check says it matches everything.
      if (v !== undefined && (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string"))) {
        problems.push(`${name}: \`${field}\` must be a non-empty list of patterns.`);
      }
    }
    problems.push(...boundProblems(e, name));
    if (e.onlyIn !== undefined && e.onlyIn !== "staging" && e.onlyIn !== "production") {
      problems.push(`${name}: \`onlyIn\` must be \`staging\` or \`production\`.`);
    }
    if (e.onlyIn !== undefined && e.resources === undefined) {
      problems.push(`${name}: \`onlyIn\` needs \`resources\` saying which resources exist in one stack only.`);
    }
    if (e.resources === undefined && e.properties === undefined && e.env === undefined) {
      problems.push(
        `${name}: declares nothing. Fix: list the \`resources\`, \`properties\` or \`env\` keys that differ.`,
      );
    }
    problems.push(...scopeProblems(e, name));
    return e as unknown as KnownDifference;
  });
  if (problems.length > 0) {
    throw new Error(
      `${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  return entries as KnownDifference[];
}

/**
 * What one declaration may cover. A declaration is an exception a reviewer reads: it names the
 * resources and properties it excuses, and it can never excuse a security setting, because staging
 * must be as safe as production (the difference would hide exactly the bug staging exists to catch).
 */
const SECURITY: readonly { readonly what: string; readonly path: RegExp }[] = [
  {
    what: "an auth flow or sign-in rule",
    path: /(AuthFlows|Oauth|callbackUrls|logoutUrls|IdentityProviders|(^|\.)mfa|Mfa|passwordPolicy|UserExistence|accountRecovery|[tT]okenValidity)/,
  },
  // `Sse` and `SSE` inside a name (`sqsManagedSseEnabled`), never a bare `sse` inside a word (`addresses`).
  { what: "encryption", path: /(encrypt|Encrypt|kms|Kms|KMS|(^|[.[_-])sse|Sse|SSE|customerMasterKey|[cC]mk)/ },
  { what: "public access", path: /(public|Public|(^|\.)acl\b|Acls?\b|[oO]wnershipControls|objectOwnership)/ },
  {
    what: "TLS",
    path: /(ssl|Ssl|SSL|tls|Tls|TLS|https|Https|HTTPS|certificate|Certificate|SecureTransport|(^|\.)protocol|Protocol|hsts|Hsts|redirect|[iI]nsecure|(^|\.)enforce|Enforce)/,
  },
  {
    what: "IAM",
    path: /(^|\.)(policy|assumeRolePolicy|managedPolicyArns|inlinePolic(y|ies)|policyArn|permissionsBoundary)(\.|\[|$)/,
  },
];
/** Types whose every property is security: IAM, key and access rules, network filters. */
const SECURITY_TYPES =
  /^aws:(iam\/|kms\/|s3\/(bucketPolicy|bucketPublicAccessBlock|bucketAcl|bucketOwnershipControls|accountPublicAccessBlock)\w*:|ec2\/(securityGroup|networkAcl|defaultSecurityGroup|defaultNetworkAcl)|vpc\/securityGroup|lambda\/permission:|(sqs\/queue|sns\/topic|secretsmanager\/secret|ecr\/repository)Policy:|wafv2\/)/;
/** Env keys that carry a security rule (cookies, proxies, CORS, HSTS, TLS to the database, auth). */
const SECURITY_ENV =
  /(COOKIE|SECURE|TRUST_PROXY|CORS|HSTS|TLS|SSL|HTTPS|AUTH|CSRF|CSP|SAMESITE|ENCRYPT|VERIFY|REJECT_UNAUTHORIZED)/;
/** Sample paths per kind, so a pattern is judged even without a lock to match it against. */
const SECURITY_SAMPLES = [
  "explicitAuthFlows",
  "allowedOauthFlows",
  "callbackUrls",
  "mfaConfiguration",
  "storageEncrypted",
  "kmsKeyId",
  "rule.applyServerSideEncryptionByDefault.sseAlgorithm",
  "sqsManagedSseEnabled",
  "kmsMasterKeyId",
  "blockPublicAcls",
  "publiclyAccessible",
  "sslPolicy",
  "requireTls",
  "parameters[name=rds.force_ssl].value",
  "protocol",
  "policy",
  "assumeRolePolicy",
  "managedPolicyArns",
  "permissionsBoundary",
];
/** Sample keys of every security type, so a resource pattern reaching one is refused on its face. */
const SECURITY_TYPE_SAMPLES = [
  IAM_ROLE,
  IAM_POLICY,
  IAM_ROLE_POLICY,
  IAM_ROLE_POLICY_ATTACHMENT,
  IAM_USER,
  S3_BUCKET_POLICY,
  S3_BUCKET_PUBLIC_ACCESS_BLOCK,
  KMS_KEY,
  KMS_GRANT,
  EC2_SECURITY_GROUP,
  EC2_DEFAULT_SECURITY_GROUP,
  EC2_SECURITY_GROUP_RULE,
  VPC_SECURITY_GROUP_INGRESS_RULE,
  LAMBDA_PERMISSION,
].flatMap((type) => [type, `${type}::sample`, `parity:components:Sample$${type}::sample`]);
/** Sample env keys that carry a security rule, matched against env patterns. */
const SECURITY_ENV_SAMPLES = [
  "COOKIE_SECURE",
  "COOKIE_SAMESITE",
  "TRUST_PROXY",
  "CORS_ORIGINS",
  "HSTS_MAX_AGE",
  "DATABASE_SSLMODE",
  "PGSSLMODE",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "AUTH_CALLBACK_PATH",
];
/** A declaration whose properties reach more resources than this is a blanket, not an exception. */
export const MAX_RESOURCES_PER_DECLARATION = 6;
/**
 * A declaration of one-stack resources covers whole resources, so it may reach more of them than a
 * property declaration (staging's seeded accounts are ten: users, memberships, passwords, their
 * secret), but not an unbounded set: past this it is a second platform, not an exception.
 */
export const MAX_ONE_STACK_RESOURCES_PER_DECLARATION = 12;

/** Why a property path is security-relevant, or undefined when it is not. */
export function securityKind(propertyPath: string, type = ""): string | undefined {
  if (isSecurityType(type)) return "IAM or access rules";
  return SECURITY.find((k) => k.path.test(propertyPath))?.what;
}

/** What makes an entry too big to be a narrow exception, or a pattern too costly to match. */
function boundProblems(e: Record<string, unknown>, name: string): string[] {
  const problems: string[] = [];
  for (const field of ["id", "what", "why", "howToTestSafely"]) {
    const v = e[field];
    if (typeof v === "string" && v.length > LIMITS.textLength) {
      problems.push(
        `${name}: \`${field}\` is ${v.length} characters, more than ${LIMITS.textLength}. Fix: say it in a few sentences and link to a runbook for the rest.`,
      );
    }
  }
  for (const field of ["resources", "properties", "env"]) {
    const v = e[field];
    if (!Array.isArray(v)) continue;
    if (v.length > LIMITS.patternsPerField) {
      problems.push(
        `${name}: \`${field}\` lists ${v.length} patterns, more than ${LIMITS.patternsPerField}. Fix: name only what differs; split unrelated differences into their own entries.`,
      );
    }
    for (const pattern of v.slice(0, LIMITS.patternsPerField)) {
      if (typeof pattern !== "string") continue;
      const stars = pattern.split("*").length - 1;
      if (pattern.length > LIMITS.patternLength) {
        problems.push(
          `${name}: \`${field}\` pattern ${showValue(pattern, 40)} is longer than ${LIMITS.patternLength} characters. Fix: a pattern names a resource, property or env var; shorten it.`,
        );
      } else if (stars > LIMITS.starsPerPattern) {
        problems.push(
          `${name}: \`${field}\` pattern ${showValue(pattern, 40)} has ${stars} \`*\`, more than ${LIMITS.starsPerPattern}. Fix: one \`*\` per varying part (e.g. \`integrations-payments-*\`).`,
        );
      }
    }
  }
  return problems;
}

/** Whether every property of a resource type is security (IAM, KMS, bucket policies, security groups…). */
export function isSecurityType(type: string): boolean {
  return SECURITY_TYPES.test(type);
}

/** Whether an env var key carries a security setting, which must match production in every stack. */
export function isSecurityEnv(key: string): boolean {
  return SECURITY_ENV.test(key);
}

/** A pattern with nothing literal in it (`*`, `**`) names nothing. */
function namesNothing(pattern: string): boolean {
  return pattern.replace(/\*/g, "").trim() === "";
}

/** A resource pattern whose only literals are the key's separators (`*:*`, `*::*`, `*$*`) names nothing either. */
function namesNoResource(pattern: string): boolean {
  return pattern.replace(/[*:/$\s]/g, "") === "";
}

/** Problems a declaration has on its face, before it meets any resource. */
function scopeProblems(e: Record<string, unknown>, name: string): string[] {
  const problems: string[] = [];
  const list = (field: string) =>
    Array.isArray(e[field]) ? (e[field] as unknown[]).filter((x): x is string => typeof x === "string") : [];
  const kinds: Record<string, readonly [string, string]> = {
    resources: ["resource", "`integrations-payments-*`"],
    properties: ["property", '`tags["parity:mode"]`'],
    env: ["env var", "`PAYMENTS_MODE`"],
  };
  for (const [field, [kind, example]] of Object.entries(kinds)) {
    for (const pattern of list(field).filter(field === "resources" ? namesNoResource : namesNothing)) {
      problems.push(
        `${name}: \`${field}\` pattern ${showValue(pattern, 40)} matches every ${kind}. Fix: name the ${kind === "property" ? "properties" : `${kind}s`} that differ (e.g. ${example}).`,
      );
    }
  }
  if (e.properties !== undefined && e.resources === undefined) {
    problems.push(
      `${name}: \`properties\` without \`resources\` would excuse those properties on every resource. Fix: add \`resources\` naming the resources whose properties differ.`,
    );
  }
  for (const pattern of list("properties").filter((p) => !namesNothing(p))) {
    const sample = SECURITY_SAMPLES.find((p) => globMatches(pattern, p));
    if (sample)
      problems.push(
        `${name}: \`properties\` pattern ${showValue(pattern, 40)} covers ${securityKind(sample)} (\`${sample}\`), which must match production in every stack. Fix: name only the non-security properties that differ; make staging as secure as production.`,
      );
  }
  for (const pattern of list("resources").filter((p) => !namesNoResource(p))) {
    const sample = SECURITY_TYPE_SAMPLES.find((k) => globMatches(pattern, k));
    if (sample)
      problems.push(
        `${name}: \`resources\` pattern ${showValue(pattern, 40)} reaches resources of a security type (\`${sample.split("::")[0].split("$").pop()}\`): IAM, KMS, bucket policies and security groups must match production in every stack. Fix: name the resources that differ by their logical names (e.g. \`auth-seed-*\`).`,
      );
  }
  for (const pattern of list("env").filter((p) => !namesNothing(p))) {
    const sample = SECURITY_ENV_SAMPLES.find((k) => globMatches(pattern, k));
    if (isSecurityEnv(pattern) || sample)
      problems.push(
        `${name}: \`env\` pattern ${showValue(pattern, 40)} covers a security setting${sample && !isSecurityEnv(pattern) ? ` (\`${sample}\`)` : ""}, which must match production in every stack. Fix: give staging production's value.`,
      );
  }
  return problems;
}

/** A resource as the scope check sees it: its key, type and structural property paths. */
export interface ScopedResource {
  readonly key: string;
  readonly type: string;
  readonly paths: readonly string[];
  /** The env var keys of the resource's services (task definitions, functions). */
  readonly env?: readonly string[];
}

/** The scope check's view of prints (a stack's, or the lock's): keys, types, property paths, env keys. */
export function scopeOf(
  prints: Iterable<{
    readonly key: string;
    readonly type: string;
    readonly properties: Readonly<Record<string, unknown>>;
    readonly env: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  }>,
): ScopedResource[] {
  return [...prints].map((p) => ({
    key: p.key,
    type: p.type,
    paths: Object.keys(p.properties),
    env: [...new Set(Object.values(p.env).flatMap((vars) => Object.keys(vars)))].sort(),
  }));
}

/** What one declaration covers in a stack: resource key → the property paths it excuses. */
export function coverageOf(d: KnownDifference, resources: readonly ScopedResource[]): Map<string, string[]> {
  const covered = new Map<string, string[]>();
  for (const r of resources) {
    if (!coversResource(d, r.key, r.type)) continue;
    const paths = d.properties ? r.paths.filter((p) => d.properties?.some((g) => globMatches(g, p))) : [];
    if (paths.length > 0 || (d.onlyIn !== undefined && d.properties === undefined)) covered.set(r.key, paths);
  }
  return covered;
}

/**
 * What each declaration really reaches among real resources (production's from the lock, or the stack
 * under preview, which alone knows staging's extra resources): never a security-relevant property, a
 * resource of a security type, or an env key carrying a security rule, and never a blanket. The pack
 * and `npm run parity` both judge declarations here, by what their patterns match.
 */
export function declarationScopeProblems(
  known: readonly KnownDifference[],
  resources: readonly ScopedResource[],
): string[] {
  const problems: string[] = [];
  const types = new Map(resources.map((r) => [r.key, r.type]));
  for (const d of known) {
    const covered = coverageOf(d, resources);
    if (d.properties) {
      for (const [key, paths] of covered) {
        const hit = paths.map((p) => ({ p, kind: securityKind(p, types.get(key)) })).find((x) => x.kind);
        if (hit)
          problems.push(
            `\`${d.id}\`: covers \`${hit.p}\` of \`${key}\`, which is ${hit.kind}: security settings must match production in every stack. Fix: narrow \`resources\`/\`properties\` to what really differs.`,
          );
      }
      if (covered.size > MAX_RESOURCES_PER_DECLARATION) {
        problems.push(
          `\`${d.id}\`: covers structural properties of ${covered.size} resources (${shortNames(covered.keys())}), more than ${MAX_RESOURCES_PER_DECLARATION}: a blanket exception hides real drift. Fix: name the resources and properties that differ.`,
        );
      }
    } else if (d.onlyIn !== undefined) {
      for (const key of [...covered.keys()].filter((k) => isSecurityType(types.get(k) ?? ""))) {
        problems.push(
          `\`${d.id}\`: declares \`${key}\` (${types.get(key)}) as existing only in ${d.onlyIn}, and a resource of a security type (IAM, KMS, bucket policy, security group) must match production in every stack. Fix: narrow \`resources\` to the resources that really exist in one stack only, and build this one as production does.`,
        );
      }
      if (covered.size > MAX_ONE_STACK_RESOURCES_PER_DECLARATION) {
        problems.push(
          `\`${d.id}\`: declares ${covered.size} resources (${shortNames(covered.keys())}) as existing only in ${d.onlyIn}, more than ${MAX_ONE_STACK_RESOURCES_PER_DECLARATION}: a blanket exception hides real drift. Fix: name the resources that exist in one stack only.`,
        );
      }
    }
    const keys = [...new Set(resources.flatMap((r) => r.env ?? []))].sort();
    for (const key of keys.filter((k) => isSecurityEnv(k) && d.env?.some((p) => globMatches(p, k)))) {
      problems.push(
        `\`${d.id}\`: \`env\` pattern ${JSON.stringify(d.env?.find((p) => globMatches(p, key)))} matches \`${key}\`, a security setting, which must match production in every stack. Fix: name only the env keys that really differ; give staging production's \`${key}\`.`,
      );
    }
  }
  return problems;
}

function shortNames(keys: Iterable<string>): string {
  const names = [...keys].map((k) => k.split("::").pop());
  return `${names.slice(0, 4).join(", ")}${names.length > 4 ? ", …" : ""}`;
}

/** The declarations, if each passes declarationScopeProblems against `resources`; else one error listing every problem. */
export function checkDeclarationScope(
  known: readonly KnownDifference[],
  resources: readonly ScopedResource[],
  file: string,
): KnownDifference[] {
  const problems = declarationScopeProblems(known, resources);
  if (problems.length > 0) {
    throw new Error(
      `${file} has ${problems.length} declaration${problems.length === 1 ? "" : "s"} too broad to accept:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  return [...known];
}

function describe(field: string): string {
  switch (field) {
    case "id":
      return "a kebab-case id, e.g. `payments-sandbox`";
    case "what":
      return "what differs between staging and production";
    case "why":
      return "why the difference is acceptable (cost or risk)";
    default:
      return "how to test the production behaviour safely";
  }
}

/**
 * A glob where `*` matches any run of characters; everything else is literal. Linear-time greedy
 * matching with one backtrack point (the last `*`), never a RegExp: `.*.*.*…Q` built from a pattern
 * such as `**********Q` backtracks exponentially on a long path and hangs every run that reads the file.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === "*") {
      // Consecutive stars mean one star: remember where this one starts matching and move on.
      while (p < pattern.length && pattern[p] === "*") p++;
      star = p;
      resume = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      // The last star swallows one more character; nothing before it is revisited.
      p = star;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

function coversResource(d: KnownDifference, key: string, type: string): boolean {
  if (d.resources === undefined) return true;
  const name = key.split("::").pop() ?? key;
  return d.resources.some((p) => globMatches(p, key) || globMatches(p, name) || globMatches(p, type));
}

/** The entry declaring that a resource exists only in `side`. */
export function declaresPresence(
  known: readonly KnownDifference[],
  key: string,
  type: string,
  side: "staging" | "production",
): KnownDifference | undefined {
  // A security resource in one stack only is never excused, whatever a pattern matches.
  if (isSecurityType(type)) return undefined;
  return known.find((d) => d.onlyIn === side && d.resources !== undefined && coversResource(d, key, type));
}

/** The entry declaring that a property of a resource may differ. */
export function declaresProperty(
  known: readonly KnownDifference[],
  key: string,
  type: string,
  propertyPath: string,
): KnownDifference | undefined {
  if (securityKind(propertyPath, type)) return undefined;
  return known.find((d) => d.properties?.some((p) => globMatches(p, propertyPath)) && coversResource(d, key, type));
}

/** The entry declaring that an env var's value may differ (or that the key exists in one stack only). */
export function declaresEnv(
  known: readonly KnownDifference[],
  key: string,
  onlyIn?: "staging" | "production",
): KnownDifference | undefined {
  // Judged by the key the pattern matched, not by the pattern's text: `DATABASE_*` never excuses `DATABASE_SSLMODE`.
  if (isSecurityEnv(key)) return undefined;
  return known.find((d) => d.env?.some((p) => globMatches(p, key)) && (onlyIn === undefined || d.onlyIn === onlyIn));
}
