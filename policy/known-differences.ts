import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { cutText, parseErrorPlace, showValue } from "./show-value";

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

export const DEFAULT_KNOWN_DIFFERENCES_FILE = path.resolve(__dirname, "../known-differences.yaml");

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
      throw new Error(`${file}: ${size} bytes, more than the ${LIMITS.fileBytes} a known-differences file may hold. Fix: keep only the few deliberate differences, each with narrow patterns.`);
    }
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if (!(e as NodeJS.ErrnoException).code) throw e;
    throw new Error(`${file}: cannot read the known differences (${(e as Error).message}). Fix: restore the file from git, or point the policy config \`knownDifferencesFile\` at it.`, { cause: e });
  }
  let doc: unknown;
  try {
    // yaml refuses an alias bomb itself (maxAliasCount, 100 by default); said explicitly so it stays so.
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    // The place and the parser's reason, never the excerpt: the file may be one it should not read.
    throw new Error(`${file}: not valid YAML (${parseErrorPlace(e)}). Fix: correct the YAML there; \`npx yaml valid < ${path.basename(file)}\` shows the line.`, { cause: e });
  }
  return parseKnownDifferences(doc, file);
}

export function parseKnownDifferences(doc: unknown, file: string): KnownDifference[] {
  const list = (doc as { differences?: unknown } | null)?.differences;
  if (!Array.isArray(list)) {
    throw new Error(`${file}: expected a top-level \`differences:\` list. Fix: start the file with \`differences:\` and one \`- id: ...\` entry per difference.`);
  }
  if (list.length > LIMITS.entries) {
    throw new Error(`${file}: ${list.length} entries, more than ${LIMITS.entries}. Fix: declare only the deliberate differences; a difference every resource has is a contract rule (policy/contract.ts), not a declaration.`);
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
      if (seen.has(e.id)) problems.push(`${name}: the id \`${cutText(e.id, 60)}\` is declared twice. Fix: merge the entries or rename one.`);
      seen.add(e.id);
    }
    for (const field of Object.keys(e)) {
      if (!FIELDS.includes(field)) problems.push(`${name}: unknown field \`${cutText(field, 60)}\`. Fix: use only ${FIELDS.map((f) => `\`${f}\``).join(", ")}.`);
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
      problems.push(`${name}: declares nothing. Fix: list the \`resources\`, \`properties\` or \`env\` keys that differ.`);
    }
    problems.push(...scopeProblems(e, name));
    return e as unknown as KnownDifference;
  });
  if (problems.length > 0) {
    throw new Error(`${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return entries as KnownDifference[];
}

/**
 * What one declaration may cover. A declaration is an exception a reviewer reads: it names the
 * resources and properties it excuses, and it can never excuse a security setting, because staging
 * must be as safe as production (the difference would hide exactly the bug staging exists to catch).
 */
const SECURITY: readonly { readonly what: string; readonly path: RegExp }[] = [
  { what: "an auth flow or sign-in rule", path: /(AuthFlows|Oauth|callbackUrls|logoutUrls|IdentityProviders|(^|\.)mfa|Mfa|passwordPolicy|UserExistence|accountRecovery|[tT]okenValidity)/ },
  { what: "encryption", path: /(encrypt|Encrypt|kms|Kms|(^|\.)sse|sseAlgorithm)/ },
  { what: "public access", path: /(public|Public|(^|\.)acl\b|Acls?\b)/ },
  { what: "TLS", path: /(ssl|Ssl|tls|Tls|certificate|Certificate|SecureTransport|(^|\.)protocol|Protocol|hsts|redirect)/ },
  { what: "IAM", path: /(^|\.)(policy|assumeRolePolicy|managedPolicyArns|inlinePolic(y|ies))(\.|\[|$)/ },
];
/** Types whose every property is security: IAM and access rules. */
const SECURITY_TYPES = /^aws:(iam\/|s3\/bucketPolicy:|s3\/bucketPublicAccessBlock:|kms\/|ec2\/securityGroup|vpc\/securityGroup)/;
/** Env keys that carry a security rule (cookies, proxies, CORS, HSTS). */
const SECURITY_ENV = /(COOKIE|SECURE|TRUST_PROXY|CORS|HSTS|TLS|SSL|AUTH)/;
/** Sample paths per kind, so a pattern is judged even without a lock to match it against. */
const SECURITY_SAMPLES = [
  "explicitAuthFlows", "allowedOauthFlows", "callbackUrls", "mfaConfiguration", "storageEncrypted", "kmsKeyId",
  "rule.applyServerSideEncryptionByDefault.sseAlgorithm", "blockPublicAcls", "publiclyAccessible", "sslPolicy",
  "parameters[name=rds.force_ssl].value", "protocol", "policy", "assumeRolePolicy", "managedPolicyArns",
];
/** A declaration whose properties reach more resources than this is a blanket, not an exception. */
export const MAX_RESOURCES_PER_DECLARATION = 6;

/** Why a property path is security-relevant, or undefined when it is not. */
export function securityKind(propertyPath: string, type = ""): string | undefined {
  if (SECURITY_TYPES.test(type)) return "IAM or access rules";
  return SECURITY.find((k) => k.path.test(propertyPath))?.what;
}

/** What makes an entry too big to be a narrow exception, or a pattern too costly to match. */
function boundProblems(e: Record<string, unknown>, name: string): string[] {
  const problems: string[] = [];
  for (const field of ["id", "what", "why", "howToTestSafely"]) {
    const v = e[field];
    if (typeof v === "string" && v.length > LIMITS.textLength) {
      problems.push(`${name}: \`${field}\` is ${v.length} characters, more than ${LIMITS.textLength}. Fix: say it in a few sentences and link to a runbook for the rest.`);
    }
  }
  for (const field of ["resources", "properties", "env"]) {
    const v = e[field];
    if (!Array.isArray(v)) continue;
    if (v.length > LIMITS.patternsPerField) {
      problems.push(`${name}: \`${field}\` lists ${v.length} patterns, more than ${LIMITS.patternsPerField}. Fix: name only what differs; split unrelated differences into their own entries.`);
    }
    for (const pattern of v.slice(0, LIMITS.patternsPerField)) {
      if (typeof pattern !== "string") continue;
      const stars = pattern.split("*").length - 1;
      if (pattern.length > LIMITS.patternLength) {
        problems.push(`${name}: \`${field}\` pattern ${showValue(pattern, 40)} is longer than ${LIMITS.patternLength} characters. Fix: a pattern names a resource, property or env var; shorten it.`);
      } else if (stars > LIMITS.starsPerPattern) {
        problems.push(`${name}: \`${field}\` pattern ${showValue(pattern, 40)} has ${stars} \`*\`, more than ${LIMITS.starsPerPattern}. Fix: one \`*\` per varying part (e.g. \`integrations-payments-*\`).`);
      }
    }
  }
  return problems;
}

