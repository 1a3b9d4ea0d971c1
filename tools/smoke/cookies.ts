/** One `Set-Cookie` header, reduced to what decides whether a browser sends it back. */
export interface SetCookie {
  readonly name: string;
  readonly secure: boolean;
  /** Lower-cased attribute value, or undefined when the app leaves it to each browser's default. */
  readonly sameSite?: string;
  readonly httpOnly: boolean;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair, ...attributes] = header.split(";").map((part) => part.trim());
  const name = pair.split("=", 1)[0];
  const attrs = new Map<string, string>();
  for (const attribute of attributes) {
    const eq = attribute.indexOf("=");
    const key = (eq < 0 ? attribute : attribute.slice(0, eq)).trim().toLowerCase();
    attrs.set(key, eq < 0 ? "" : attribute.slice(eq + 1).trim());
  }
  return {
    name,
    secure: attrs.has("secure"),
    sameSite: attrs.get("samesite")?.toLowerCase(),
    httpOnly: attrs.has("httponly"),
  };
}

/** Why a cookie breaks the rule, or undefined when it is sent the way production sends it. */
export function cookieProblem(cookie: SetCookie, expectSameSite: string): string | undefined {
  const problems: string[] = [];
  if (!cookie.secure) problems.push("no Secure attribute");
  if (cookie.sameSite === undefined)
    problems.push(`no SameSite attribute (expected SameSite=${capitalize(expectSameSite)})`);
  else if (cookie.sameSite !== expectSameSite) {
    problems.push(`SameSite=${capitalize(cookie.sameSite)}, expected SameSite=${capitalize(expectSameSite)}`);
  }
  return problems.length === 0 ? undefined : `${cookie.name}: ${problems.join(", ")}`;
}

/** `lax` → `Lax`, as the attribute is usually written. */
export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
