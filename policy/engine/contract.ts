import {
  CLOUDWATCH_LOG_GROUP,
  COGNITO_USER,
  COGNITO_USER_POOL,
  EC2_ROUTE,
  EC2_ROUTE_TABLE,
  EC2_SUBNET,
  EC2_VPC,
  ECS_SERVICE,
  ECS_TASK_DEFINITION,
  KMS_KEY,
  LAMBDA_INVOCATION,
  RDS_INSTANCE,
  ROUTE53_RECORD,
  S3_BUCKET,
  S3_BUCKET_LIFECYCLE_CONFIGURATION,
  S3_BUCKET_V2,
  SCHEDULER_SCHEDULE_GROUP,
  PROVIDER_TYPE_PREFIX,
  SECRETSMANAGER_SECRET,
} from "../types";

/**
 * The parity contract: for every resource type, which properties must equal production's
 * (structural), may be smaller (sizing), must differ (identity) or may differ only as declared in
 * known-differences.yaml (simulated). Anything not listed here is structural: a property nobody
 * thought about is held to production until someone says otherwise, in review, in this file.
 *
 * The stack policy (stack vs parity.lock.json) and compareStacks (staging vs production) both call
 * `classify`; there is no second classifier.
 */

export type PropertyClass = "structural" | "sizing" | "identity" | "simulated";

interface Rule {
  /** Resource type token, or "*" for every type. */
  readonly type: string;
  /** Matched against the whole property path (see flatten.ts for the path syntax). */
  readonly path: RegExp;
  readonly class: PropertyClass;
}

/**
 * Env var keys whose values name the stack's own generated resources (identity). URLs built from
 * the domain (BASE_URL, CORS_ORIGINS, callback URLs) stay structural: values are compared with the
 * stack's domain, account and environment name replaced by placeholders (normalize.ts), so
 * `https://staging.app.example.com/auth/callback` equals production's and a changed path does not.
 */
const IDENTITY_ENV =
  /^(UPLOADS_BUCKET|EMAIL_OUTBOX_BUCKET|DATABASE_HOST|[A-Z0-9_]+_QUEUE_URL|[A-Z0-9_]+_BUCKET|AUTH_[A-Z0-9_]*(ID|DOMAIN|ISSUER|ARN))$/;
/** Env var keys that say whether an integration is real or simulated (declared per stack). */
const SIMULATED_ENV = /^(PAYMENTS_MODE|EMAIL_MODE|SMS_MODE|SIMULATED_INTEGRATIONS)$/;
/** Env var keys that scale the work a task does, not what it does. */
const SIZING_ENV = /^(WORKER_CONCURRENCY|WEB_CONCURRENCY|[A-Z0-9_]*_POOL_SIZE)$/;

/**
 * Where a task definition or a function keeps its environment. Groups: container, `environment` or
 * `secrets`, key (ECS); key (Lambda).
 */
const ENV_PATH =
  /^(?:containerDefinitions\[(?:name=)?([^\]]+)\]\.(environment|secrets)\[([^\]]+)\]|environment\.variables\.([A-Za-z0-9_]+))$/;

/** One environment variable addressed by a property path. */
export interface EnvPath {
  /** The container's name for ECS task definitions; undefined for functions. */
  readonly container?: string;
  readonly key: string;
  /** ECS `secrets`: the value is a reference to a secret, never the secret itself. */
  readonly secret: boolean;
}

/** The env var a property path addresses, if it addresses one. */
export function envPathOf(propertyPath: string): EnvPath | undefined {
  const m = ENV_PATH.exec(propertyPath);
  if (!m) return undefined;
  if (m[4] !== undefined) return { key: m[4], secret: false };
  return { container: m[1], key: m[3], secret: m[2] === "secrets" };
}

/**
 * Env var keys that name a credential: the last word of the key says what the value is
 * (`WORDPRESS_DB_PASSWORD`, `API_KEY`, `JWT_SECRET`, `AUTH_TOKEN`, `AWS_SECRET_ACCESS_KEY`,
 * `SECRET_KEY_BASE`). Its value is this stack's own secret: never structural, never shown.
 * Not credentials, by the same rule: a key's *identifier* or *location* (`AWS_ACCESS_KEY_ID`,
 * `KMS_KEY_ARN`, `JWT_SECRET_NAME`, `DATABASE_PASSWORD_FILE`), a *public* key (`JWT_PUBLIC_KEY`),
 * and settings about credentials (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL_SECONDS`): those stay
 * structural, so staging keeps production's rules about them.
 */
