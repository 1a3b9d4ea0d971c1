import { PolicyResource } from "@pulumi/policy";
import {
  EC2_SECURITY_GROUP_RULE,
  SECURITY_GROUP_TYPES,
  VPC_SECURITY_GROUP_EGRESS_RULE,
  VPC_SECURITY_GROUP_INGRESS_RULE,
} from "../types";
import { declaredView, plain, refersTo, strings } from "./floor-view";

/**
 * Security group rules as the network floor reads them, however they were declared: inline in the
 * group (`ingress`, `egress`), or as standalone `SecurityGroupRule` / `SecurityGroupIngressRule` /
 * `SecurityGroupEgressRule` resources.
 */

/** Every standalone rule resource type. */
export const RULE_TYPES: readonly string[] = [
  EC2_SECURITY_GROUP_RULE,
  VPC_SECURITY_GROUP_INGRESS_RULE,
  VPC_SECURITY_GROUP_EGRESS_RULE,
];

/** The stack's security groups, of either kind (`SECURITY_GROUP_TYPES`). */
export function securityGroupsOf(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => SECURITY_GROUP_TYPES.includes(r.type));
}

/** One rule, however it was declared (inline, `SecurityGroupRule`, `SecurityGroupIngressRule`). */
export interface Rule {
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

export function inlineRules(sg: PolicyResource, direction: "ingress" | "egress"): { label: string; rule: Rule }[] {
  const list = plain(declaredView(sg)[direction]);
  if (!Array.isArray(list)) return [];
  return list.map((x, i) => {
    const r = (plain(x) ?? {}) as Record<string, unknown>;
    return {
      label: `\`${direction}[${i}]\``,
      rule: ruleOf(r.protocol, r.fromPort, r.toPort, openCidrs(r.cidrBlocks, r.ipv6CidrBlocks), r.description),
    };
  });
}

function ruleOf(protocol: unknown, fromPort: unknown, toPort: unknown, open: string[], description: unknown): Rule {
  const d = plain(description);
  return {
    protocol: protocolOf(protocol),
    fromPort: port(plain(fromPort)),
    toPort: port(plain(toPort)),
    open,
    ...(typeof d === "string" && d !== "" ? { description: d } : {}),
  };
}

/** A standalone rule resource: its direction, the group it belongs to and the rule. */
export function standaloneRule(
  r: PolicyResource,
  groups: readonly PolicyResource[],
): { direction: "ingress" | "egress"; group?: PolicyResource; rule: Rule } | undefined {
  const p = declaredView(r);
  const group = groups.find((g) => refersTo(r, "securityGroupId", g));
  if (r.type === EC2_SECURITY_GROUP_RULE) {
    const type = plain(p.type);
    if (type !== "ingress" && type !== "egress") return undefined;
    return {
      direction: type,
      group,
      rule: ruleOf(p.protocol, p.fromPort, p.toPort, openCidrs(p.cidrBlocks, p.ipv6CidrBlocks), p.description),
    };
  }
  if (r.type === VPC_SECURITY_GROUP_INGRESS_RULE || r.type === VPC_SECURITY_GROUP_EGRESS_RULE) {
    const direction = r.type === VPC_SECURITY_GROUP_INGRESS_RULE ? "ingress" : "egress";
    return {
      direction,
      group,
      rule: ruleOf(p.ipProtocol, p.fromPort, p.toPort, openCidrs(p.cidrIpv4, p.cidrIpv6), p.description),
    };
  }
  return undefined;
}

/** `tcp 22`, `tcp 80-443`, `all traffic`, with the rule's own description. */
export function describeRule(rule: Rule): string {
  const ports =
    rule.protocol === "all"
      ? "all traffic"
      : rule.fromPort === rule.toPort
        ? `${rule.protocol} ${rule.fromPort ?? "?"}`
        : `${rule.protocol} ${rule.fromPort ?? "?"}-${rule.toPort ?? "?"}`;
  return rule.description ? `${ports}, "${rule.description}"` : ports;
}
