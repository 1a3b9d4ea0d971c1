import { UserPool } from "@pulumi/aws/cognito/userPool";
import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
  leastPrivilegeDefaults,
  LeastPrivilegeConfig,
  leastPrivilegeSchema,
  noConfigSchema,
  noSharedCredentialsSchema,
  NoSharedCredentialsConfig,
  tlsDefaults,
  TlsConfig,
  tlsSchema,
  withDefaults,
} from "./config";
import { AWS_PROVIDER_TYPE, resourceKey } from "./contract";
import { lockFor } from "./files";
import { flatten } from "./flatten";
import { dependsOn } from "./safety";
import { awsProviders, describeResource, isUnknown, jsonValue, providerEnvironment, raw, stackEnvironment, stringsIn } from "./resources";

/**
 * Security: encryption at rest and in transit, nothing public that holds data, least-privilege IAM,
 * hardened sign-in, and no credential shared between staging and production.
 */

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

function buckets(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => BUCKET_TYPES.includes(r.type));
}

/** The resources of `type` that reference `target`. */
function attached(resources: readonly PolicyResource[], target: PolicyResource, typePrefix: string): PolicyResource[] {
  return resources.filter((r) => r.type.startsWith(typePrefix) && dependsOn(r, target));
}

export const encryptionAtRest: StackValidationPolicy = {
  name: "encryption-at-rest",
  description: "RDS storage, S3 buckets, SQS queues, Secrets Manager secrets and CloudWatch log groups are encrypted at rest (secrets and log groups with the stack's own KMS key).",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) {
      const p = raw(r.props);
      if (r.type === "aws:rds/instance:Instance" && p.storageEncrypted !== true) {
        report(`${describeResource(r)} has \`storageEncrypted\` ${JSON.stringify(p.storageEncrypted ?? "unset")}: the database's disks and snapshots are readable by anyone who gets a copy. Fix: \`storageEncrypted: true\` with the stack's KMS key (changing it replaces the instance: plan a snapshot-restore migration).`, r.urn);
      }
      if (r.type === "aws:sqs/queue:Queue" && p.sqsManagedSseEnabled !== true && !p.kmsMasterKeyId) {
        report(`${describeResource(r)} is not encrypted at rest. Fix: \`sqsManagedSseEnabled: true\` (or \`kmsMasterKeyId\`).`, r.urn);
      }
      if (r.type === "aws:secretsmanager/secret:Secret" && !p.kmsKeyId) {
        report(`${describeResource(r)} has no \`kmsKeyId\`: it is encrypted with the account's shared default key, so anyone allowed to use that key in this account can read it. Fix: pass the stack's data key (\`kmsKeyId: key.arn\`).`, r.urn);
      }
      if (r.type === "aws:cloudwatch/logGroup:LogGroup" && !p.kmsKeyId) {
        report(`${describeResource(r)} has no \`kmsKeyId\`: the app's logs (request data, errors, job payloads) are encrypted only with a key CloudWatch manages, so access to them cannot be cut off or audited through KMS. Fix: \`kmsKeyId: logsKey.arn\`, the stack's \`LogsKey\` (components/logs-key.ts), whose policy lets the region's logs service use it for this log group.`, r.urn);
      }
    }
    for (const b of buckets(args.resources)) {
      if (attached(args.resources, b, "aws:s3/bucketServerSideEncryptionConfiguration").length === 0) {
        report(`${describeResource(b)} has no server-side encryption configuration. Fix: add \`aws.s3.BucketServerSideEncryptionConfiguration\` with \`sseAlgorithm: "aws:kms"\` and the stack's key.`, b.urn);
      }
    }
  },
};

function denyInsecureTransport(policy: unknown): boolean {
  const statements = (jsonValue(policy) as { Statement?: unknown } | undefined)?.Statement;
  return (Array.isArray(statements) ? statements : [statements]).some((s) => {
    const st = s as { Effect?: unknown; Condition?: Record<string, Record<string, unknown>> } | undefined;
    const secure = st?.Condition?.Bool?.["aws:SecureTransport"];
    return st?.Effect === "Deny" && (secure === "false" || secure === false);
  });
}