const SECRET_ENV =
  /(^|_)(PASSWORD|PASSWD|PWD|PASSPHRASE|SECRET|SECRETS|TOKEN|KEY|APIKEY|PRIVATE_KEY|CREDENTIALS?|SECRET_KEY_BASE)$/;
const PUBLIC_KEY_ENV = /(^|_)PUBLIC_KEY$/;
/** A URL with a password in it (`postgres://app:hunter2@db:5432/app`) is a credential whatever its key says. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** Whether an env var holds a credential, by its key (see SECRET_ENV) or by a password in a URL value. */
export function isSecretEnv(key: string, value?: unknown): boolean {
  if (SECRET_ENV.test(key) && !PUBLIC_KEY_ENV.test(key)) return true;
  return typeof value === "string" && URL_WITH_PASSWORD.test(value);
}

function classifyEnv(env: EnvPath): PropertyClass {
  if (env.secret || IDENTITY_ENV.test(env.key) || isSecretEnv(env.key)) return "identity";
  if (SIMULATED_ENV.test(env.key)) return "simulated";
  if (SIZING_ENV.test(env.key)) return "sizing";
  return "structural";
}

/**
 * Properties the provider computes (ids, ARNs, endpoints, status): they name this stack's instance
 * of a resource, so they always differ between stacks and say nothing about behaviour.
 */
const COMPUTED = [
  "id",
  "urn",
  "arn",
  "arnSuffix",
  "arnWithoutRevision",
  "revision",
  "keyId",
  "url",
  "endpoint",
  "address",
  "resourceId",
  "hostedZoneId",
  "status",
  "dnsName",
  "zoneId",
  "bucketDomainName",
  "bucketRegionalDomainName",
  "uniqueId",
  "createDate",
  "creationDate",
  "lastModified",
  "policyId",
  "ownerId",
  "defaultSecurityGroupId",
  "mainRouteTableId",
  "availabilityZoneId",
  "allocationId",
  "publicIp",
  "privateIp",
  "networkInterfaceId",
  "prefixListId",
  "versionId",
  "versionStages",
  "domainValidationOptions",
  "fqdn",
  "estimatedNumberOfUsers",
  "clientSecret",
  "cloudfrontDistribution",
  "cloudfrontDistributionArn",
  "cloudfrontDistributionZoneId",
  "awsAccountId",
  "sub",
  "dkimSigningAttributes",
  "identityType",
  "verifiedForSendingStatus",
  "qualifiedArn",
  "invokeArn",
  "version",
  "result",
  "bcryptHash",
  "hex",
  "b64Url",
  "b64Std",
  "dec",
  "privateKeyPem",
  "privateKeyOpenssh",
  "privateKeyPemPkcs8",
  "publicKeyPem",
  "publicKeyOpenssh",
  "publicKeyFingerprintSha256",
  "publicKeyFingerprintMd5",
  "tagsAll",
  "secretString",
  "secretBinary",
  "password",
  // The minor version RDS runs after its own upgrades; the declared `engineVersion` is what is compared.
  "engineVersionActual",
];

