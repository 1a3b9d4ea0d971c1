import { PolicyConfigSchema } from "@pulumi/policy";

/**
 * Every policy's `--policy-pack-config` properties: a TypeScript interface and the JSON schema the
 * CLI validates the file against, side by side so they cannot drift apart unnoticed. Defaults are
 * applied here too, because a policy must behave the same whether or not the caller filled them in.
 */

/** Where the pack finds the files it compares against; relative paths resolve from the project root. */
export interface ParityFilesConfig {
  /** @default "<pack>/../parity.lock.json" */
  lockFile?: string;
  /** @default "<pack>/../known-differences.yaml" */
  knownDifferencesFile?: string;
}

const filesSchema: PolicyConfigSchema["properties"] = {
  lockFile: { type: "string", description: "Path of parity.lock.json (default: next to the pack's folder)." },
  knownDifferencesFile: {
    type: "string",
    description: "Path of known-differences.yaml (default: next to the pack's folder).",
  },
};

export type StackParityConfig = ParityFilesConfig;
export const stackParitySchema: PolicyConfigSchema = { properties: { ...filesSchema } };

export type DeclaredDifferencesConfig = ParityFilesConfig;
export const declaredDifferencesSchema: PolicyConfigSchema = { properties: { ...filesSchema } };

export type ReplacementHazardsConfig = ParityFilesConfig;
export const replacementHazardsSchema: PolicyConfigSchema = { properties: { ...filesSchema } };

export type NoSharedCredentialsConfig = ParityFilesConfig;
export const noSharedCredentialsSchema: PolicyConfigSchema = { properties: { ...filesSchema } };

export interface ProductionDataConfig {
  /** Days of automated backups production keeps at least. @default 7 */
  minBackupRetentionDays?: number;
}
export const productionDataSchema: PolicyConfigSchema = {
  properties: { minBackupRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7 } },
};
export const productionDataDefaults: Required<ProductionDataConfig> = { minBackupRetentionDays: 7 };

export interface SimulatedIntegrationsConfig {
  /** Env var → the values a staging service may hold (anything else is live). */
  allowedModes?: Record<string, string[]>;
}
export const simulatedIntegrationsDefaults: Required<SimulatedIntegrationsConfig> = {
  allowedModes: { PAYMENTS_MODE: ["test"], EMAIL_MODE: ["capture"], SMS_MODE: ["log"] },
};
export const simulatedIntegrationsSchema: PolicyConfigSchema = {
  properties: {
    allowedModes: {
      type: "object",
      additionalProperties: { type: "array", items: { type: "string" }, minItems: 1 },
      default: simulatedIntegrationsDefaults.allowedModes,
    },
  },
};

export interface QueueDeadLetterConfig {
  /** Receives before a message moves to its dead-letter queue. @default 3 */
  minMaxReceiveCount?: number;
}
export const queueDeadLetterSchema: PolicyConfigSchema = {
  properties: { minMaxReceiveCount: { type: "integer", minimum: 1, default: 3 } },
};
export const queueDeadLetterDefaults: Required<QueueDeadLetterConfig> = { minMaxReceiveCount: 3 };

export interface LeastPrivilegeConfig {
  /** IAM service prefixes on which `*` actions or resources are refused. */
  dataServices?: string[];
}
export const leastPrivilegeDefaults: Required<LeastPrivilegeConfig> = {
  dataServices: ["s3", "sqs", "rds", "rds-db", "secretsmanager", "kms", "dynamodb"],
};
export const leastPrivilegeSchema: PolicyConfigSchema = {
  properties: {
    dataServices: { type: "array", items: { type: "string" }, default: leastPrivilegeDefaults.dataServices },
  },
};

export interface TlsConfig {
  /** Load balancer SSL policies accepted on HTTPS listeners. */
  allowedSslPolicies?: string[];
}
export const tlsDefaults: Required<TlsConfig> = {
  allowedSslPolicies: [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
  ],
};
export const tlsSchema: PolicyConfigSchema = {
  properties: {
    allowedSslPolicies: {
      type: "array",
      items: { type: "string" },
      minItems: 1,
      default: tlsDefaults.allowedSslPolicies,
    },
  },
};

/** No properties: the policy is only switched on, off or to advisory. */
export const noConfigSchema: PolicyConfigSchema = { properties: {} };

/** The caller's config over the defaults; `getConfig` may return the schema defaults or nothing. */
export function withDefaults<T extends object>(defaults: Required<T>, given: T | undefined): Required<T> {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) out[k] = v;
  return out as Required<T>;
}