/** A pattern with nothing literal in it (`*`, `**`) names nothing. */
function namesNothing(pattern: string): boolean {
  return pattern.replace(/\*/g, "").trim() === "";
}

/** Problems a declaration has on its face, before it meets any resource. */
function scopeProblems(e: Record<string, unknown>, name: string): string[] {
  const problems: string[] = [];
  const list = (field: string) => (Array.isArray(e[field]) ? (e[field] as unknown[]).filter((x): x is string => typeof x === "string") : []);
  const kinds: Record<string, readonly [string, string]> = {
    resources: ["resource", "`integrations-payments-*`"],
    properties: ["property", '`tags["parity:mode"]`'],
    env: ["env var", "`PAYMENTS_MODE`"],
  };
  for (const [field, [kind, example]] of Object.entries(kinds)) {
    for (const pattern of list(field).filter(namesNothing)) {
      problems.push(`${name}: \`${field}\` pattern ${showValue(pattern, 40)} matches every ${kind}. Fix: name the ${kind === "property" ? "properties" : `${kind}s`} that differ (e.g. ${example}).`);
    }
  }
  if (e.properties !== undefined && e.resources === undefined) {
    problems.push(`${name}: \`properties\` without \`resources\` would excuse those properties on every resource. Fix: add \`resources\` naming the resources whose properties differ.`);
  }
  for (const pattern of list("properties").filter((p) => !namesNothing(p))) {
    const sample = SECURITY_SAMPLES.find((p) => globMatches(pattern, p));
    if (sample) problems.push(`${name}: \`properties\` pattern ${showValue(pattern, 40)} covers ${securityKind(sample)} (\`${sample}\`), which must match production in every stack. Fix: name only the non-security properties that differ; make staging as secure as production.`);
  }
  for (const pattern of list("env")) {
    if (SECURITY_ENV.test(pattern)) problems.push(`${name}: \`env\` pattern ${showValue(pattern, 40)} covers a security setting, which must match production in every stack. Fix: give staging production's value.`);
  }
  return problems;
}

/** A resource as the scope check sees it: its key, type and structural property paths. */
export interface ScopedResource {
  readonly key: string;
  readonly type: string;
  readonly paths: readonly string[];
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
 * Checks each declaration against real resources (production's, from the lock): it may not excuse a
 * security-relevant property, nor structural properties of more than a few resources.
 */
export function checkDeclarationScope(known: readonly KnownDifference[], resources: readonly ScopedResource[], file: string): KnownDifference[] {
  const problems: string[] = [];
  const types = new Map(resources.map((r) => [r.key, r.type]));
  for (const d of known) {
    if (!d.properties) continue;
    const covered = coverageOf(d, resources);
    for (const [key, paths] of covered) {
      const hit = paths.map((p) => ({ p, kind: securityKind(p, types.get(key)) })).find((x) => x.kind);
      if (hit) problems.push(`\`${d.id}\`: covers \`${hit.p}\` of \`${key}\`, which is ${hit.kind}: security settings must match production in every stack. Fix: narrow \`resources\`/\`properties\` to what really differs.`);
    }
    if (covered.size > MAX_RESOURCES_PER_DECLARATION) {
      const names = [...covered.keys()].map((k) => k.split("::").pop());
      problems.push(`\`${d.id}\`: covers structural properties of ${covered.size} resources (${names.slice(0, 4).join(", ")}, …), more than ${MAX_RESOURCES_PER_DECLARATION}: a blanket exception hides real drift. Fix: name the resources and properties that differ.`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`${file} has ${problems.length} declaration${problems.length === 1 ? "" : "s"} too broad to accept:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
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
export function declaresPresence(known: readonly KnownDifference[], key: string, type: string, side: "staging" | "production"): KnownDifference | undefined {
  return known.find((d) => d.onlyIn === side && d.resources !== undefined && coversResource(d, key, type));
}

/** The entry declaring that a property of a resource may differ. */
export function declaresProperty(known: readonly KnownDifference[], key: string, type: string, propertyPath: string): KnownDifference | undefined {
  return known.find((d) => d.properties?.some((p) => globMatches(p, propertyPath)) && coversResource(d, key, type));
}

/** The entry declaring that an env var's value may differ (or that the key exists in one stack only). */
export function declaresEnv(known: readonly KnownDifference[], key: string, onlyIn?: "staging" | "production"): KnownDifference | undefined {
  return known.find((d) => d.env?.some((p) => globMatches(p, key)) && (onlyIn === undefined || d.onlyIn === onlyIn));
}