const RULES: readonly Rule[] = [
  // Secrets handed to containers are references to this stack's own Secrets Manager entries.
  { type: "*", path: /^containerDefinitions\[[^\]]+\]\.image$/, class: "identity" },
  { type: "*", path: /^containerDefinitions\[[^\]]+\]\.(cpu|memory|memoryReservation)$/, class: "sizing" },
  { type: "*", path: /^containerDefinitions\[[^\]]+\]\.logConfiguration\.options\.awslogs-group$/, class: "identity" },

  // Integrations say what they simulate with a tag; its value differs per stack by design.
  {
    type: "*",
    path: /^tags(\.|\[")(parity:)?(integration[-:]mode|simulated|mode|[a-z]+[-:]mode)("\])?$/i,
    class: "simulated",
  },
  { type: "*", path: /^tags(\.|\[")(Name|parity:environment|parity:project|Environment)("\])?$/, class: "identity" },

  // Sizing: scale, not behaviour.
  {
    type: RDS_INSTANCE,
    path: /^(instanceClass|allocatedStorage|maxAllocatedStorage|multiAz|backupRetentionPeriod|iops|storageThroughput|performanceInsightsRetentionPeriod|monitoringInterval)$/,
    class: "sizing",
  },
  // Protection is checked by the safety policy (production must have it), not held equal: staging
  // is meant to be rebuilt, so it must be deletable.
  {
    type: RDS_INSTANCE,
    path: /^(deletionProtection|skipFinalSnapshot|finalSnapshotIdentifier|applyImmediately)$/,
    class: "sizing",
  },
  { type: RDS_INSTANCE, path: /^(identifier|identifierPrefix|password|manageMasterUserPassword)$/, class: "identity" },
  { type: ECS_SERVICE, path: /^desiredCount$/, class: "sizing" },
  { type: ECS_TASK_DEFINITION, path: /^(cpu|memory)$/, class: "sizing" },
  { type: CLOUDWATCH_LOG_GROUP, path: /^retentionInDays$/, class: "sizing" },
  { type: S3_BUCKET_LIFECYCLE_CONFIGURATION, path: /noncurrentVersionExpiration\.noncurrentDays$/, class: "sizing" },
  { type: S3_BUCKET, path: /^forceDestroy$/, class: "sizing" },
  { type: S3_BUCKET_V2, path: /^forceDestroy$/, class: "sizing" },
  { type: COGNITO_USER_POOL, path: /^deletionProtection$/, class: "sizing" },
  { type: KMS_KEY, path: /^deletionWindowInDays$/, class: "sizing" },
  { type: SECRETSMANAGER_SECRET, path: /^recoveryWindowInDays$/, class: "sizing" },
  // The region is a stack value (provider config); AWS provider v7 reports it on every regional resource.
  { type: "*", path: /^region$/, class: "identity" },
  // Computed by AWS for these types (a schedule's `state` is an input, a group's is not).
  { type: SCHEDULER_SCHEDULE_GROUP, path: /^state$/, class: "identity" },
  { type: S3_BUCKET, path: /^region$/, class: "identity" },
  // One NAT per AZ or one shared: the route goes through a NAT either way.
  { type: EC2_ROUTE, path: /^natGatewayId$/, class: "identity" },
  { type: EC2_ROUTE_TABLE, path: /\.natGatewayId$/, class: "identity" },

  // Identity: names and addresses of this stack's own things.
  { type: EC2_VPC, path: /^cidrBlock$/, class: "identity" },
  { type: EC2_SUBNET, path: /^cidrBlock$/, class: "identity" },
  { type: "*", path: /(^|\.)cidrBlocks?$/, class: "identity" },
  {
    type: "*",
    path: /^(name|namePrefix|bucket|bucketPrefix|family|description|secretId|emailIdentity|domain|domainName|subjectAlternativeNames|records|userPoolId|clientId)$/,
    class: "identity",
  },
  { type: COGNITO_USER, path: /^(username|attributes\..*|temporaryPassword|password)$/, class: "identity" },
  { type: "*", path: /\["[^"]*(Arn|Account|Id|Url)"\]$/, class: "identity" },
  { type: ROUTE53_RECORD, path: /^(name|zoneId|aliases\[.*)$/, class: "identity" },
  { type: LAMBDA_INVOCATION, path: /^(input|triggers\..*)$/, class: "identity" },
  { type: "random:index/randomId:RandomId", path: /^keepers\..*$/, class: "identity" },
  // References to other resources (their ids, ARNs, generated names) differ by construction.
  {
    type: "*",
    path: /(Arn|Arns|Id|Ids|ARN|GroupName|GroupNames|FunctionName|Url|QueueUrl)(\[[^\]]*\])?$/,
    class: "identity",
  },
  {
    type: "*",
    path: /^(role|cluster|taskDefinition|policy\.Statement\[[^\]]+\]\.Resource(\[\d+\])?|targetKeyId|kmsMasterKeyId|loadBalancer|targetGroup|certificate|functionName|queue|redrivePolicy\.deadLetterTargetArn|redriveAllowPolicy\.sourceQueueArns)$/,
    class: "identity",
  },
  { type: "*", path: /(^|\.)(Resource|Principal\.AWS|Principal\.Service)(\[\d+\])?$/, class: "identity" },
  {
    type: "*",
    path: /\.(arn|roleArn|resourceArn|targetArn|deadLetterConfig\.arn|containerName|targetGroupArn)$/,
    class: "identity",
  },
  { type: "*", path: /(^|\.)(subnets|securityGroups|validationRecordFqdns)(\[\d+\])?$/, class: "identity" },
];

