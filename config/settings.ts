import * as pulumi from "@pulumi/pulumi";
import { FARGATE_CPU_UNITS, fargateSizeProblem, minimumStorageCeilingGb, storageCeilingProblem } from "./aws-rules";
import { cutText, showValue, SHOWN_CHARACTERS } from "../policy/engine/show-value";

/**
 * The one typed, validated view of a stack's configuration. This module is the only reader of
 * `pulumi.Config`; components receive plain values from here and never learn the stack's name.
 *
 * Validation runs before any resource is registered and reports every problem at once, each naming
 * the stack, the key, the bad value and the fix.
 */

export type Environment = "production" | "staging";
export type PaymentsMode = "live" | "test";
export type EmailMode = "send" | "capture";
export type SmsMode = "send" | "log";
export type SameSite = "lax" | "strict" | "none";

export interface Settings {
  readonly project: string;
  readonly stack: string;
  readonly environment: Environment;
  readonly region: string;
  readonly accountId: string;
  readonly domain: string;
  readonly productionDomain: string;
  readonly zoneName: string;
  /** `https://<domain>`: the origin every URL, callback and CORS rule is built from. */
  readonly baseUrl: string;
  readonly network: { readonly cidr: string; readonly natGateways: number };
  readonly database: {
    readonly instanceClass: string;
    readonly allocatedStorageGb: number;
    readonly maxAllocatedStorageGb: number;
    readonly backupRetentionDays: number;
    readonly multiAz: boolean;
    readonly resetToken: string;
  };
  /** Deletion protection, final snapshot, `protect` and retain-on-delete on stateful resources. */
  readonly protectData: boolean;
  readonly app: {
    readonly image: string;
    readonly web: { readonly desiredCount: number; readonly cpu: number; readonly memoryMb: number };
    readonly worker: {
      readonly desiredCount: number;
      readonly concurrency: number;
      readonly cpu: number;
      readonly memoryMb: number;
    };
    readonly logRetentionDays: number;
  };
  readonly storage: { readonly maxUploadMb: number; readonly noncurrentVersionDays: number };
  readonly queues: readonly string[];
  readonly scheduleTimezone: string;
  readonly http: { readonly cookieSameSite: SameSite; readonly hstsMaxAgeSeconds: number };
  readonly integrations: {
    readonly payments: PaymentsMode;
    readonly email: EmailMode;
    readonly sms: SmsMode;
    readonly paymentsApiKey: pulumi.Output<string>;
  };
  readonly seedAccounts: boolean;
}

/** One config problem, phrased for the person who has to fix it. */
export interface ConfigProblem {
  readonly key: string;
  readonly value: string | undefined;
  readonly problem: string;
  readonly fix: string;
}

/**
 * Thrown before any resource is registered. A `RunError`, so `pulumi up` prints the message without
 * a stack trace: the message is the whole diagnosis.
 */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly stack: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(stack, problems));
    this.name = "ConfigError";
  }
}

/** The longest problem or fix line shown: a few values' worth of text. */
const LINE = 4 * SHOWN_CHARACTERS;

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => {
    const shown = p.value === undefined ? "is not set" : `is ${showValue(p.value)}`;
    // A problem or fix may carry another key's value (the production domain a fix sets): bounded too.
    return `  - \`${cutText(p.key, SHOWN_CHARACTERS)}\` ${shown}: ${cutText(p.problem, LINE)}\n    Fix: ${cutText(p.fix, LINE)}`;
  });
  const noun = problems.length === 1 ? "problem" : "problems";
  return `Stack "${stack}" has ${problems.length} configuration ${noun}; nothing was deployed:\n${lines.join("\n")}`;
}

/**
 * Where raw values come from: `pulumi.Config` in a real run, a plain map in tests. Values are the
 * strings the engine hands the program (numbers and booleans as text, arrays as JSON).
 */
