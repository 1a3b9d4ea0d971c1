import { createHmac, randomBytes } from "node:crypto";
import { SECRET_SIG, SECRET_VALUE, isSecretValue } from "../simulator/snapshot";
import { OFFLINE_SECRET_PLACEHOLDER } from "../simulator/stack-config";

/** What a reader sees wherever a secret was. */
export const SECRET_MASK = "[secret]";

/** A masked secret: a keyed fingerprint, so equal secrets stay equal within one run. */
const FINGERPRINT = /\[secret:[0-9a-f]{16}\]/g;

/**
 * Replaces every secret before the comparison sees it, so no renderer can ever print one.
 *
 * Secrets come in two encodings: the offline snapshot's `{sig, value}` and a stack export's
 * `{sig, ciphertext}` (or `{sig, plaintext}` with `--show-secrets`). Each becomes `{sig, value:
 * "[secret:<fingerprint>]"}`: still marked secret for the comparer, still equal to an equal secret
 * (so a secret shared between stacks is still caught as an identity violation), but the fingerprint
 * is keyed by a random per-run key, so it cannot be looked up or compared across runs.
 */
export class SecretMasker {
  private readonly key: Buffer;
  /** Fingerprints of ciphertexts no key opened: equal secrets of two stacks cannot be told equal by them. */
  private readonly encrypted = new Set<string>();
  /** Fingerprints of the offline placeholder (an export this repo's offline tools wrote): not a real secret. */
  private readonly placeholders = new Set<string>();

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  mask(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.mask(v));
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG] === SECRET_VALUE) {
      const payload = secretPayload(record);
      const fingerprint = this.fingerprint(payload);
      if (isCiphertext(record)) this.encrypted.add(fingerprint);
      if (payload.includes(OFFLINE_SECRET_PLACEHOLDER)) this.placeholders.add(fingerprint);
      return { [SECRET_SIG]: SECRET_VALUE, value: fingerprint };
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, this.mask(v)]));
  }

  /** Whether a masked secret's text is (or holds) the fingerprint of an unopened ciphertext. */
  isEncrypted(text: string): boolean {
    return [...this.encrypted].some((f) => text.includes(f));
  }

  /** Whether a masked secret's text is (or holds) the fingerprint of the offline placeholder. */
  isPlaceholder(text: string): boolean {
    return [...this.placeholders].some((f) => text.includes(f));
  }

  private fingerprint(payload: string): string {
    return `[secret:${createHmac("sha256", this.key).update(payload).digest("hex").slice(0, 16)}]`;
  }
}

/** A secret no key opened: the export's raw ciphertext, or the reader's `[ciphertext:…]` placeholder for it. */
function isCiphertext(record: Record<string, unknown>): boolean {
  if ("value" in record) return typeof record["value"] === "string" && record["value"].startsWith("[ciphertext:");
  return typeof record["plaintext"] !== "string" && typeof record["ciphertext"] === "string";
}

function secretPayload(record: Record<string, unknown>): string {
  if ("value" in record) return JSON.stringify(record["value"]) ?? "undefined";
  // An export's ciphertext differs per stack even for equal values; plaintext (--show-secrets) does not.
  if (typeof record["plaintext"] === "string") return record["plaintext"];
  if (typeof record["ciphertext"] === "string") return `ciphertext:${record["ciphertext"]}`;
  return JSON.stringify(record);
}

/** For display: a secret wrapper or a fingerprint anywhere in a value becomes `[secret]`. */
export function redact(value: unknown): unknown {
  if (isSecretValue(value)) return SECRET_MASK;
  if (typeof value === "string") return value.replace(FINGERPRINT, SECRET_MASK);
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

/** Whether a value (as the comparer hands it back) held a secret. */
export function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (typeof value === "string") return new RegExp(FINGERPRINT.source).test(value);
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}