export const encryptionInTransit: StackValidationPolicy = {
  name: "encryption-in-transit",
  description: "PostgreSQL requires TLS (rds.force_ssl=1), buckets refuse non-TLS requests, HTTPS listeners use a modern TLS policy and HTTP redirects to HTTPS.",
  enforcementLevel: "mandatory",
  configSchema: tlsSchema,
  validateStack: (args, report) => {
    const { allowedSslPolicies } = withDefaults(tlsDefaults, args.getConfig<TlsConfig>());
    for (const r of args.resources) {
      const p = raw(r.props);
      if (r.type === "aws:rds/parameterGroup:ParameterGroup" && String(p.family ?? "").startsWith("postgres")) {
        const params = Array.isArray(p.parameters) ? (p.parameters as { name?: unknown; value?: unknown }[]) : [];
        const forceSsl = params.find((x) => x.name === "rds.force_ssl");
        if (String(forceSsl?.value) !== "1") {
          report(`${describeResource(r)} has \`rds.force_ssl\` = ${JSON.stringify(forceSsl?.value ?? "unset")}: clients may connect without TLS and send passwords and data in clear. Fix: set the parameter \`rds.force_ssl\` to "1" (components/database.ts does).`, r.urn);
        }
      }
      if (r.type === "aws:lb/listener:Listener") {
        const protocol = String(p.protocol ?? "");
        if (protocol === "HTTPS" && !allowedSslPolicies.includes(String(p.sslPolicy))) {
          report(`${describeResource(r)} uses SSL policy ${JSON.stringify(p.sslPolicy ?? "default")}, which allows old TLS versions. Fix: \`sslPolicy: "${allowedSslPolicies[0]}"\`.`, r.urn);
        }
        if (protocol === "HTTP") {
          const actions = Array.isArray(p.defaultActions) ? (p.defaultActions as { type?: unknown; redirect?: { protocol?: unknown } }[]) : [];
          if (!actions.some((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS")) {
            report(`${describeResource(r)} serves plain HTTP instead of redirecting to HTTPS: cookies marked Secure are dropped and links are generated with http://. Fix: a default action \`{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }\`.`, r.urn);
          }
        }
      }
    }
    for (const b of buckets(args.resources)) {
      const policies = attached(args.resources, b, "aws:s3/bucketPolicy");
      // A first deploy's preview cannot know a policy that embeds the bucket's ARN: not proven either
      // way until the update's AnalyzeStack, which sees the final policy and rejects it there.
      if (policies.some((x) => isUnknown(raw(x.props).policy))) continue;
      if (!policies.some((x) => denyInsecureTransport(raw(x.props).policy))) {
        report(`${describeResource(b)} accepts requests without TLS: no bucket policy denies \`aws:SecureTransport\` = false. Fix: attach the TLS-only policy (\`tlsOnlyPolicy\` in components/storage.ts).`, b.urn);
      }
    }
  },
};

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const noPublicData: StackValidationPolicy = {
  name: "no-public-data",
  description: "No publicly accessible database; every bucket blocks public access (all four settings) and has no public ACL.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) {
      const p = raw(r.props);
      if (r.type === "aws:rds/instance:Instance" && p.publiclyAccessible === true) {
        report(`${describeResource(r)} is \`publiclyAccessible\`: it gets a public address and only its password stands between the internet and the data. Fix: \`publiclyAccessible: false\`; the app reaches it inside the VPC.`, r.urn);
      }
      if ((BUCKET_TYPES.includes(r.type) || r.type.startsWith("aws:s3/bucketAcl")) && PUBLIC_ACLS.includes(String(p.acl))) {
        report(`${describeResource(r)} has the public ACL \`${String(p.acl)}\`. Fix: remove the ACL; ownership is BucketOwnerEnforced and access goes through presigned URLs.`, r.urn);
      }
    }
    for (const b of buckets(args.resources)) {
      const blocks = attached(args.resources, b, "aws:s3/bucketPublicAccessBlock");
      const off = BLOCK_FLAGS.filter((f) => !blocks.some((x) => raw(x.props)[f] === true));
      if (off.length > 0) {
        report(`${describeResource(b)} does not block public access (${off.map((f) => `\`${f}\``).join(", ")} not true): one mistaken policy or ACL makes its objects public. Fix: an \`aws.s3.BucketPublicAccessBlock\` with all four settings true (components/storage.ts does).`, b.urn);
      }
    }
  },
};

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
}

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

