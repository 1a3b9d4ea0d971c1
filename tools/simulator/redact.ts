import { parseJsonString } from "../../policy/engine/flatten";
import type { PolicyVerdict } from "./analyzer";
import { isSecretValue, SECRET_SIG, SECRET_VALUE, StackSnapshot } from "./snapshot";

/**
 * Secrets out of everything the offline tools print. A snapshot holds secrets in the clear inside
 * Pulumi's secret marker (a decrypted `secure:` value, a generated password): `--json` writes them
 * masked, and every text a tool prints (verdict messages, errors) has each secret's text cut out.
 *
 * The second is needed because the pack never sees the marker: the policy SDK unwraps secrets before
 * a policy runs (@pulumi/policy deserialize.ts, `deserializeProperty`, case `specialSecretSig`), so a
 * policy can mask only by a property's name, and a secret-marked property with an innocuous name
 * (`healthCheck.path`) reaches its message in the clear.
 */

/** What a masked secret reads as: the CLI's own display of a secret. */
export const SECRET_TEXT = "[secret]";

/**
 * Shorter secret texts are not cut out of messages: a one- or two-character secret would garble
 * every message, and is no credential anyway (config validation refuses short keys and passwords).
 */
export const MIN_REDACTED_LENGTH = 4;

/** A copy of `value` with every secret marker's content replaced by `[secret]`, the marker kept. */
export function maskSecrets<T>(value: T): T {
  return mask(value) as T;
}

function mask(value: unknown): unknown {
  if (isSecretValue(value)) return { [SECRET_SIG]: SECRET_VALUE, value: SECRET_TEXT };
  if (Array.isArray(value)) return value.map(mask);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
  return value;
}

/** The texts of every secret a snapshot holds, longest first, so a secret is cut before any part of it. */
export function secretTexts(snapshots: readonly StackSnapshot[]): string[] {
  const texts = new Set<string>();
  const inside = (v: unknown, secret: boolean): void => {
    if (isSecretValue(v)) return inside(v.value, true);
    if (typeof v === "string") {
      if (secret && v.length >= MIN_REDACTED_LENGTH) {
        texts.add(v);
        // As it reads inside a JSON document (a message quoting the value with JSON.stringify).
        texts.add(JSON.stringify(v).slice(1, -1));
      }
      const parsed = parseJsonString(v);
      if (parsed !== undefined) inside(parsed, secret);
      return;
    }
    if (typeof v === "number" && secret && String(v).length >= MIN_REDACTED_LENGTH) texts.add(String(v));
    if (Array.isArray(v)) v.forEach((x) => inside(x, secret));
    else if (typeof v === "object" && v !== null) Object.values(v).forEach((x) => inside(x, secret));
  };
  for (const s of snapshots) {
    for (const r of s.resources) for (const props of [r.inputs, r.checkedInputs, r.outputs]) inside(props, false);
    inside(s.outputs, false);
  }
  return [...texts].filter((t) => t.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length);
}

/** `text` with every secret text replaced by `[secret]`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(SECRET_TEXT);
  return out;
}

/** Verdicts whose messages hold no secret text. */
export function redactVerdicts(verdicts: readonly PolicyVerdict[], secrets: readonly string[]): PolicyVerdict[] {
  return verdicts.map((v) => ({
    ...v,
    message: redactText(v.message, secrets),
    ...(v.description ? { description: redactText(v.description, secrets) } : {}),
  }));
}
