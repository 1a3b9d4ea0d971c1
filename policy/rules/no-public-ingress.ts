import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { Referrers } from "../pack/floor-view";
import { SECURITY_FLOOR_DOC } from "../pack/docs";
import { describeResource } from "../pack/resources";
import {
  describeRule,
  inlineRules,
  Rule,
  RULE_TYPES,
  securityGroupsOf,
  standaloneRule,
} from "../pack/security-group-rules";
import { AWS_PACKAGE, LB_LOAD_BALANCER, SECURITY_GROUP_TYPES } from "../types";

/**
 * The security floor: what no stack may do whatever parity.lock.json or known-differences.yaml say.
 * The internet reaches the load balancer's security group on 80 and 443 and nothing else.
 */

/** The ports a load balancer serves the internet: HTTPS, and HTTP only to redirect it. */
const WEB_PORTS = [80, 443];

/** One web port over TCP: a range, or every protocol, reaches more than the load balancer serves. */
function webPortOnly(rule: Rule): boolean {
  return (
    rule.protocol === "tcp" &&
    rule.fromPort !== undefined &&
    rule.fromPort === rule.toPort &&
    WEB_PORTS.includes(rule.fromPort)
  );
}

/**
 * What uses a security group: the AWS resources (not groups, not rules) whose properties name it.
 * Components are left out: they re-export their children's ids without using them.
 */
function groupUsers(resources: readonly PolicyResource[]): Referrers {
  return new Referrers(
    resources,
    (r) => r.type.startsWith(AWS_PACKAGE) && !SECURITY_GROUP_TYPES.includes(r.type) && !RULE_TYPES.includes(r.type),
  );
}

/** The load balancer's group: attached to a load balancer, and to nothing that is not one. */
function isLoadBalancerGroup(sg: PolicyResource | undefined, users: Referrers): boolean {
  if (!sg) return false;
  const attached = users.of(sg);
  return (
    [...attached.keys()].every((u) => u.type === LB_LOAD_BALANCER) &&
    [...attached.values()].some((props) => props.has("securityGroups"))
  );
}

function reportIngress(where: string, rule: Rule, lbGroup: boolean, urn: string, report: ReportViolation): void {
  if (rule.open.length === 0 || (lbGroup && webPortOnly(rule))) return;
  const why = lbGroup
    ? `the load balancer's group takes the internet on ${WEB_PORTS.join(" and ")} only, one TCP port per rule. Fix: remove this rule, or narrow it to \`protocol: "tcp"\`, \`fromPort\` = \`toPort\` = 443 (or 80, which redirects)`
    : "only the load balancer's security group may take traffic from the internet, and only on 80 and 443. Fix: allow this port from the load balancer's group (`securityGroups: [edge.id]`, as `network-app-sg` does) or from a known CIDR; for a shell, use SSM Session Manager, never an open SSH port";
  report(
    `${where} (${describeRule(rule)}) is open to the whole internet (${[...new Set(rule.open)].join(", ")}): ${why}.`,
    urn,
  );
}

export const noPublicIngress: StackValidationPolicy = {
  name: "no-public-ingress",
  description:
    "Security floor: no security group takes ingress from 0.0.0.0/0 or ::/0, except the load balancer's group on TCP 80 and 443, whatever the lock or known differences say.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Only the load balancer's security group takes the internet, on TCP 80 and 443, one port per rule. Any other port: allow it from the load balancer's group (`securityGroups: [edge.id]`, as `network-app-sg` does) or from a known CIDR; for a shell, use SSM Session Manager, never an open SSH port. Each message says which applies.",
  url: SECURITY_FLOOR_DOC,
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    const groups = securityGroupsOf(args.resources);
    const users = groupUsers(args.resources);
    for (const sg of groups) {
      const lbGroup = isLoadBalancerGroup(sg, users);
      for (const { label, rule } of inlineRules(sg, "ingress"))
        reportIngress(`${describeResource(sg)} ${label}`, rule, lbGroup, sg.urn, report);
    }
    for (const r of args.resources.filter((x) => RULE_TYPES.includes(x.type))) {
      const found = standaloneRule(r, groups);
      if (found?.direction !== "ingress") continue;
      const on = found.group ? ` on ${describeResource(found.group)}` : "";
      reportIngress(`${describeResource(r)}${on}`, found.rule, isLoadBalancerGroup(found.group, users), r.urn, report);
    }
  },
};
