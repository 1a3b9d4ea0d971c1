import { createDecipheriv, createHash, pbkdf2, pbkdf2Sync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The decrypting half of the Pulumi CLI's passphrase secrets provider, so the offline preview can run
 * a passphrase stack with its real `secure:` values. Every rule below is the CLI's, from pulumi/pulumi:
 * pkg/secrets/passphrase/manager.go (salt state, passphrase check, where the passphrase comes from)
 * and sdk/go/common/resource/config/crypt.go (key derivation, value format).
 *
 *   encryptionsalt: v1:<base64 salt>:v1:<base64 nonce>:<base64 ciphertext+tag>
 *   secure:         v1:<base64 nonce>:<base64 ciphertext+tag>
 *
 * The key is PBKDF2-HMAC-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes); values are
 * AES-256-GCM with a 12-byte nonce and the 16-byte tag appended, as Go's `Seal` writes them. The salt
 * state carries "pulumi" encrypted under the key: a passphrase that cannot open it is the wrong one.
 */

export const PASSPHRASE_VARIABLE = "PULUMI_CONFIG_PASSPHRASE";
export const PASSPHRASE_FILE_VARIABLE = "PULUMI_CONFIG_PASSPHRASE_FILE";

const PBKDF2_ITERATIONS = 1_000_000;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KNOWN_PLAINTEXT = "pulumi";
// Go's base64.StdEncoding is strict; Buffer.from(…, "base64") would quietly skip bad characters.
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface Passphrase {
  readonly value: string;
  /** The variable it came from, for messages. */
  readonly variable: typeof PASSPHRASE_VARIABLE | typeof PASSPHRASE_FILE_VARIABLE;
  /** The absolute path read, when it came from PULUMI_CONFIG_PASSPHRASE_FILE. */
  readonly file?: string;
}

export type PassphraseProblem =
  "unreadable-file" | "malformed-salt" | "wrong-passphrase" | "malformed-value" | "undecryptable-value";

/** Why a passphrase, salt or value could not be used; callers add the stack, file and key. */
export class PassphraseError extends Error {
  constructor(
    readonly problem: PassphraseProblem,
    message: string,
  ) {
    super(message);
    this.name = "PassphraseError";
  }
}

/**
 * The passphrase as the CLI finds it: PULUMI_CONFIG_PASSPHRASE when set at all (an empty passphrase
 * is a valid one), else the trimmed contents of a non-empty PULUMI_CONFIG_PASSPHRASE_FILE, resolved
 * against the working directory. Undefined when neither is set.
 */
export function readPassphrase(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Passphrase | undefined {
  const inline = env[PASSPHRASE_VARIABLE];
  if (inline !== undefined) return { value: inline, variable: PASSPHRASE_VARIABLE };
  const named = env[PASSPHRASE_FILE_VARIABLE];
  if (!named) return undefined;
  const file = path.resolve(cwd, named);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new PassphraseError(
      "unreadable-file",
      `${PASSPHRASE_FILE_VARIABLE} names ${file}, which cannot be read (${reason})`,
    );
  }
  return { value: text.trim(), variable: PASSPHRASE_FILE_VARIABLE, file };
}

/** Opens `secure:` values of one stack. */
export interface SecureValueDecrypter {
  /** The plaintext of a `v1:<nonce>:<ciphertext>` value; throws a PassphraseError if it is not one this key opens. */
  decrypt(secure: string): string;
}

/**
 * Derives the stack's key from its `encryptionsalt` and checks it on the salt's known text. About a
 * second of CPU (off the event loop); derived once per salt and passphrase in a process.
 */
export async function unlockEncryptionSalt(encryptionsalt: string, passphrase: string): Promise<SecureValueDecrypter> {
  const { salt, check } = parseSaltState(encryptionsalt);
  return checkedDecrypter(await deriveKey(passphrase, salt), check);
}

/**
 * The same as unlockEncryptionSalt, blocking: for readers that are synchronous end to end (a stack
 * export's secrets, read once per file by a command-line tool). Shares the derived-key cache.
 */
