import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { declaredView, plain, strings } from "../pack/floor-view";
import { label, Statement, statementsOf } from "../pack/policy-statements";
import { fsbpControl } from "../pack/docs";
import { describeResource } from "../pack/resources";
import {
  IAM_GROUP_POLICY,
  IAM_MODULE_PREFIX,
  IAM_POLICY,
  IAM_POLICY_ATTACHMENT_TYPES,
  IAM_POLICY_ATTACHMENTS_EXCLUSIVE_TYPES,
  IAM_ROLE,
  IAM_ROLE_POLICY,
  IAM_USER_POLICY,
} from "../types";

/**
 * The security floor: what no stack may grant whatever parity.lock.json or known-differences.yaml
 * say. No identity gets full `*:*` administration (AWS FSBP IAM.1).
 */

/** AWS's own full-administrator managed policy, in every partition (aws, aws-cn, aws-us-gov, …). */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

/** Whether an Allow statement grants every action on every resource (IAM.1's `*:*`). */
function fullAdmin(s: Statement): boolean {
  return (
    s.Effect === "Allow" && strings(s.Action).some((a) => a === "*" || a === "*:*") && strings(s.Resource).includes("*")
  );
}

/** The IAM policy documents a resource carries, by property path. */
function iamDocuments(r: PolicyResource): [string, unknown][] {
  const p = declaredView(r);
  if ([IAM_POLICY, IAM_ROLE_POLICY, IAM_USER_POLICY, IAM_GROUP_POLICY].includes(r.type)) return [["policy", p.policy]];
  const inline = plain(p.inlinePolicies);
  if (r.type === IAM_ROLE && Array.isArray(inline)) {
    return inline.map((x, i) => {
      const o = (plain(x) ?? {}) as { name?: unknown; policy?: unknown };
      return [`inlinePolicies[${typeof o.name === "string" ? o.name : i}].policy`, o.policy];
    });
  }
  return [];
}

/** The managed policy ARNs a resource attaches, by property. */
function attachedArns(r: PolicyResource): [string, string][] {
  const p = declaredView(r);
  if (r.type === IAM_ROLE) return strings(p.managedPolicyArns).map((a) => ["managedPolicyArns", a]);
  if (IAM_POLICY_ATTACHMENT_TYPES.includes(r.type)) return strings(p.policyArn).map((a) => ["policyArn", a]);
  if (IAM_POLICY_ATTACHMENTS_EXCLUSIVE_TYPES.includes(r.type))
    return strings(p.policyArns).map((a, i) => [`policyArns[${i}]`, a]);
  return [];
}

function reportAdmin(r: PolicyResource, report: ReportViolation): void {
  for (const [prop, arn] of attachedArns(r)) {
    if (ADMINISTRATOR_ACCESS.test(arn))
      report(
        `${describeResource(r)} \`${prop}\` attaches \`${arn}\`: full \`*:*\` administration of the account to every identity it is attached to.`,
        r.urn,
      );
  }
  for (const [prop, doc] of iamDocuments(r)) {
    statementsOf(doc).forEach((s, i) => {
      if (fullAdmin(s))
        report(
          `${describeResource(r)} \`${prop}\` ${label(s, i)} allows every action on every resource (\`Action: "*"\`, \`Resource: "*"\`): whoever holds it administers the account.`,
          r.urn,
        );
    });
  }
}

export const noFullAdmin: StackValidationPolicy = {
  name: "no-full-admin",
  description:
    "Security floor: no `AdministratorAccess` attachment (any partition) and no IAM policy document that allows `*` on `*`, whatever the lock or known differences say.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Grant the actions the workload calls on the resources it uses (least-privilege-iam holds those); no role of this platform administers the account, so detach `AdministratorAccess` and drop any `*` on `*` statement.",
  url: fsbpControl("iam", 1),
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) if (r.type.startsWith(IAM_MODULE_PREFIX)) reportAdmin(r, report);
  },
};
