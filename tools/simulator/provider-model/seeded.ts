import { createHash, randomBytes } from "node:crypto";

/**
 * The generated parts of a deployed stack (random suffixes, key ids, resource ids, revisions), drawn
 * from a seed. Only the seed and a key naming the value go into the hash, never the stack's name: two
 * stacks run with the same seed get the same generated parts, so a test that "nothing is shared between
 * stacks" holds because the program (or the pack) keeps them apart, not because the mock hashed the
 * stack name. A real deploy draws these from AWS and the random provider; a new seed is a new deploy.
 */
export class Seeded {
  constructor(readonly seed: string) {}

  /** `length` lowercase hex digits for `key`. */
  hex(key: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) {
      out += createHash("sha256").update(`${this.seed}\0${key}\0${i}`).digest("hex");
    }
    return out.slice(0, length);
  }

  /** A version-4 UUID, the shape of KMS key ids, secret version ids and Cognito subs. */
  uuid(key: string): string {
    const h = this.hex(key, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  alnum(key: string, length: number, alphabet = LOWER_ALNUM): string {
    const bytes = Buffer.from(this.hex(key, length * 2), "hex");
    return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
  }

  /** An integer in [min, max]. */
  int(key: string, min: number, max: number): number {
    return min + (Number.parseInt(this.hex(key, 8), 16) % (max - min + 1));
  }
}

export const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
export const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const MIXED_ALNUM = `${LETTERS}0123456789`;

/** A seed for a run that was given none: eight hex digits, short enough to print and pass back. */
export function randomSeed(): string {
  return randomBytes(4).toString("hex");
}