/** The IAM policy documents a resource carries, by property name. */
function policyDocuments(r: PolicyResource): [string, unknown][] {
  const p = raw(r.props);
  if (r.type === "aws:iam/policy:Policy" || r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:iam/userPolicy:UserPolicy") return [["policy", p.policy]];
  if (r.type === "aws:iam/role:Role" && Array.isArray(p.inlinePolicies)) {
    return (p.inlinePolicies as { name?: unknown; policy?: unknown }[]).map((x, i) => [`inlinePolicies[${String(x.name ?? i)}].policy`, x.policy]);
  }
  return [];
}

export const leastPrivilegeIam: StackValidationPolicy = {
  name: "least-privilege-iam",
  description: "No IAM Allow statement grants `*` actions, or any action on `*` resources, on data services (S3, SQS, RDS, Secrets Manager, KMS, DynamoDB).",
  enforcementLevel: "mandatory",
  configSchema: leastPrivilegeSchema,
  validateStack: (args, report) => {
    const { dataServices } = withDefaults(leastPrivilegeDefaults, args.getConfig<LeastPrivilegeConfig>());
    for (const r of args.resources) {
      for (const [prop, doc] of policyDocuments(r)) {
        const raw_ = (jsonValue(doc) as { Statement?: unknown } | undefined)?.Statement;
        const statements = (Array.isArray(raw_) ? raw_ : raw_ ? [raw_] : []) as Statement[];
        statements.forEach((s, i) => checkStatement(r, prop, i, s, dataServices, report));
      }
    }
  },
};

function checkStatement(r: PolicyResource, prop: string, i: number, s: Statement, dataServices: string[], report: ReportViolation): void {
  if (s.Effect !== "Allow") return;
  const actions = list(s.Action);
  const where = `${describeResource(r)} \`${prop}\` statement ${i + 1}`;
  const fix = "Fix: name the actions the code calls (e.g. `sqs:SendMessage`) and the exact ARNs (the bucket and `<bucket>/*`, the queue, the key)";
  if (actions.includes("*") || s.NotAction !== undefined) {
    report(`${where} allows every action (\`${actions.includes("*") ? "*" : "NotAction"}\`). ${fix}.`, r.urn);
    return;
  }
  const data = actions.filter((a) => dataServices.includes(a.split(":")[0].toLowerCase()));
  const wildcards = data.filter((a) => /:\*$|^[^:]+:[^:]*\*$/.test(a));
  if (wildcards.length > 0) report(`${where} allows wildcard actions on a data service (${wildcards.map((a) => `\`${a}\``).join(", ")}). ${fix}.`, r.urn);
  if (data.length > 0 && list(s.Resource).includes("*")) {
    report(`${where} allows ${data.map((a) => `\`${a}\``).join(", ")} on \`*\` (every resource of the account). ${fix}.`, r.urn);
  }
}

export const authHardening: ResourceValidationPolicy = {
  name: "auth-hardening",
  description: "Cognito user pools verify email in every stack, and MFA is not OFF in production.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  // Bound to the class so the SDK skips other resources undecoded (see safety.ts).
  validateResource: validateResourceOfType(UserPool, (_props, args, report) => {
    const p = raw(args.props);
    if (!isUnknown(p.autoVerifiedAttributes) && !list(p.autoVerifiedAttributes).includes("email")) {
      report(`${describeResource(args)} does not verify email (\`autoVerifiedAttributes\` lacks \`email\`): flows that need a verified address (plan upgrades, password reset) then behave differently here than in production. Fix: \`autoVerifiedAttributes: ["email"]\` in every stack.`);
    }
    if (providerEnvironment(args.provider) === "production" && (p.mfaConfiguration === undefined || p.mfaConfiguration === "OFF")) {
      report(`${describeResource(args)} has \`mfaConfiguration\` ${JSON.stringify(p.mfaConfiguration ?? "unset")} in production. Fix: \`mfaConfiguration: "OPTIONAL"\` or \`"ON"\` with software tokens, the same in every stack.`);
    }
  }),
};