export interface RawConfig {
  readonly project: string;
  readonly stack: string;
  /** Full key (`parity:domain`, `aws:region`) → raw string, or undefined when unset. */
  get(fullKey: string): string | undefined;
  /** Whether the engine marked the value secret. */
  isSecret(fullKey: string): boolean;
  /** Every key the stack sets (all namespaces); without it, unknown keys are not looked for. */
  keys?(): readonly string[];
}

/** Declared defaults, mirrored from Pulumi.yaml so tests and the CLI agree on them. */
export const structuralDefaults = {
  productionDomain: "app.example.com",
  dbResetToken: "",
  queues: ["jobs", "mail"],
  scheduleTimezone: "UTC",
  maxUploadMb: 25,
  cookieSameSite: "lax",
  hstsMaxAgeSeconds: 31536000,
} as const;

/** Instance families the parity contract allows; anything else is probably a typo. */
const DB_CLASS = /^db\.(t4g|t3|m6g|m7g|m6i|m7i|r6g|r7g|r6i|r7i)\.(micro|small|medium|large|xlarge|\d{1,2}xlarge)$/;
const LOG_RETENTION = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const QUEUE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** Reads and validates every key; throws one `ConfigError` listing all problems. */
export function parseSettings(given: RawConfig): Settings {
  const read = new Set<string>();
  const raw = recordingReads(given, read);
  const { project, stack } = raw;
  const problems: ConfigProblem[] = [];
  const ns = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  const setCmd = (key: string, value: string, secret = false) =>
    `pulumi config set --stack ${stack}${secret ? " --secret" : ""} ${ns(key)} ${value}`;
  const report = (key: string, value: string | undefined, problem: string, fix: string) =>
    problems.push({ key: ns(key), value, problem, fix });

  const text = (key: string, example: string, fallback?: string): string => {
    const value = raw.get(ns(key)) ?? fallback;
    if (value === undefined) {
      report(key, undefined, "it is required and has no default.", setCmd(key, example));
      return example;
    }
    return value;
  };
  // `why` says where a bound comes from, when it is a rule rather than what AWS accepts.
  const integer = (key: string, min: number, max: number, example: number, fallback?: number, why?: string): number => {
    const rawValue = raw.get(ns(key));
    if (rawValue === undefined && fallback !== undefined) return fallback;
    if (rawValue === undefined) {
      report(key, undefined, "it is required and has no default.", setCmd(key, String(example)));
      return example;
    }
    if (!/^-?\d+$/.test(rawValue.trim())) {
      report(key, rawValue, "it must be a whole number.", setCmd(key, String(example)));
      return example;
    }
    const n = Number(rawValue);
    if (n < min || n > max) {
      // Later checks see the value the fix sets, so the fixes they propose work with this one.
      const fixed = Math.min(Math.max(n, min), max);
      report(
        key,
        rawValue,
        `it must be between ${min} and ${max}${why ? ` (${why})` : ""}.`,
        setCmd(key, String(fixed)),
      );
      return fixed;
    }
    return n;
  };
  const bool = (key: string, example: boolean): boolean => {
    const rawValue = raw.get(ns(key));
    if (rawValue === undefined) {
      report(key, undefined, "it is required and has no default.", setCmd(key, String(example)));
      return example;
    }
    if (rawValue !== "true" && rawValue !== "false") {
      report(key, rawValue, "it must be `true` or `false`.", setCmd(key, String(example)));
      return example;
    }
    return rawValue === "true";
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], example: T, fallback?: T): T => {
    const value = text(key, example, fallback);
    if (!(allowed as readonly string[]).includes(value)) {
      report(key, value, `it must be one of ${allowed.map((a) => `\`${a}\``).join(", ")}.`, setCmd(key, example));
      return example;
    }
    return value as T;
  };

  const environment = oneOf<Environment>("environment", ["production", "staging"], "staging");
  const isProduction = environment === "production";

  const region = text("aws:region", "us-east-1");
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
    report("aws:region", region, "it is not an AWS region name.", setCmd("aws:region", "us-east-1"));
  }
  const accountId = text("awsAccountId", "123456789012");
  if (!/^\d{12}$/.test(accountId)) {
    report(
      "awsAccountId",
      accountId,
      "an AWS account ID is exactly 12 digits.",
      setCmd("awsAccountId", '"123456789012"'),
    );
  }

  const productionDomain = text(
    "productionDomain",
    structuralDefaults.productionDomain,
    structuralDefaults.productionDomain,
  );
  const shapes = stagingDomainShapes(productionDomain);
  const domain = text("domain", isProduction ? productionDomain : shapes[0]).toLowerCase();
  // The domain the zone must hold: the stack's, or the one the domain's own fix sets (a zone fix
  // derived from a bad domain would only repeat the mistake; one derived from its fix works with it).
  const zoneDomain = isProduction ? productionDomain : shapes.includes(domain) ? domain : shapes[0];
  // Production's zone is the registered domain; any other stack's is its own domain's, delegated from it.
  const zoneFix = isProduction ? zoneDomain.split(".").slice(-2).join(".") : zoneDomain;
  const zoneName = text("zoneName", zoneFix);
  const hostnameFix = { domain: zoneDomain, productionDomain: structuralDefaults.productionDomain, zoneName: zoneFix };
  for (const [key, value] of [
    ["domain", domain],
    ["productionDomain", productionDomain],
    ["zoneName", zoneName],
  ] as const) {
    if (!HOSTNAME.test(value)) {
      report(key, value, "it is not a lower-case DNS name.", setCmd(key, hostnameFix[key]));
    }
  }
  if (isProduction && domain !== productionDomain) {
    report(
      "domain",
      domain,
      `production must serve \`productionDomain\` (${productionDomain}).`,
      setCmd("domain", productionDomain),
    );
  }
  if (!isProduction) {
    if (domain === productionDomain) {
      report("domain", domain, "a staging stack must never serve production's domain.", setCmd("domain", shapes[0]));
    } else if (!shapes.includes(domain)) {
      report(
        "domain",
        domain,
        `staging's domain must be shaped like production's: ${shapes.map((s) => `\`${s}\``).join(" or ")}.`,
        setCmd("domain", shapes[0]),
      );
    }
  }
  const afterFix = zoneDomain === domain ? "" : ` once \`domain\` is fixed to ${zoneDomain}`;
  zoneProblems(isProduction, zoneDomain, productionDomain, zoneName).forEach((problem) =>
    report("zoneName", zoneName, `${problem.replace(/\.$/, "")}${afterFix}.`, setCmd("zoneName", zoneFix)),
  );

  const cidr = text("vpcCidr", "10.30.0.0/16");
  const cidrMatch = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octetsOk = cidrMatch !== null && cidrMatch.slice(1, 5).every((o) => Number(o) <= 255);
  if (!cidrMatch || !octetsOk || Number(cidrMatch[5]) < 16 || Number(cidrMatch[5]) > 20) {
    report(
      "vpcCidr",
      cidr,
      "it must be an IPv4 CIDR block from /16 to /20 (room for four subnets over two AZs).",
      setCmd("vpcCidr", "10.30.0.0/16"),
    );
  }
  const natGateways = integer("natGateways", 1, 2, 1);

  const instanceClass = text("dbInstanceClass", "db.t4g.micro");
  if (!DB_CLASS.test(instanceClass)) {
    report(
      "dbInstanceClass",
      instanceClass,
      "it is not an RDS class from the allowed families (t4g, t3, m6g, m7g, m6i, m7i, r6g, r7g, r6i, r7i).",
      setCmd("dbInstanceClass", "db.t4g.micro"),
    );
  }
  const allocatedStorageGb = integer("dbAllocatedStorageGb", 20, 16384, 20);
  const maxAllocatedStorageGb = integer("dbMaxAllocatedStorageGb", 0, 65536, 100);
  const ceilingProblem = storageCeilingProblem(allocatedStorageGb, maxAllocatedStorageGb);
  if (ceilingProblem) {
    report(
      "dbMaxAllocatedStorageGb",
      String(maxAllocatedStorageGb),
      ceilingProblem,
      setCmd("dbMaxAllocatedStorageGb", String(minimumStorageCeilingGb(allocatedStorageGb))),
    );
  }
  // Production's floor is part of the range, so the suggested fix is a value production accepts.
  const backupRetentionDays = integer(
    "dbBackupRetentionDays",
    isProduction ? 7 : 1,
    35,
    7,
    undefined,
    isProduction ? "production keeps at least 7 days of backups" : undefined,
  );
  const multiAz = bool("dbMultiAz", false);
  const resetToken = text("dbResetToken", "", structuralDefaults.dbResetToken);
  const protectData = bool("protectData", isProduction);

  if (isProduction) {
    if (resetToken !== "") {
      report(
        "dbResetToken",
        resetToken,
        "the reset token rebuilds the database from scratch, which production must never do.",
        `pulumi config set --stack ${stack} ${ns("dbResetToken")} ""`,
      );
    }
    if (!protectData) {
      report(
        "protectData",
        "false",
        "production data must be protected (deletion protection, final snapshot, `protect`).",
        setCmd("protectData", "true"),
      );
    }
  }

  const image = text("appImage", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0.0");
  if (!/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/.test(image)) {
    report(
      "appImage",
      image,
      "it must be a registry image with an explicit tag or digest (`<registry>/<repo>:<tag>`), never an implicit `latest`.",
      setCmd("appImage", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0.0"),
    );
  }
  // One Fargate task size per process kind (`web`, `worker`): CPU units and memory Fargate accepts together.
  const fargateSize = (process: "web" | "worker") => {
    const [cpuKey, memoryKey] = [`${process}Cpu`, `${process}MemoryMb`];
    const cpu = integer(cpuKey, FARGATE_CPU_UNITS[0], FARGATE_CPU_UNITS[FARGATE_CPU_UNITS.length - 1], 256);
    const memoryMb = integer(memoryKey, 512, 122880, 512);
    fargateSizeProblems(cpuKey, memoryKey, cpu, memoryMb).forEach((p) =>
      report(p.key, p.value, p.problem, p.settings.map(([k, v]) => setCmd(k, v)).join(" && ")),
    );
    return { cpu, memoryMb };
  };
  const webSize = fargateSize("web");
  const workerSize = fargateSize("worker");
  const webDesiredCount = integer("webDesiredCount", 1, 50, 1);
  const workerDesiredCount = integer("workerDesiredCount", 1, 50, 1);
  const workerConcurrency = integer("workerConcurrency", 1, 64, 2);
  const logRetentionDays = integer("logRetentionDays", 1, 3653, 14);
  if (!LOG_RETENTION.includes(logRetentionDays)) {
    const nearest = LOG_RETENTION.find((d) => d >= logRetentionDays) ?? 3653;
    report(
      "logRetentionDays",
      String(logRetentionDays),
      "CloudWatch accepts only 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.",
      setCmd("logRetentionDays", String(nearest)),
    );
  }
  const noncurrentVersionDays = integer("uploadsNoncurrentVersionDays", 1, 3650, 30);
  const maxUploadMb = integer("maxUploadMb", 1, 5120, structuralDefaults.maxUploadMb, structuralDefaults.maxUploadMb);

  const payments = oneOf<PaymentsMode>("paymentsMode", ["live", "test"], "test");
  const email = oneOf<EmailMode>("emailMode", ["send", "capture"], "capture");
  const sms = oneOf<SmsMode>("smsMode", ["send", "log"], "log");
  if (!isProduction) {
    if (payments === "live")
      report("paymentsMode", payments, "a staging stack can never charge real cards.", setCmd("paymentsMode", "test"));
    if (email === "send")
      report(
        "emailMode",
        email,
        "a staging stack can never mail real users; it captures mail in its outbox.",
        setCmd("emailMode", "capture"),
      );
    if (sms === "send")
      report("smsMode", sms, "a staging stack can never text real phones; it logs messages.", setCmd("smsMode", "log"));
  }
  const paymentsApiKeyRaw = raw.get(ns("paymentsApiKey"));
  if (paymentsApiKeyRaw === undefined) {
    report(
      "paymentsApiKey",
      undefined,
      "the payment provider's API key for this stack is required.",
      `${setCmd("paymentsApiKey", isProduction ? "<sk_live_...>" : "<sk_test_...>", true)} (from the provider's ${isProduction ? "live" : "test-mode"} dashboard)`,
    );
  } else {
    if (!raw.isSecret(ns("paymentsApiKey"))) {
      report(
        "paymentsApiKey",
        "(hidden)",
        "it is stored in clear text in the stack file.",
        `${setCmd("paymentsApiKey", "<key>", true)} and rotate the key, which is now in your history.`,
      );
    }
    // The key itself is never echoed: only what kind of key it is. Not anchored: a live key behind a
    // pasted space or `Bearer ` is still a live key (a real key's random part never holds `_live_`).
    const liveKey = /(sk|rk)_live_/.test(paymentsApiKeyRaw);
    if (!isProduction && liveKey) {
      report(
        "paymentsApiKey",
        "(a live key: sk_live_…)",
        "a staging stack holds only test-mode keys; a live key would charge real cards.",
        `${setCmd("paymentsApiKey", "<sk_test_...>", true)}, then roll the live key in the provider's dashboard.`,
      );
    }
    if (payments === "test" && liveKey) {
      report(
        "paymentsApiKey",
        "(a live key: sk_live_…)",
        "`paymentsMode` is `test` but the key is a live one.",
        setCmd("paymentsApiKey", "<sk_test_...>", true),
      );
    }
  }
  const seedAccounts = bool("seedAccounts", !isProduction);
  if (isProduction && seedAccounts) {
    report(
      "seedAccounts",
      "true",
      "known test accounts with generated passwords have no place in production.",
      setCmd("seedAccounts", "false"),
    );
  }

  const queues = parseQueues(raw.get(ns("queues")), (value, problem) =>
    report("queues", value, problem, `set \`queues\` in Pulumi.yaml's config to a list like ["jobs", "mail"]`),
  );
  const scheduleTimezone = text("scheduleTimezone", "UTC", structuralDefaults.scheduleTimezone);
  if (!isIanaTimezone(scheduleTimezone)) {
    report(
      "scheduleTimezone",
      scheduleTimezone,
      "it is not an IANA timezone name.",
      "use a name such as `UTC` or `Europe/Berlin` in Pulumi.yaml (one timezone for every stack)",
    );
  }
  const cookieSameSite = oneOf<SameSite>(
    "cookieSameSite",
    ["lax", "strict", "none"],
    "lax",
    structuralDefaults.cookieSameSite,
  );
  const hstsMaxAgeSeconds = integer(
    "hstsMaxAgeSeconds",
    300,
    63072000,
    structuralDefaults.hstsMaxAgeSeconds,
    structuralDefaults.hstsMaxAgeSeconds,
  );

  problems.push(...stackFileProblems(raw, read));
  if (problems.length > 0) throw new ConfigError(stack, problems);

  return {
    project,
    stack,
    environment,
    region,
    accountId,
    domain,
    productionDomain,
    zoneName,
    baseUrl: `https://${domain}`,
    network: { cidr, natGateways },
    database: { instanceClass, allocatedStorageGb, maxAllocatedStorageGb, backupRetentionDays, multiAz, resetToken },
    protectData,
    app: {
      image,
      web: { desiredCount: webDesiredCount, ...webSize },
      worker: { desiredCount: workerDesiredCount, concurrency: workerConcurrency, ...workerSize },
      logRetentionDays,
    },
    storage: { maxUploadMb, noncurrentVersionDays },
    queues,
    scheduleTimezone,
    http: { cookieSameSite, hstsMaxAgeSeconds },
    integrations: { payments, email, sms, paymentsApiKey: pulumi.secret(paymentsApiKeyRaw ?? "") },
    seedAccounts,
  };
}

/** One problem with a Fargate task size, and the key/value settings that fix it (a valid size). */
export interface FargateSizeReport {
  readonly key: string;
  readonly value: string;
  readonly problem: string;
  readonly settings: ReadonlyArray<readonly [key: string, value: string]>;
}

/**
 * A web or worker task size AWS would refuse (config/aws-rules.ts has the table and its source). The
 * fix sets a size Fargate accepts: the nearest memory for this CPU, or a CPU that takes this memory.
 */
export function fargateSizeProblems(
  cpuKey: string,
  memoryKey: string,
  cpu: number,
  memoryMb: number,
): FargateSizeReport[] {
  const bad = fargateSizeProblem(cpu, memoryMb);
  if (!bad) return [];
  const settings: [string, string][] = [];
  if (bad.cpu !== cpu) settings.push([cpuKey, String(bad.cpu)]);
  if (bad.memoryMb !== memoryMb) settings.push([memoryKey, String(bad.memoryMb)]);
  if (bad.cpuInvalid)
    return [{ key: cpuKey, value: String(cpu), problem: `Fargate accepts only ${bad.accepted}.`, settings }];
  return [
    {
      key: memoryKey,
      value: String(memoryMb),
      problem: `Fargate accepts ${bad.accepted} MiB for ${cpu} CPU units (\`${cpuKey}\`)${bad.stepMb ? `, in steps of ${bad.stepMb} MiB` : ""}.`,
      settings,
    },
  ];
}

/**
 * The hosted zone must hold the domain. Outside production it must also be the stack's own zone: a
 * zone that contains production's domain (e.g. `example.com`) is production's, in production's account,
 * and a public domain is delegated to one zone only, so staging's ACM validation and DKIM records would
 * land in a zone nobody resolves. Staging gets its own zone (`staging.app.example.com`), delegated by
 * NS records from production's zone (README: "DNS: one zone per stack").
 */
export function zoneProblems(
  isProduction: boolean,
  domain: string,
  productionDomain: string,
  zoneName: string,
): string[] {
  const problems: string[] = [];
  const inside = (name: string) => name === zoneName || name.endsWith(`.${zoneName}`);
  if (!inside(domain)) problems.push(`the hosted zone must contain \`domain\` (${domain}).`);
  if (!isProduction && inside(productionDomain)) {
    problems.push(
      `the zone also holds production's domain (${productionDomain}), so it is production's zone, in production's account; a non-production stack needs its own zone, delegated from production's (README: "DNS: one zone per stack").`,
    );
  }
  return problems;
}

/** The same config, noting every key validation reads: the program's known keys. */
function recordingReads(raw: RawConfig, read: Set<string>): RawConfig {
  return {
    ...raw,
    get: (key) => (read.add(key), raw.get(key)),
    isSecret: (key) => raw.isSecret(key),
    keys: raw.keys?.bind(raw),
  };
}

/**
 * Keys with a project default that is the same in every stack. `dbResetToken` also has a default (empty),
 * but it is a per-stack value: staging sets it to rebuild its database.
 */
export const STRUCTURAL_KEYS = (Object.keys(structuralDefaults) as (keyof typeof structuralDefaults)[]).filter(
  (k) => k !== "dbResetToken",
);

/**
 * What a stack file may not hold: a project key the program never reads (a typo silently ignored
 * would leave the default in force), and a structural setting that differs from its project default.
 */
export function stackFileProblems(raw: RawConfig, read: ReadonlySet<string>): ConfigProblem[] {
  const { project, stack } = raw;
  const file = `Pulumi.${stack}.yaml`;
  const problems: ConfigProblem[] = [];
  const known = [...read].filter((k) => k.startsWith(`${project}:`));
  for (const key of raw.keys?.() ?? []) {
    if (!key.startsWith(`${project}:`) || read.has(key)) continue;
    const near = closestKey(key, known);
    problems.push({
      key,
      value: raw.isSecret(key) ? "(secret, not shown)" : raw.get(key),
      problem: `unknown key: the program reads no such setting${near ? `; did you mean \`${near}\`?` : "."}`,
      fix: near
        ? `rename it to \`${near}\` in ${file}`
        : `remove the line from ${file} (Pulumi.yaml declares every key the program reads)`,
    });
  }
  for (const name of STRUCTURAL_KEYS) {
    const key = `${project}:${name}`;
    const value = raw.get(key);
    if (value === undefined || sameConfigValue(value, structuralDefaults[name])) continue;
    problems.push({
      key,
      value,
      problem: `structural settings are the same in every stack: remove this line from ${file}.`,
      fix: `remove \`${key}\` from ${file}; to change it for every stack, change its default in Pulumi.yaml (and \`structuralDefaults\` in config/settings.ts)`,
    });
  }
  return problems;
}

/** Whether a raw config string (text, or JSON for lists) says the same as a default. */
function sameConfigValue(raw: string, fallback: unknown): boolean {
  if (typeof fallback === "string") return raw === fallback;
  try {
    return JSON.stringify(JSON.parse(raw)) === JSON.stringify(fallback);
  } catch {
    return false;
  }
}

/** The known key nearest a typo, when it is near enough to be the one meant. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  const name = key.slice(key.indexOf(":") + 1);
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.key : undefined;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length];
}

/** The host names a staging stack may use for a production domain. */
export function stagingDomainShapes(productionDomain: string): string[] {
  const [first, ...rest] = productionDomain.split(".");
  return [`staging.${productionDomain}`, [`${first}-staging`, ...rest].join(".")];
}

export function isIanaTimezone(name: string): boolean {
  // Intl knows the IANA database; "UTC" is canonical there, abbreviations like "EST5EDT" are not names.
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return name === "UTC" || name.includes("/");
  } catch {
    return false;
  }
}

