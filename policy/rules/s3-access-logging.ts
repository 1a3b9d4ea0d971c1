import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { buckets } from "../pack/relations";
import { fsbpControl } from "../pack/docs";
import { describeResource, raw } from "../pack/resources";
import { S3_BUCKET_LOGGING } from "../types";

/**
 * S3 server access logging (AWS Foundational Security Best Practices S3.9): every bucket's requests
 * are logged into the stack's access-log bucket, which is the one bucket that does not log itself.
 * awsguard's `s3-bucket-logging-enabled` cannot check this on @pulumi/aws 7 (it reads aws 4's inline
 * `loggings`), so the pack checks the `aws.s3.BucketLogging` resources instead.
 */

/** Whether `logging`'s `property` names `bucket`: by the dependency the program declared, or by name. */
function names(logging: PolicyResource, property: "bucket" | "targetBucket", bucket: PolicyResource): boolean {
  if ((logging.propertyDependencies?.[property] ?? []).some((d) => d.urn === bucket.urn)) return true;
  const value = raw(logging.props)[property];
  const name = raw(bucket.props).bucket;
  return typeof value === "string" && typeof name === "string" && value === name;
}

export const s3AccessLogging: StackValidationPolicy = {
  name: "s3-access-logging",
  description:
    "Every S3 bucket but the stack's access-log bucket has server access logging (AWS FSBP S3.9), so each request to its data leaves a record.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Pass the stack's access-log bucket as `accessLogBucket` to the bucket's Storage component (components/storage.ts), which adds an `aws.s3.BucketLogging`.",
  url: fsbpControl("s3", 9),
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    const loggings = args.resources.filter((r) => r.type === S3_BUCKET_LOGGING);
    for (const b of buckets(args.resources)) {
      const logged = loggings.some((l) => names(l, "bucket", b));
      const isTarget = loggings.some((l) => names(l, "targetBucket", b));
      if (!logged && !isTarget) {
        report(
          `${describeResource(b)} has no server access logging: requests to it (who read, wrote or deleted which object) leave no record.`,
          b.urn,
        );
      }
    }
  },
};
