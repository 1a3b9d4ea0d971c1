import { StackValidationPolicy } from "@pulumi/policy";
import { STATEFUL_TYPES } from "../engine/contract";
import { productionDataDefaults, ProductionDataConfig, productionDataSchema, withDefaults } from "../pack/config";
import { dependsOn } from "../pack/relations";
import { POLICIES_DOC } from "../pack/docs";
import { describeResource, isProductionStack, isUnknown, raw } from "../pack/resources";
import { BUCKET_TYPES, RDS_INSTANCE, S3_BUCKET_VERSIONING_PREFIX } from "../types";

/** Safety: production's data survives a mistaken delete, a replacement and an overwrite. */
export const productionDataProtected: StackValidationPolicy = {
  name: "production-data-protected",
  description:
    "In production, stateful resources are protected: deletion protection, a final snapshot, backups, bucket versioning and `protect` on the database, user pool, buckets and KMS keys.",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set `protectData: true` in Pulumi.production.yaml (the components derive every protection from it: deletion protection, final snapshot, `protect`) and keep `dataProtection(protectData)` on the resource. Buckets: an `aws.s3.BucketVersioning` with `versioningConfiguration: { status: "Enabled" }` (the Storage component adds it). Backups: the message names the setting.',
  url: POLICIES_DOC,
  configSchema: productionDataSchema,
  validateStack: (args, report) => {
    if (!isProductionStack(args.resources)) return;
    const { minBackupRetentionDays } = withDefaults(productionDataDefaults, args.getConfig<ProductionDataConfig>());
    for (const r of args.resources) {
      const props = raw(r.props);
      if (r.type === RDS_INSTANCE) {
        if (props.deletionProtection !== true)
          report(
            `${describeResource(r)} has \`deletionProtection\` ${JSON.stringify(props.deletionProtection ?? "unset")} in production: one mistaken delete drops the database.`,
            r.urn,
          );
        if (props.skipFinalSnapshot === true)
          report(
            `${describeResource(r)} has \`skipFinalSnapshot: true\` in production: a delete or replacement leaves no snapshot behind.`,
            r.urn,
          );
        const days = props.backupRetentionPeriod;
        if (!isUnknown(days) && (typeof days !== "number" || days < minBackupRetentionDays)) {
          report(
            `${describeResource(r)} keeps ${JSON.stringify(days ?? "no")} days of backups in production; at least ${minBackupRetentionDays} are required. Fix: \`pulumi config set dbBackupRetentionDays ${minBackupRetentionDays}\` (or more) on the production stack.`,
            r.urn,
          );
        }
      }
      if (STATEFUL_TYPES.includes(r.type) && !r.opts.protect) {
        report(
          `${describeResource(r)} is not \`protect\`ed in production: \`pulumi destroy\` or a replacing change would delete it and its data.`,
          r.urn,
        );
      }
      if (BUCKET_TYPES.includes(r.type)) {
        const versioned = args.resources.some(
          (v) =>
            v.type.startsWith(S3_BUCKET_VERSIONING_PREFIX) &&
            dependsOn(v, r) &&
            raw(raw(v.props).versioningConfiguration).status === "Enabled",
        );
        if (!versioned)
          report(
            `${describeResource(r)} has no BucketVersioning with status \`Enabled\` in production: an overwrite or delete loses the object for good.`,
            r.urn,
          );
      }
    }
  },
};
