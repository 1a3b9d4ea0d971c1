import { isUnknown } from "./resources";
import { plain, strings } from "./floor-view";
import { Statement, label, statementsOf } from "./policy-statements";

/**
 * Grants to anyone: the Allow statements of a bucket policy or trust policy whose principal is
 * everyone (`*`, `{"AWS": "*"}`) and whose condition, if any, does not say who may act.
 */

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

export const RESTRICT_HOW =
  "a `Condition` on `aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce` or `aws:SourceVpc` with a concrete value (StringEquals/ArnEquals, no wildcard account)";

/** Each Allow statement that lets anyone in without a condition saying who. */
export function publicGrants(doc: unknown): { where: string; principal: string; note: string; s: Statement }[] {
  return statementsOf(doc).flatMap((s, i) => {
    if (s.Effect !== "Allow") return [];
    const principal = anyonePrincipal(s);
    if (!principal) return [];
    const { by, seen } = restriction(s);
    if (by) return [];
    const note =
      seen.length > 0
        ? `; its condition (${seen.map((k) => `\`${k}\``).join(", ")}) does not say who`
        : ", with no condition";
    return [{ where: label(s, i), principal, note, s }];
  });
}
