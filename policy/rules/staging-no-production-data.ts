import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { POLICIES_DOC } from "../pack/docs";
import { describeResource, providerEnvironment, raw } from "../pack/resources";
import { isSet } from "../pack/values";
import { RdsInstanceClass } from "../resource-classes";

/**
 * Safety: a staging database starts empty. A resource policy (Analyze, the resource's inputs, before
 * its step), since one resource decides; bound to its class (see resource-classes.ts).
 */

const RESTORE_PROPERTIES = ["snapshotIdentifier", "replicateSourceDb", "restoreToPointInTime", "s3Import"];

export const stagingNoProductionData: ResourceValidationPolicy = {
  name: "staging-no-production-data",
  description:
    "Outside production, databases start empty and are built by migrations: no snapshot restore, replica or point-in-time copy of another database.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove the restore property the message names; seed known accounts and let migrations build the schema. If a production bug needs real data, restore a masked, minimal copy by hand and declare it in known-differences.yaml.",
  url: POLICIES_DOC,
  configSchema: noConfigSchema,
  validateResource: validateResourceOfType(RdsInstanceClass, (_props, args, report) => {
    if (providerEnvironment(args.provider) === "production") return;
    const props = raw(args.props);
    for (const p of RESTORE_PROPERTIES.filter((k) => isSet(props[k]))) {
      report(
        `${describeResource(args)} sets \`${p}\` in a non-production stack: it would copy another database's data (real customers' data if it is production's) into this stack. Fix: remove \`${p}\`; seed known accounts and let migrations build the schema. If a production bug needs real data, restore a masked, minimal copy by hand and declare it in known-differences.yaml.`,
      );
    }
  }),
};
