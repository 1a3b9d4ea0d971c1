import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { declaredView, refersTo, strings } from "../pack/floor-view";
import { SECURITY_FLOOR_DOC } from "../pack/docs";
import { describeResource, isUnknown } from "../pack/resources";
import { describeRule, inlineRules, RULE_TYPES, securityGroupsOf, standaloneRule } from "../pack/security-group-rules";
import { RDS_CLUSTER, RDS_INSTANCE } from "../types";

/**
 * The security floor: what no stack may do whatever parity.lock.json or known-differences.yaml say.
 * The database's security group sends nothing out.
 */

const DATABASE_TYPES = [RDS_INSTANCE, RDS_CLUSTER];

/** The security groups databases use, each with the databases that use it. */
function databaseGroups(
  resources: readonly PolicyResource[],
  groups: readonly PolicyResource[],
): Map<PolicyResource, PolicyResource[]> {
  const out = new Map<PolicyResource, PolicyResource[]>();
  for (const db of resources.filter((r) => DATABASE_TYPES.includes(r.type))) {
    for (const sg of groups.filter((g) => refersTo(db, "vpcSecurityGroupIds", g)))
      out.set(sg, [...(out.get(sg) ?? []), db]);
  }
  return out;
}

const EGRESS_WHY =
  "security groups are stateful, so the database's replies to the app need no egress rule, and with none a compromised database cannot send data out or call anywhere";

export const noDatabaseEgress: StackValidationPolicy = {
  name: "no-database-egress",
  description:
    "Security floor: the database's security group has no egress rule (inline or standalone) and every database names its own group, whatever the lock or known differences say.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Give each database its own security group, open only to the app's group, with `egress: []` and no standalone egress rule (components/database.ts declares it so).",
  url: SECURITY_FLOOR_DOC,
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    const groups = securityGroupsOf(args.resources);
    const dbGroups = databaseGroups(args.resources, groups);
    const usedBy = (sg: PolicyResource) => (dbGroups.get(sg) ?? []).map((d) => `\`${d.name}\``).join(", ");
    for (const sg of dbGroups.keys()) {
      const rules = inlineRules(sg, "egress");
      if (rules.length === 0) continue;
      const listed = rules.map(({ label, rule }) => `${label} (${describeRule(rule)})`).join(", ");
      report(
        `${describeResource(sg)}, the security group of the database ${usedBy(sg)}, allows egress: ${listed}. Fix: \`egress: []\` (components/database.ts declares it so): ${EGRESS_WHY}.`,
        sg.urn,
      );
    }
    for (const r of args.resources.filter((x) => RULE_TYPES.includes(x.type))) {
      const found = standaloneRule(r, groups);
      if (found?.direction !== "egress" || !found.group || !dbGroups.has(found.group)) continue;
      report(
        `${describeResource(r)} adds egress (${describeRule(found.rule)}) to ${describeResource(found.group)}, the security group of the database ${usedBy(found.group)}. Fix: remove the rule: ${EGRESS_WHY}.`,
        r.urn,
      );
    }
    for (const db of args.resources.filter((x) => DATABASE_TYPES.includes(x.type))) {
      const ids = declaredView(db).vpcSecurityGroupIds;
      if (isUnknown(ids) || strings(ids).length > 0) continue;
      report(
        `${describeResource(db)} names no \`vpcSecurityGroupIds\`, so it gets the VPC's default security group, which allows all egress (and ingress from everything else in it). Fix: give it its own group, open only to the app's group, with \`egress: []\` (components/database.ts).`,
        db.urn,
      );
    }
  },
};
