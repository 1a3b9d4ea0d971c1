import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { declaredView, plain, strings } from "../pack/floor-view";
import { describeResource, isUnknown, jsonValue } from "../pack/resources";

/**
 * The security floor, access half: what no stack may grant whatever parity.lock.json or
 * known-differences.yaml say. No bucket policy lets anyone in, no role lets anyone assume it, and no
 * identity gets full `*:*` administration.
 */

interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}

/** The statements of a policy document (a JSON string or an object), or none while it is unknown. */
function statementsOf(doc: unknown): Statement[] {
  const parsed = jsonValue(plain(doc)) as { Statement?: unknown } | undefined;
  const s = parsed?.Statement;
  return (Array.isArray(s) ? s : s ? [s] : []).filter((x): x is Statement => typeof x === "object" && x !== null);
}

function label(s: Statement, i: number): string {
  return typeof s.Sid === "string" && s.Sid !== "" ? `statement \`${s.Sid}\`` : `statement ${i + 1}`;
}

/** `Principal: "*"`, `{"AWS": "*"}`, `{"AWS": ["*"]}` (any principal kind), or an Allow with `NotPrincipal`. */
function anyonePrincipal(s: Statement): string | undefined {
  if (s.NotPrincipal !== undefined) return `\`NotPrincipal\` (everyone but ${JSON.stringify(s.NotPrincipal)})`;
  const p = plain(s.Principal);
  if (p === "*") return '`Principal: "*"`';
  if (typeof p === "object" && p !== null) {
    const kind = Object.entries(p).find(([, v]) => strings(v).includes("*"))?.[0];
    if (kind) return `\`Principal: ${JSON.stringify({ [kind]: (p as Record<string, unknown>)[kind] })}\``;
  }
  return undefined;
}

const ACCOUNT = /^\d{12}$/;

/** An ARN with a concrete partition, service and account (or an S3 bucket, whose name is global). */
function concreteArn(v: string): boolean {
  const parts = v.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts.slice(0, 5).some((x) => /[*?$]/.test(x))) return false;
  return ACCOUNT.test(parts[4]) || (parts[2] === "s3" && /^[a-z0-9][a-z0-9.-]+$/.test(parts[5].split("/")[0]));
}

/**
 * Condition keys that say *who* may act (which account, organization, resource or network path),
 * each with what a concrete value looks like: no wildcard, no policy variable, no empty value.
 * `aws:SecureTransport` says how, `aws:SourceIp` only where from: neither names anyone.
 */
const RESTRICTING_KEYS: Record<string, (v: string) => boolean> = {
  "aws:sourceaccount": (v) => ACCOUNT.test(v),
  "aws:principalaccount": (v) => ACCOUNT.test(v),
  "aws:sourceowner": (v) => ACCOUNT.test(v),
  "aws:sourcearn": concreteArn,
  "aws:principalarn": concreteArn,
  "aws:principalorgid": (v) => /^o-[a-z0-9]{10,32}$/.test(v),
  "aws:principalorgpaths": (v) => /^o-[a-z0-9]{10,32}\/r-[a-z0-9]+(\/[\w-]+)*\/?\*?$/.test(v),
  "aws:sourcevpce": (v) => /^vpce-[0-9a-f]+$/.test(v),
  "aws:sourcevpc": (v) => /^vpc-[0-9a-f]+$/.test(v),
};

/**
 * Operators under which a value limits who matches. Negated ones (`StringNotEquals`, `ArnNotLike`)
 * let everyone else in; `…IfExists` matches a request without the key (an anonymous one has no
 * `aws:PrincipalAccount`); `ForAllValues:` matches an empty set.
 */
const LIMITING_OPERATOR = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/;

/** The condition key that restricts who, if any; otherwise the keys it has (none of which does). */
function restriction(s: Statement): { by?: string; seen: string[] } {
  const condition = plain(s.Condition);
  if (typeof condition !== "object" || condition === null) return { seen: [] };
  const seen: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (typeof block !== "object" || block === null) continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      seen.push(key);
      const concrete = RESTRICTING_KEYS[key.toLowerCase()];
      if (!concrete || !LIMITING_OPERATOR.test(operator)) continue;
      const raw = plain(value);
      // A first deploy's preview may not know the ARN yet: the update's AnalyzeStack sees it.
      if (isUnknown(raw)) return { by: key, seen };
      const values = strings(raw);
      if (values.length > 0 && values.every((v) => isUnknown(v) || concrete(v))) return { by: key, seen };
    }
  }
  return { seen };
}

const RESTRICT_HOW =
  "a `Condition` on `aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce` or `aws:SourceVpc` with a concrete value (StringEquals/ArnEquals, no wildcard account)";

