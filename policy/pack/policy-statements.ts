import { jsonValue } from "./resources";
import { plain } from "./floor-view";

/** The statements of an IAM policy document, as the security floor reads them. */

export interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  Resource?: unknown;
  Condition?: unknown;
}

/** The statements of a policy document (a JSON string or an object), or none while it is unknown. */
export function statementsOf(doc: unknown): Statement[] {
  const parsed = jsonValue(plain(doc)) as { Statement?: unknown } | undefined;
  const s = parsed?.Statement;
  return (Array.isArray(s) ? s : s ? [s] : []).filter((x): x is Statement => typeof x === "object" && x !== null);
}

export function label(s: Statement, i: number): string {
  return typeof s.Sid === "string" && s.Sid !== "" ? `statement \`${s.Sid}\`` : `statement ${i + 1}`;
}
