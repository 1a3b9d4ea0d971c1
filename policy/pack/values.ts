/** How the rules read one value: set or not, one string or many. */

/** Whether a value is set at all: not missing, null, empty text or an empty object. */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "" && !(typeof v === "object" && Object.keys(v as object).length === 0);
}

/** The strings of a value that may be one string or a list of them (IAM's and Cognito's "one or many"). */
export function stringList(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}
