import { Instance as RdsInstance } from "@pulumi/aws/rds/instance";
import { Schedule } from "@pulumi/aws/scheduler/schedule";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
  noConfigSchema,
  productionDataDefaults,
  ProductionDataConfig,
  productionDataSchema,
  queueDeadLetterDefaults,
  QueueDeadLetterConfig,
  queueDeadLetterSchema,
  simulatedIntegrationsDefaults,
  SimulatedIntegrationsConfig,
  simulatedIntegrationsSchema,
  withDefaults,
} from "../pack/config";
import { envPathOf } from "../engine/contract";
import { flatten } from "../engine/flatten";
import { describeResource, isUnknown, jsonValue, providerEnvironment, raw, stackEnvironment, stringsIn } from "../pack/resources";

/**
 * Safety: what a staging stack must never do (touch real customers, money or production data) and
 * what production must always have (protected data, dead letters, explicit timezones).
 */

const RDS_INSTANCE = "aws:rds/instance:Instance";
const RESTORE_PROPERTIES = ["snapshotIdentifier", "replicateSourceDb", "restoreToPointInTime", "s3Import"];
const LIVE_KEY = /\b(sk|rk|pk)_live_[A-Za-z0-9]/;

function isProductionStack(resources: readonly PolicyResource[]): boolean {
  return stackEnvironment(resources) === "production";
}

function set(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "" && !(typeof v === "object" && Object.keys(v as object).length === 0);
}

export const stagingIntegrationsSimulated: StackValidationPolicy = {
  name: "staging-integrations-simulated",
  description: "Outside production, payments run in test mode, email is captured and SMS is logged: no live keys, no live modes.",
  enforcementLevel: "mandatory",
  configSchema: simulatedIntegrationsSchema,
  validateStack: (args, report) => {
    if (isProductionStack(args.resources)) return;
    const { allowedModes } = withDefaults(simulatedIntegrationsDefaults, args.getConfig<SimulatedIntegrationsConfig>());
    for (const r of args.resources) {
      const props = raw(r.props);
      for (const [path, value] of flatten(props)) {
        const env = envPathOf(path);
        const allowed = env && allowedModes[env.key];
        if (env && allowed && typeof value === "string" && !allowed.includes(value)) {
          report(`${describeResource(r)} sets env var \`${env.key}\` to \`${value}\` in a non-production stack: this stack would reach real customers or money. Fix: set the stack's mode config to ${allowed.map((a) => `\`${a}\``).join(" or ")} (see Pulumi.yaml: paymentsMode/emailMode/smsMode).`, r.urn);
        }
        if (/^tags(\.|\[")[^"]*mode("\])?$/i.test(path) && (value === "live" || value === "send")) {
          report(`${describeResource(r)} is tagged \`${path.replace(/^tags\.?/, "").replace(/^\["(.*)"\]$/, "$1")}\` = \`${value}\` in a non-production stack: the integration is live. Fix: configure the simulated mode (payments \`test\`, email \`capture\`, SMS \`log\`).`, r.urn);
        }
      }
      // The key is never echoed, only what kind of key it is.
      if (stringsIn(props).some((s) => LIVE_KEY.test(s))) {
        report(`${describeResource(r)} holds a live payment key (\`sk_live_…\`, value not shown) in a non-production stack. Fix: \`pulumi config set --secret paymentsApiKey <sk_test_...>\` for this stack, then roll the live key in the provider's dashboard.`, r.urn);
      }
    }
  },
};

// Resource policies (Analyze, the resource's inputs, before its step) where one resource decides.
// Each is bound to its resource class with validateResourceOfType: the SDK then skips every other
// resource without decoding its properties (it decodes them once per policy otherwise). The classes
// are imported one module deep so the pack does not load the whole AWS SDK at start.
export const stagingNoProductionData: ResourceValidationPolicy = {
  name: "staging-no-production-data",
  description: "Outside production, databases start empty and are built by migrations: no snapshot restore, replica or point-in-time copy of another database.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateResource: validateResourceOfType(RdsInstance, (_props, args, report) => {
    if (providerEnvironment(args.provider) === "production") return;
    const props = raw(args.props);
    for (const p of RESTORE_PROPERTIES.filter((k) => set(props[k]))) {
      report(`${describeResource(args)} sets \`${p}\` in a non-production stack: it would copy another database's data (real customers' data if it is production's) into this stack. Fix: remove \`${p}\`; seed known accounts and let migrations build the schema. If a production bug needs real data, restore a masked, minimal copy by hand and declare it in known-differences.yaml.`);
    }
  }),
};