/** Each Allow statement that lets anyone in without a condition saying who. */
function publicGrants(doc: unknown): { where: string; principal: string; note: string; s: Statement }[] {
  return statementsOf(doc).flatMap((s, i) => {
    if (s.Effect !== "Allow") return [];
    const principal = anyonePrincipal(s);
    if (!principal) return [];
    const { by, seen } = restriction(s);
    if (by) return [];
    const note = seen.length > 0 ? `; its condition (${seen.map((k) => `\`${k}\``).join(", ")}) does not say who` : ", with no condition";
    return [{ where: label(s, i), principal, note, s }];
  });
}

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

export const noPublicBucketPolicy: StackValidationPolicy = {
  name: "no-public-bucket-policy",
  description: "Security floor: no bucket policy (a BucketPolicy or a bucket's inline `policy`) allows `*` or `{\"AWS\": \"*\"}` without a condition that restricts who, whatever the lock or known differences say.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) {
      if (r.type !== "aws:s3/bucketPolicy:BucketPolicy" && !BUCKET_TYPES.includes(r.type)) continue;
      for (const g of publicGrants(declaredView(r).policy)) {
        const actions = strings(g.s.Action).map((a) => `\`${a}\``).join(", ") || "(no `Action`)";
        report(
          `${describeResource(r)} \`policy\` ${g.where} allows ${actions} to anyone (${g.principal}${g.note}): every AWS account and anonymous caller on the internet gets it. Fix: name the principal (this stack's role ARN), or add ${RESTRICT_HOW}; the app hands out objects with presigned URLs, never a public grant.`,
          r.urn,
        );
      }
    }
  },
};

export const noPublicRoleTrust: StackValidationPolicy = {
  name: "no-public-role-trust",
  description: "Security floor: no IAM role's trust policy (`assumeRolePolicy`) lets `*` or `{\"AWS\": \"*\"}` assume it without a condition that restricts who, whatever the lock or known differences say.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources.filter((x) => x.type === "aws:iam/role:Role")) {
      for (const g of publicGrants(declaredView(r).assumeRolePolicy)) {
        report(
          `${describeResource(r)} \`assumeRolePolicy\` ${g.where} lets anyone assume the role (${g.principal}${g.note}): any AWS account can take its permissions. Fix: trust the one service or role that needs it (\`Principal: { Service: "ecs-tasks.amazonaws.com" }\` with \`aws:SourceAccount\`, as components/trust.ts does), or add ${RESTRICT_HOW}.`,
          r.urn,
        );
      }
    }
  },
};

/** AWS's own full-administrator managed policy, in every partition (aws, aws-cn, aws-us-gov, …). */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

/** Whether an Allow statement grants every action on every resource (IAM.1's `*:*`). */
function fullAdmin(s: Statement): boolean {
  return s.Effect === "Allow" && strings(s.Action).some((a) => a === "*" || a === "*:*") && strings(s.Resource).includes("*");
}

/** The IAM policy documents a resource carries, by property path. */
function iamDocuments(r: PolicyResource): [string, unknown][] {
  const p = declaredView(r);
  if (["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"].includes(r.type)) return [["policy", p.policy]];
  const inline = plain(p.inlinePolicies);
  if (r.type === "aws:iam/role:Role" && Array.isArray(inline)) {
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
  if (r.type === "aws:iam/role:Role") return strings(p.managedPolicyArns).map((a) => ["managedPolicyArns", a]);
  if (/^aws:iam\/(rolePolicyAttachment|policyAttachment|userPolicyAttachment|groupPolicyAttachment):/.test(r.type)) return strings(p.policyArn).map((a) => ["policyArn", a]);
  return [];
}

const ADMIN_FIX = "Fix: grant the actions the workload calls on the resources it uses (least-privilege-iam holds those); no role of this platform administers the account";

function reportAdmin(r: PolicyResource, report: ReportViolation): void {
  for (const [prop, arn] of attachedArns(r)) {
    if (ADMINISTRATOR_ACCESS.test(arn)) report(`${describeResource(r)} \`${prop}\` attaches \`${arn}\`: full \`*:*\` administration of the account to whoever holds the role. ${ADMIN_FIX}.`, r.urn);
  }
  for (const [prop, doc] of iamDocuments(r)) {
    statementsOf(doc).forEach((s, i) => {
      if (fullAdmin(s)) report(`${describeResource(r)} \`${prop}\` ${label(s, i)} allows every action on every resource (\`Action: "*"\`, \`Resource: "*"\`): whoever holds it administers the account. ${ADMIN_FIX}.`, r.urn);
    });
  }
}

export const noFullAdmin: StackValidationPolicy = {
  name: "no-full-admin",
  description: "Security floor: no `AdministratorAccess` attachment (any partition) and no IAM policy document that allows `*` on `*`, whatever the lock or known differences say.",
  enforcementLevel: "mandatory",
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) if (r.type.startsWith("aws:iam/")) reportAdmin(r, report);
  },
};