export const noSharedCredentials: StackValidationPolicy = {
  name: "no-shared-credentials",
  description: "A non-production stack references nothing in production's AWS account (KMS keys, roles, secrets, user pools, OAuth clients) and runs in an account of its own.",
  enforcementLevel: "mandatory",
  configSchema: noSharedCredentialsSchema,
  validateStack: (args, report) => {
    const lock = lockFor(args.getConfig<NoSharedCredentialsConfig>());
    const environment = stackEnvironment(args.resources);
    const account = lock.production.accountId;
    if (environment === undefined || environment === lock.production.environment || !account) return;
    // Every AWS credential lives in an account: one of production's, whatever AWS generated for it,
    // is named by an ARN in production's account, or reached through a provider allowed into it.
    for (const p of awsProviders(args.resources)) {
      if (stringsIn(raw(p.props).allowedAccountIds).includes(account)) {
        report(`\`${resourceKey(p.urn)}\` (${p.type}) may deploy into production's AWS account ${account} (\`allowedAccountIds\`). Fix: give this stack its own account (\`parity:awsAccountId\` in its stack file); nothing of staging may be able to touch production.`, p.urn);
      }
    }
    for (const r of args.resources) {
      if (r.type === AWS_PROVIDER_TYPE) continue;
      const key = resourceKey(r.urn);
      for (const [path, value] of flatten(raw(r.props))) {
        for (const s of (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string")) {
          if (s.includes(`:${account}:`)) {
            report(`\`${key}\` (${r.type}) \`${path}\` points into production's AWS account ${account} (${s}): a leaked staging credential must never unlock production. Fix: reference this stack's own resource, in this stack's account (each stack creates its own KMS keys, roles, secrets and OAuth clients).`, r.urn);
          }
        }
      }
    }
  },
};

const RDS_INSTANCE = "aws:rds/instance:Instance";
const SECRET = "aws:secretsmanager/secret:Secret";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const ECS_SERVICE = "aws:ecs/service:Service";

/** Whether `r`'s property `prop` was built from `target` (by property dependency, or by its ARN/id). */
function propertyFrom(r: PolicyResource, prop: string, target: PolicyResource): boolean {
  if ((r.propertyDependencies[prop] ?? []).some((d) => d.urn === target.urn)) return true;
  const t = raw(target.props);
  const ids = [t.arn, t.id].filter((x): x is string => typeof x === "string" && !isUnknown(x) && x !== "");
  return ids.length > 0 && stringsIn(raw(r.props)[prop]).some((s) => ids.some((id) => s === id || s.startsWith(`${id}:`)));
}

/**
 * The secrets that hold a database's master password, by provenance: the RDS instance's `password` is
 * built from some resources (the generated password); a secret whose stored value is built from the
 * same ones holds it. An RDS-managed master secret (`manageMasterUserPassword`) is found by its ARN.
 */
export function masterSecrets(resources: readonly PolicyResource[]): PolicyResource[] {
  const instances = resources.filter((r) => r.type === RDS_INSTANCE);
  const passwordSources = new Set(instances.flatMap((i) => (i.propertyDependencies.password ?? []).map((d) => d.urn)));
  const managedArns = new Set(
    instances.flatMap((i) => {
      const managed = raw(i.props).masterUserSecrets;
      return Array.isArray(managed) ? managed.map((m) => (m as { secretArn?: unknown }).secretArn).filter((a): a is string => typeof a === "string") : [];
    }),
  );
  const secrets = resources.filter((r) => r.type === SECRET);
  return secrets.filter((secret) => {
    const arn = raw(secret.props).arn;
    if (typeof arn === "string" && managedArns.has(arn)) return true;
    return resources.some(
      (v) => v.type === SECRET_VERSION && propertyFrom(v, "secretId", secret) && (v.propertyDependencies.secretString ?? []).some((d) => passwordSources.has(d.urn)),
    );
  });
}

interface ContainerSecretRef {
  name?: unknown;
  valueFrom?: unknown;
}

export const noMasterSecretInServices: StackValidationPolicy = {
  name: "no-master-secret-in-services",
  description: "Long-running ECS services (web, worker) never receive a database master secret: they connect as the application's own role; only the migration task reads the master credentials.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    const masters = masterSecrets(args.resources);
    if (masters.length === 0) return;
    const services = args.resources.filter((r) => r.type === ECS_SERVICE);
    for (const task of args.resources.filter((r) => r.type === TASK_DEFINITION)) {
      const usedBy = services.filter((svc) => propertyFrom(svc, "taskDefinition", task));
      if (usedBy.length === 0) continue;
      const containers = jsonValue(raw(task.props).containerDefinitions);
      const refs = (Array.isArray(containers) ? containers : []).flatMap((c) => ((c as { secrets?: ContainerSecretRef[] }).secrets ?? []).map((x) => ({ container: String((c as { name?: unknown }).name), ...x })));
      for (const master of masters) {
        const arn = raw(master.props).arn;
        const byArn = refs.filter((x) => typeof arn === "string" && !isUnknown(arn) && typeof x.valueFrom === "string" && (x.valueFrom === arn || x.valueFrom.startsWith(`${arn}:`)));
        // At a first preview the ARN is unknown; the dependency on the secret still says where it comes from.
        const byDependency = byArn.length === 0 && (task.propertyDependencies.containerDefinitions ?? []).some((d) => d.urn === master.urn);
        if (byArn.length === 0 && !byDependency) continue;
        const what = byArn.length > 0 ? byArn.map((x) => `\`${String(x.name)}\` (container \`${x.container}\`)`).join(", ") : "a container secret";
        report(`${describeResource(task)}, run by the service ${usedBy.map((svc) => `\`${svc.name}\``).join(", ")}, reads the database master secret ${describeResource(master)} as ${what}: every web or worker task could act as rds_superuser. Fix: give services the application role's secret (\`database.appPasswordValueFrom\`); only the migration task gets the master's (\`withDatabaseAdmin\`, components/app-environment.ts).`, task.urn);
      }
    }
  },
};
