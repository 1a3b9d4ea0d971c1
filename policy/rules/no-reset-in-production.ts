import { StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { POLICIES_DOC } from "../pack/docs";
import { describeResource, isProductionStack, isUnknown, raw } from "../pack/resources";
import { isSet } from "../pack/values";

/** Safety: production's database is never rebuilt from scratch by the staging reset. */
export const noResetInProduction: StackValidationPolicy = {
  name: "no-reset-in-production",
  description: "The staging reset token (which rebuilds the database from scratch) is never set in production.",
  enforcementLevel: "mandatory",
  remediationSteps: '`pulumi config set dbResetToken ""` on the production stack; reset only staging.',
  url: POLICIES_DOC,
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    if (!isProductionStack(args.resources)) return;
    for (const r of args.resources) {
      const keepers = raw(raw(r.props).keepers);
      if (isSet(keepers.resetToken) && !isUnknown(keepers.resetToken)) {
        report(
          `${describeResource(r)} carries a database reset token in production: changing it replaces the database and destroys every row.`,
          r.urn,
        );
      }
    }
  },
};