function parseQueues(rawValue: string | undefined, problem: (value: string, why: string) => void): string[] {
  if (rawValue === undefined) return [...structuralDefaults.queues];
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawValue);
  } catch {
    problem(rawValue, "it must be a YAML list of queue names.");
    return [...structuralDefaults.queues];
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every((q) => typeof q === "string" && QUEUE_NAME.test(q))
  ) {
    problem(
      rawValue,
      "it must be a non-empty list of lower-case names (letters, digits, dashes; at most 31 characters).",
    );
    return [...structuralDefaults.queues];
  }
  if (new Set(parsed).size !== parsed.length) {
    problem(rawValue, "queue names must be unique.");
    return [...structuralDefaults.queues];
  }
  return parsed as string[];
}

/** The real source: the engine's config for the current stack. */
export function loadSettings(): Settings {
  return parseSettings({
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    get: (key) => pulumi.runtime.getConfig(key),
    isSecret: (key) => engineMarksSecret(key),
    keys: () => Object.keys(pulumi.runtime.allConfig()),
  });
}

/**
 * Whether the engine delivered `key` as a secret. The SDK's own check is internal (not in its
 * typings), so fall back to the variable the engine sets when a future SDK drops it.
 */
function engineMarksSecret(key: string): boolean {
  const sdk = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  if (typeof sdk.isConfigSecret === "function") return sdk.isConfigSecret(key);
  const keys: unknown = JSON.parse(process.env["PULUMI_CONFIG_SECRET_KEYS"] ?? "[]");
  return Array.isArray(keys) && keys.includes(key);
}