export const productionDataProtected: StackValidationPolicy = {
  name: "production-data-protected",
  description: "In production, stateful resources are protected: deletion protection, a final snapshot, backups, bucket versioning and `protect` on the database, user pool, buckets and KMS keys.",
  enforcementLevel: "mandatory",
  configSchema: productionDataSchema,
  validateStack: (args, report) => {
    if (!isProductionStack(args.resources)) return;
    const { minBackupRetentionDays } = withDefaults(productionDataDefaults, args.getConfig<ProductionDataConfig>());
    const fix = "Fix: set `protectData: true` in Pulumi.production.yaml (the components derive every protection from it) and keep `dataProtection(protectData)` on the resource";
    for (const r of args.resources) {
      const props = raw(r.props);
      if (r.type === RDS_INSTANCE) {
        if (props.deletionProtection !== true) report(`${describeResource(r)} has \`deletionProtection\` ${JSON.stringify(props.deletionProtection ?? "unset")} in production: one mistaken delete drops the database. ${fix}.`, r.urn);
        if (props.skipFinalSnapshot === true) report(`${describeResource(r)} has \`skipFinalSnapshot: true\` in production: a delete or replacement leaves no snapshot behind. ${fix}.`, r.urn);
        const days = props.backupRetentionPeriod;
        if (!isUnknown(days) && (typeof days !== "number" || days < minBackupRetentionDays)) {
          report(`${describeResource(r)} keeps ${JSON.stringify(days ?? "no")} days of backups in production; at least ${minBackupRetentionDays} are required. Fix: \`pulumi config set dbBackupRetentionDays ${minBackupRetentionDays}\` (or more) on the production stack.`, r.urn);
        }
      }
      if (["aws:rds/instance:Instance", "aws:cognito/userPool:UserPool", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:kms/key:Key"].includes(r.type) && !r.opts.protect) {
        report(`${describeResource(r)} is not \`protect\`ed in production: \`pulumi destroy\` or a replacing change would delete it and its data. ${fix}.`, r.urn);
      }
      if (r.type === "aws:s3/bucket:Bucket" || r.type === "aws:s3/bucketV2:BucketV2") {
        const versioned = args.resources.some((v) => v.type.startsWith("aws:s3/bucketVersioning") && dependsOn(v, r) && raw(raw(v.props).versioningConfiguration).status === "Enabled");
        if (!versioned) report(`${describeResource(r)} has no BucketVersioning with status \`Enabled\` in production: an overwrite or delete loses the object for good. Fix: add \`aws.s3.BucketVersioning\` with \`versioningConfiguration: { status: "Enabled" }\` (the Storage component does).`, r.urn);
      }
    }
  },
};

/** Whether `r` references `target` (its dependencies or one of its property values). */
export function dependsOn(r: PolicyResource, target: PolicyResource): boolean {
  if (r.dependencies.some((d) => d.urn === target.urn)) return true;
  if (Object.values(r.propertyDependencies).some((ds) => ds.some((d) => d.urn === target.urn))) return true;
  const t = raw(target.props);
  const ids = [t.id, t.bucket, t.arn, t.url].filter((x): x is string => typeof x === "string" && !isUnknown(x));
  return stringsIn(raw(r.props)).some((s) => ids.includes(s));
}

/** Queues other queues send dead letters to (by ARN), or named as one. */
function deadLetterQueues(resources: readonly PolicyResource[]): Set<string> {
  const targets = new Set<string>();
  for (const q of resources.filter((r) => r.type === "aws:sqs/queue:Queue")) {
    const target = (jsonValue(raw(q.props).redrivePolicy) as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn;
    if (typeof target === "string") targets.add(target);
  }
  const dlqs = new Set<string>();
  for (const q of resources.filter((r) => r.type === "aws:sqs/queue:Queue")) {
    const p = raw(q.props);
    // A redrive-allow policy belongs to the queue in its `queueUrl`; it also names its sources.
    const redriveAllowed = resources.some(
      (a) =>
        a.type === "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy" &&
        ((a.propertyDependencies.queueUrl ?? []).some((d) => d.urn === q.urn) || (typeof p.url === "string" && raw(a.props).queueUrl === p.url)),
    );
    if ((typeof p.arn === "string" && targets.has(p.arn)) || redriveAllowed || /-(dlq|dead-letter)(\.fifo)?$/.test(String(p.name ?? q.name))) dlqs.add(q.urn);
  }
  return dlqs;
}

export const queueRetryRules: StackValidationPolicy = {
  name: "queue-retry-rules",
  description: "Every SQS queue except dead-letter queues has a dead-letter queue (redrivePolicy) with enough retries, and an explicit visibility timeout.",
  enforcementLevel: "mandatory",
  configSchema: queueDeadLetterSchema,
  validateStack: (args, report) => {
    const { minMaxReceiveCount } = withDefaults(queueDeadLetterDefaults, args.getConfig<QueueDeadLetterConfig>());
    const dlqs = deadLetterQueues(args.resources);
    for (const q of args.resources.filter((r) => r.type === "aws:sqs/queue:Queue" && !dlqs.has(r.urn))) {
      const p = raw(q.props);
      if (isUnknown(p.redrivePolicy)) continue;
      const redrive = jsonValue(p.redrivePolicy) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
      if (!redrive || !set(redrive.deadLetterTargetArn)) {
        report(`${describeResource(q)} has no dead-letter queue: a job that keeps failing is retried until it expires and then silently lost. Fix: give it a \`redrivePolicy\` with \`deadLetterTargetArn\` and \`maxReceiveCount\` (the JobQueues component does).`, q.urn);
      } else if (typeof redrive.maxReceiveCount === "number" && redrive.maxReceiveCount < minMaxReceiveCount) {
        report(`${describeResource(q)} moves a message to its dead-letter queue after ${redrive.maxReceiveCount} receive(s); at least ${minMaxReceiveCount} are required so a transient failure is retried. Fix: use MAX_RECEIVE_COUNT from components/job-queues.ts, the same in every stack.`, q.urn);
      }
      if (p.visibilityTimeoutSeconds === undefined || p.visibilityTimeoutSeconds === null) {
        report(`${describeResource(q)} has no explicit \`visibilityTimeoutSeconds\`: SQS's 30 s default is shorter than the job timeout, so a slow job is handed to a second worker while it is still running. Fix: set it to VISIBILITY_TIMEOUT_SECONDS (six job timeouts).`, q.urn);
      }
    }
  },
};

export const scheduleTimezone: ResourceValidationPolicy = {
  name: "schedule-timezone",
  description: "Every EventBridge Scheduler schedule names its timezone explicitly.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateResource: validateResourceOfType(Schedule, (_props, args, report) => {
    const tz = raw(args.props).scheduleExpressionTimezone;
    if (!isUnknown(tz) && !set(tz)) {
      report(`${describeResource(args)} has no \`scheduleExpressionTimezone\`: its cron runs in UTC by default, so reports arrive at the wrong hour and trials end early wherever someone assumed local time. Fix: set \`scheduleExpressionTimezone\` from the \`scheduleTimezone\` setting.`);
    }
  }),
};

export const noResetInProduction: StackValidationPolicy = {
  name: "no-reset-in-production",
  description: "The staging reset token (which rebuilds the database from scratch) is never set in production.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    if (!isProductionStack(args.resources)) return;
    for (const r of args.resources) {
      const keepers = raw(raw(r.props).keepers);
      if (set(keepers.resetToken) && !isUnknown(keepers.resetToken)) {
        report(`${describeResource(r)} carries a database reset token in production: changing it replaces the database and destroys every row. Fix: \`pulumi config set dbResetToken ""\` on the production stack; reset only staging.`, r.urn);
      }
    }
  },
};