const COMPUTED_SET = new Set(COMPUTED);
const ENGINE_PROVIDER_INPUTS = new Set(["version", "pluginDownloadURL"]);

/**
 * The class of one property of one resource type. `propertyPath` is a path as flatten.ts writes
 * it, e.g. `parameters[name=timezone].value` or `containerDefinitions[name=web].environment[BASE_URL]`.
 */
export function classify(resourceType: string, propertyPath: string): PropertyClass {
  const top = /^[^.[]+/.exec(propertyPath)?.[0] ?? propertyPath;
  if (COMPUTED_SET.has(top)) return "identity";
  // The engine adds the plugin's version (and download URL) to every provider's inputs.
  if (resourceType.startsWith(PROVIDER_TYPE_PREFIX) && ENGINE_PROVIDER_INPUTS.has(top)) return "identity";
  const env = envPathOf(propertyPath);
  if (env) return classifyEnv(env);
  for (const rule of RULES) {
    if ((rule.type === "*" || rule.type === resourceType) && rule.path.test(propertyPath)) return rule.class;
  }
  return "structural";
}

/** A stack-independent key: the URN minus `urn:pulumi:<stack>::<project>::`. */
export function resourceKey(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) {
    throw new Error(`\`${urn}\` is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)`);
  }
  return parts.slice(2).join("::");
}

/** The logical name at the end of a resource key or URN. */
export function logicalName(keyOrUrn: string): string {
  const parts = keyOrUrn.split("::");
  return parts[parts.length - 1];
}

/** Types whose data AWS cannot give back once deleted: they carry `protect` in production. */
export const STATEFUL_TYPES: readonly string[] = [RDS_INSTANCE, COGNITO_USER_POOL, S3_BUCKET, S3_BUCKET_V2, KMS_KEY];

/** The AWS provider's default tag that says which environment a stack is. */
export const ENVIRONMENT_TAG = "parity:environment";

/** A property whose change makes AWS destroy and re-create a resource that holds data. */
export interface ReplacementHazard {
  readonly type: string;
  readonly path: RegExp;
  /** What is lost, for the message. */
  readonly destroys: string;
}

export const REPLACEMENT_HAZARDS: readonly ReplacementHazard[] = [
  {
    type: RDS_INSTANCE,
    path: /^(engine|dbName|username|storageEncrypted|kmsKeyId|availabilityZone)$/,
    destroys: "the database instance and every row in it (only a final snapshot, if any, survives)",
  },
  {
    // The provider renames an instance in place (ModifyDBInstance with a new identifier: the data
    // stays, the endpoint changes under running tasks, and without applyImmediately the rename waits
    // for the maintenance window). This program forces a replacement instead (`replaceOnChanges:
    // ["identifier"]`, delete before replace: components/database.ts), which is what a staging reset
    // wants and what production must never get.
    type: RDS_INSTANCE,
    path: /^identifier$/,
    destroys:
      "the database instance and every row in it, because components/database.ts forces a replacement on `identifier` (delete first; only a final snapshot, if any, survives). Without that option the provider would rename the instance in place instead, moving its endpoint under running tasks",
  },
  {
    type: COGNITO_USER_POOL,
    path: /^(schemas(\[.*)?|usernameAttributes|aliasAttributes)$/,
    destroys:
      "the user pool and every account in it (users, passwords, MFA enrolments); nobody can sign in until they sign up again",
  },
];

/** The hazard a property change is, if any. Locked whatever its class, so production can be checked. */
export function replacementHazard(resourceType: string, propertyPath: string): ReplacementHazard | undefined {
  return REPLACEMENT_HAZARDS.find((h) => h.type === resourceType && h.path.test(propertyPath));
}
