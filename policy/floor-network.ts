import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "./config";
import { declaredView, plain, Referrers, refersTo, strings } from "./floor-view";
import { describeResource, isUnknown } from "./resources";

/**
 * The security floor, network half: what no stack may do whatever parity.lock.json or
 * known-differences.yaml say. The internet reaches the load balancer's security group on 80 and 443
 * and nothing else; the database's security group sends nothing out.
 */

const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const VPC_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const DATABASES = ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"];
const RULE_TYPES = [GROUP_RULE, VPC_INGRESS_RULE, VPC_EGRESS_RULE];
/** The ports a load balancer serves the internet: HTTPS, and HTTP only to redirect it. */
const WEB_PORTS = [80, 443];

/** One rule, however it was declared (inline, `SecurityGroupRule`, `SecurityGroupIngressRule`). */
interface Rule {
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  /** The CIDRs that span a whole address family (`0.0.0.0/0`, `::/0`, any `/0`). */
  readonly open: string[];
  readonly description?: string;
}

function port(v: unknown): number | undefined {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** `-1`/`all` is every protocol and every port; `6` is tcp. */
function protocolOf(v: unknown): string {
  const p = String(plain(v) ?? "").toLowerCase();
  return p === "-1" || p === "all" ? "all" : p === "6" ? "tcp" : p === "17" ? "udp" : p;
}

/** Whatever the notation (`0.0.0.0/0`, `::/0`, `0::0/0`), a `/0` prefix is every address. */
function openCidrs(...values: unknown[]): string[] {
  return values.flatMap(strings).filter((c) => /\/0+$/.test(c.trim()));
}

function inlineRules(sg: PolicyResource, direction: "ingress" | "egress"): { label: string; rule: Rule }[] {
  const list = plain(declaredView(sg)[direction]);
  if (!Array.isArray(list)) return [];
  return list.map((x, i) => {
    const r = (plain(x) ?? {}) as Record<string, unknown>;
    return { label: `\`${direction}[${i}]\``, rule: ruleOf(r.protocol, r.fromPort, r.toPort, openCidrs(r.cidrBlocks, r.ipv6CidrBlocks), r.description) };
  });
}

function ruleOf(protocol: unknown, fromPort: unknown, toPort: unknown, open: string[], description: unknown): Rule {
  const d = plain(description);
  return { protocol: protocolOf(protocol), fromPort: port(plain(fromPort)), toPort: port(plain(toPort)), open, ...(typeof d === "string" && d !== "" ? { description: d } : {}) };
}

/** A standalone rule resource: its direction, the group it belongs to and the rule. */
function standaloneRule(r: PolicyResource, groups: readonly PolicyResource[]): { direction: "ingress" | "egress"; group?: PolicyResource; rule: Rule } | undefined {
  const p = declaredView(r);
  const group = groups.find((g) => refersTo(r, "securityGroupId", g));
  if (r.type === GROUP_RULE) {
    const type = plain(p.type);
    if (type !== "ingress" && type !== "egress") return undefined;
    return { direction: type, group, rule: ruleOf(p.protocol, p.fromPort, p.toPort, openCidrs(p.cidrBlocks, p.ipv6CidrBlocks), p.description) };
  }
  if (r.type === VPC_INGRESS_RULE || r.type === VPC_EGRESS_RULE) {
    const direction = r.type === VPC_INGRESS_RULE ? "ingress" : "egress";
    return { direction, group, rule: ruleOf(p.ipProtocol, p.fromPort, p.toPort, openCidrs(p.cidrIpv4, p.cidrIpv6), p.description) };
  }
  return undefined;
}

/** `tcp 22`, `tcp 80-443`, `all traffic`, with the rule's own description. */
function describeRule(rule: Rule): string {
  const ports = rule.protocol === "all" ? "all traffic" : rule.fromPort === rule.toPort ? `${rule.protocol} ${rule.fromPort ?? "?"}` : `${rule.protocol} ${rule.fromPort ?? "?"}-${rule.toPort ?? "?"}`;
  return rule.description ? `${ports}, "${rule.description}"` : ports;
}

/** One web port over TCP: a range, or every protocol, reaches more than the load balancer serves. */
function webPortOnly(rule: Rule): boolean {
  return rule.protocol === "tcp" && rule.fromPort !== undefined && rule.fromPort === rule.toPort && WEB_PORTS.includes(rule.fromPort);
}

/**
 * What uses a security group: the AWS resources (not groups, not rules) whose properties name it.
 * Components are left out: they re-export their children's ids without using them.
 */
function groupUsers(resources: readonly PolicyResource[]): Referrers {
  return new Referrers(resources, (r) => r.type.startsWith("aws:") && r.type !== SECURITY_GROUP && !RULE_TYPES.includes(r.type));
}

/** The load balancer's group: attached to a load balancer, and to nothing that is not one. */
function isLoadBalancerGroup(sg: PolicyResource | undefined, users: Referrers): boolean {
  if (!sg) return false;
  const attached = users.of(sg);
  return [...attached.keys()].every((u) => u.type === LOAD_BALANCER) && [...attached.values()].some((props) => props.has("securityGroups"));
}

function reportIngress(where: string, rule: Rule, lbGroup: boolean, urn: string, report: ReportViolation): void {
  if (rule.open.length === 0 || (lbGroup && webPortOnly(rule))) return;
  const why = lbGroup
    ? `the load balancer's group takes the internet on ${WEB_PORTS.join(" and ")} only, one TCP port per rule. Fix: remove this rule, or narrow it to \`protocol: "tcp"\`, \`fromPort\` = \`toPort\` = 443 (or 80, which redirects)`
    : "only the load balancer's security group may take traffic from the internet, and only on 80 and 443. Fix: allow this port from the load balancer's group (`securityGroups: [edge.id]`, as `network-app-sg` does) or from a known CIDR; for a shell, use SSM Session Manager, never an open SSH port";
  report(`${where} (${describeRule(rule)}) is open to the whole internet (${[...new Set(rule.open)].join(", ")}): ${why}.`, urn);
}

export const noPublicIngress: StackValidationPolicy = {
  name: "no-public-ingress",
  description: "Security floor: no security group takes ingress from 0.0.0.0/0 or ::/0, except the load balancer's group on TCP 80 and 443, whatever the lock or known differences say.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    const groups = args.resources.filter((r) => r.type === SECURITY_GROUP);
    const users = groupUsers(args.resources);
    for (const sg of groups) {
      const lbGroup = isLoadBalancerGroup(sg, users);
      for (const { label, rule } of inlineRules(sg, "ingress")) reportIngress(`${describeResource(sg)} ${label}`, rule, lbGroup, sg.urn, report);
    }
    for (const r of args.resources.filter((x) => RULE_TYPES.includes(x.type))) {
      const found = standaloneRule(r, groups);
      if (found?.direction !== "ingress") continue;
      const on = found.group ? ` on ${describeResource(found.group)}` : "";
      reportIngress(`${describeResource(r)}${on}`, found.rule, isLoadBalancerGroup(found.group, users), r.urn, report);
    }
  },
};

