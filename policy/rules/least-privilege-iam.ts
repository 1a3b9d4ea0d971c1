import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { leastPrivilegeDefaults, LeastPrivilegeConfig, leastPrivilegeSchema, withDefaults } from "../pack/config";
import { POLICIES_DOC } from "../pack/docs";
import { describeResource, jsonValue, raw } from "../pack/resources";
import { stringList } from "../pack/values";
import { IAM_POLICY, IAM_ROLE, IAM_ROLE_POLICY, IAM_USER_POLICY } from "../types";

/** Security: IAM grants name the actions and resources a workload uses, never a wildcard on data. */

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
}

/** The IAM policy documents a resource carries, by property name. */
function policyDocuments(r: PolicyResource): [string, unknown][] {
  const p = raw(r.props);
  if (r.type === IAM_POLICY || r.type === IAM_ROLE_POLICY || r.type === IAM_USER_POLICY) return [["policy", p.policy]];
  if (r.type === IAM_ROLE && Array.isArray(p.inlinePolicies)) {
    return (p.inlinePolicies as { name?: unknown; policy?: unknown }[]).map((x, i) => [
      `inlinePolicies[${String(x.name ?? i)}].policy`,
      x.policy,
    ]);
  }
  return [];
}

export const leastPrivilegeIam: StackValidationPolicy = {
  name: "least-privilege-iam",
  description:
    "No IAM Allow statement grants `*` actions, or any action on `*` resources, on data services (S3, SQS, RDS, Secrets Manager, KMS, DynamoDB).",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Name the actions the code calls (e.g. `sqs:SendMessage`) and the exact ARNs (the bucket and `<bucket>/*`, the queue, the key), never `*` or `NotAction`.",
  url: POLICIES_DOC,
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

function checkStatement(
  r: PolicyResource,
  prop: string,
  i: number,
  s: Statement,
  dataServices: string[],
  report: ReportViolation,
): void {
  if (s.Effect !== "Allow") return;
  const actions = stringList(s.Action);
  const where = `${describeResource(r)} \`${prop}\` statement ${i + 1}`;
  if (actions.includes("*") || s.NotAction !== undefined) {
    report(`${where} allows every action (\`${actions.includes("*") ? "*" : "NotAction"}\`).`, r.urn);
    return;
  }
  const data = actions.filter((a) => dataServices.includes(a.split(":")[0].toLowerCase()));
  const wildcards = data.filter((a) => /:\*$|^[^:]+:[^:]*\*$/.test(a));
  if (wildcards.length > 0)
    report(
      `${where} allows wildcard actions on a data service (${wildcards.map((a) => `\`${a}\``).join(", ")}).`,
      r.urn,
    );
  if (data.length > 0 && stringList(s.Resource).includes("*")) {
    report(
      `${where} allows ${data.map((a) => `\`${a}\``).join(", ")} on \`*\` (every resource of the account).`,
      r.urn,
    );
  }
}
