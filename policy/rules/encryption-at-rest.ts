import { StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { attached, buckets } from "../pack/relations";
import { fsbpControl } from "../pack/docs";
import { describeResource, raw } from "../pack/resources";
import {
  CLOUDWATCH_LOG_GROUP,
  RDS_INSTANCE,
  S3_BUCKET_SSE_CONFIGURATION_PREFIX,
  SECRETSMANAGER_SECRET,
  SQS_QUEUE,
} from "../types";

/** Security: data at rest is encrypted, and secrets and logs with a key the stack controls. */
export const encryptionAtRest: StackValidationPolicy = {
  name: "encryption-at-rest",
  description:
    "RDS storage, S3 buckets, SQS queues, Secrets Manager secrets and CloudWatch log groups are encrypted at rest (secrets and log groups with the stack's own KMS key).",
  enforcementLevel: "mandatory",
  remediationSteps:
    "RDS: `storageEncrypted: true` with the stack's KMS key (changing it replaces the instance: plan a snapshot-restore migration). SQS: `sqsManagedSseEnabled: true` (or `kmsMasterKeyId`). Secrets Manager: pass the stack's data key (`kmsKeyId: key.arn`). Log groups: `kmsKeyId: logsKey.arn`, the stack's `LogsKey` (components/logs-key.ts), whose policy lets the region's logs service use it. Buckets: an `aws.s3.BucketServerSideEncryptionConfiguration` with `sseAlgorithm: \"aws:kms\"` and the stack's key.",
  url: fsbpControl("rds", 3),
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) {
      const p = raw(r.props);
      if (r.type === RDS_INSTANCE && p.storageEncrypted !== true) {
        report(
          `${describeResource(r)} has \`storageEncrypted\` ${JSON.stringify(p.storageEncrypted ?? "unset")}: the database's disks and snapshots are readable by anyone who gets a copy.`,
          r.urn,
        );
      }
      if (r.type === SQS_QUEUE && p.sqsManagedSseEnabled !== true && !p.kmsMasterKeyId) {
        report(`${describeResource(r)} is not encrypted at rest.`, r.urn);
      }
      if (r.type === SECRETSMANAGER_SECRET && !p.kmsKeyId) {
        report(
          `${describeResource(r)} has no \`kmsKeyId\`: it is encrypted with the account's shared default key, so anyone allowed to use that key in this account can read it.`,
          r.urn,
        );
      }
      if (r.type === CLOUDWATCH_LOG_GROUP && !p.kmsKeyId) {
        report(
          `${describeResource(r)} has no \`kmsKeyId\`: the app's logs (request data, errors, job payloads) are encrypted only with a key CloudWatch manages, so access to them cannot be cut off or audited through KMS.`,
          r.urn,
        );
      }
    }
    for (const b of buckets(args.resources)) {
      if (attached(args.resources, b, S3_BUCKET_SSE_CONFIGURATION_PREFIX).length === 0) {
        report(`${describeResource(b)} has no server-side encryption configuration.`, b.urn);
      }
    }
  },
};