/** The security groups databases use, each with the databases that use it. */
function databaseGroups(resources: readonly PolicyResource[]): Map<PolicyResource, PolicyResource[]> {
  const groups = resources.filter((r) => r.type === SECURITY_GROUP);
  const out = new Map<PolicyResource, PolicyResource[]>();
  for (const db of resources.filter((r) => DATABASES.includes(r.type))) {
    for (const sg of groups.filter((g) => refersTo(db, "vpcSecurityGroupIds", g))) out.set(sg, [...(out.get(sg) ?? []), db]);
  }
  return out;
}

const EGRESS_WHY =
  "security groups are stateful, so the database's replies to the app need no egress rule, and with none a compromised database cannot send data out or call anywhere";

export const noDatabaseEgress: StackValidationPolicy = {
  name: "no-database-egress",
  description: "Security floor: the database's security group has no egress rule (inline or standalone) and every database names its own group, whatever the lock or known differences say.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    const dbGroups = databaseGroups(args.resources);
    const usedBy = (sg: PolicyResource) => (dbGroups.get(sg) ?? []).map((d) => `\`${d.name}\``).join(", ");
    for (const sg of dbGroups.keys()) {
      const rules = inlineRules(sg, "egress");
      if (rules.length === 0) continue;
      const listed = rules.map(({ label, rule }) => `${label} (${describeRule(rule)})`).join(", ");
      report(`${describeResource(sg)}, the security group of the database ${usedBy(sg)}, allows egress: ${listed}. Fix: \`egress: []\` (components/database.ts declares it so): ${EGRESS_WHY}.`, sg.urn);
    }
    const groups = args.resources.filter((r) => r.type === SECURITY_GROUP);
    for (const r of args.resources.filter((x) => RULE_TYPES.includes(x.type))) {
      const found = standaloneRule(r, groups);
      if (found?.direction !== "egress" || !found.group || !dbGroups.has(found.group)) continue;
      report(`${describeResource(r)} adds egress (${describeRule(found.rule)}) to ${describeResource(found.group)}, the security group of the database ${usedBy(found.group)}. Fix: remove the rule: ${EGRESS_WHY}.`, r.urn);
    }
    for (const db of args.resources.filter((x) => DATABASES.includes(x.type))) {
      const ids = declaredView(db).vpcSecurityGroupIds;
      if (isUnknown(ids) || strings(ids).length > 0) continue;
      report(`${describeResource(db)} names no \`vpcSecurityGroupIds\`, so it gets the VPC's default security group, which allows all egress (and ingress from everything else in it). Fix: give it its own group, open only to the app's group, with \`egress: []\` (components/database.ts).`, db.urn);
    }
  },
};