export function unlockEncryptionSaltSync(encryptionsalt: string, passphrase: string): SecureValueDecrypter {
  const { salt, check } = parseSaltState(encryptionsalt);
  const id = keyId(passphrase, salt);
  let key = derivedSyncKeys.get(id);
  if (!key) {
    key = pbkdf2Sync(Buffer.from(passphrase, "utf8"), salt, PBKDF2_ITERATIONS, KEY_BYTES, "sha256");
    derivedSyncKeys.set(id, key);
  }
  return checkedDecrypter(key, check);
}

function checkedDecrypter(key: Buffer, check: Sealed): SecureValueDecrypter {
  let known: string;
  try {
    known = open(key, check);
  } catch {
    known = "";
  }
  if (known !== KNOWN_PLAINTEXT)
    throw new PassphraseError("wrong-passphrase", "the passphrase does not open the salt's check value");
  return { decrypt: (secure) => open(key, parseSecure(secure)) };
}

/** Bytes of a Go `base64.StdEncoding` string, or undefined where Go's decoder would refuse it. */
export function decodeStdBase64(text: string): Buffer | undefined {
  return STD_BASE64.test(text) ? Buffer.from(text, "base64") : undefined;
}

interface Sealed {
  readonly nonce: Buffer;
  readonly sealed: Buffer;
}

/** Checked before the key is derived, so a damaged salt fails at once rather than after a second. */
function parseSaltState(state: string): { salt: Buffer; check: Sealed } {
  // As the CLI splits it: version, salt, then the whole check value (itself colon-separated).
  const first = state.indexOf(":");
  const second = first < 0 ? -1 : state.indexOf(":", first + 1);
  if (second < 0) throw new PassphraseError("malformed-salt", "it is not `v1:<salt>:<check value>`");
  const version = state.slice(0, first);
  if (version !== "v1") throw new PassphraseError("malformed-salt", `its version is \`${version}\`, not \`v1\``);
  const salt = state.slice(first + 1, second);
  if (!STD_BASE64.test(salt) || salt.length === 0)
    throw new PassphraseError("malformed-salt", "its salt is not base64");
  let check: Sealed;
  try {
    check = parseSecure(state.slice(second + 1));
  } catch (e) {
    throw new PassphraseError("malformed-salt", `its check value is malformed: ${(e as Error).message}`);
  }
  return { salt: Buffer.from(salt, "base64"), check };
}

const derivedKeys = new Map<string, Promise<Buffer>>();
const derivedSyncKeys = new Map<string, Buffer>();

/** Keyed by a digest so the caches never hold the passphrase itself. */
function keyId(passphrase: string, salt: Buffer): string {
  return createHash("sha256").update(salt).update("\0").update(passphrase, "utf8").digest("hex");
}

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  const id = keyId(passphrase, salt);
  let key = derivedKeys.get(id);
  if (!key) {
    key = new Promise<Buffer>((resolve, reject) =>
      pbkdf2(Buffer.from(passphrase, "utf8"), salt, PBKDF2_ITERATIONS, KEY_BYTES, "sha256", (e, k) =>
        e ? reject(e) : resolve(k),
      ),
    );
    derivedKeys.set(id, key);
    key.catch(() => derivedKeys.delete(id));
  }
  return key;
}

function parseSecure(secure: string): Sealed {
  const parts = secure.split(":");
  if (parts.length !== 3) throw new PassphraseError("malformed-value", "it is not `v1:<nonce>:<ciphertext>`");
  const [version, nonceText, sealedText] = parts;
  if (version !== "v1") throw new PassphraseError("malformed-value", `its version is \`${version}\`, not \`v1\``);
  if (!STD_BASE64.test(nonceText) || !STD_BASE64.test(sealedText))
    throw new PassphraseError("malformed-value", "its nonce or ciphertext is not base64");
  const nonce = Buffer.from(nonceText, "base64");
  const sealed = Buffer.from(sealedText, "base64");
  if (nonce.length !== NONCE_BYTES)
    throw new PassphraseError("malformed-value", `its nonce is ${nonce.length} bytes, not ${NONCE_BYTES}`);
  if (sealed.length < TAG_BYTES)
    throw new PassphraseError("malformed-value", "its ciphertext is shorter than the authentication tag");
  return { nonce, sealed };
}

function open(key: Buffer, { nonce, sealed }: Sealed): string {
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new PassphraseError(
      "undecryptable-value",
      "it does not decrypt with this stack's key (encrypted for another stack or passphrase, or altered)",
    );
  }
}
