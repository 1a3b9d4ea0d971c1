import * as path from "node:path";
import {
  PASSPHRASE_FILE_VARIABLE,
  PASSPHRASE_VARIABLE,
  Passphrase,
  PassphraseError,
  readPassphrase,
  unlockEncryptionSalt,
} from "./passphrase";

/**
 * What happens to a stack file's `secure:` values offline. A passphrase stack (an `encryptionsalt:`
 * and no other `secretsprovider:`) with PULUMI_CONFIG_PASSPHRASE or _FILE set is decrypted, so the
 * program and its validation see the real values; otherwise each value stays a placeholder, because
 * the key lives where the offline preview cannot go (a person's head, Pulumi Cloud, a KMS).
 */

export interface SecureValue {
  /** The key as a person finds it in the stack file: `parity:apiKey`, or `parity:obj.path` when nested. */
  readonly key: string;
  /** `v1:<nonce>:<ciphertext>` */
  readonly secure: string;
}

export interface SecureValueInput {
  readonly stack: string;
  readonly stackFile: string;
  /** The stack file's top-level `encryptionsalt:` and `secretsprovider:`, as parsed. */
  readonly encryptionsalt: unknown;
  readonly secretsprovider: unknown;
  readonly values: readonly SecureValue[];
}

export interface SecureValueResolution {
  /** Plaintext per `secure:` text; a value missing here is previewed as a placeholder. */
  readonly plaintexts: ReadonlyMap<string, string>;
  /** Config errors: each names the file, the key or variable, and the fix. */
  readonly problems: readonly string[];
  /** At most one line for people: what was decrypted, or why placeholders stand in. */
  readonly notes: readonly string[];
}

/** Without a passphrase lookup: every value a placeholder (the synchronous loader's behaviour). */
export function placeholderResolution(input: SecureValueInput): SecureValueResolution {
  return resolution(
    new Map(),
    [],
    input.values.length > 0
      ? [placeholderNote(input, usesPassphrase(input) ? NO_PASSPHRASE : otherProvider(input))]
      : [],
  );
}

export async function resolveSecureValues(
  input: SecureValueInput,
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): Promise<SecureValueResolution> {
  if (input.values.length === 0) return resolution(new Map(), [], []);
  if (!usesPassphrase(input)) {
    const passphraseSet = env[PASSPHRASE_VARIABLE] !== undefined || Boolean(env[PASSPHRASE_FILE_VARIABLE]);
    return resolution(
      new Map(),
      [],
      [placeholderNote(input, `${otherProvider(input)}${passphraseSet ? "; a passphrase does not apply to it" : ""}`)],
    );
  }
  const file = path.basename(input.stackFile);
  let passphrase: Passphrase | undefined;
  try {
    passphrase = readPassphrase(env, cwd);
  } catch (e) {
    if (!(e instanceof PassphraseError)) throw e;
    return resolution(
      new Map(),
      [`${e.message}; point it at the file holding ${file}'s passphrase, or unset it to preview with placeholders.`],
      [],
    );
  }
  if (!passphrase) return placeholderResolution(input);
  const source = passphrase.file ? `${passphrase.variable} (${passphrase.file})` : passphrase.variable;

  let decrypter;
  try {
    decrypter = await unlockEncryptionSalt(
      typeof input.encryptionsalt === "string" ? input.encryptionsalt : "",
      passphrase.value,
    );
  } catch (e) {
    if (!(e instanceof PassphraseError)) throw e;
    if (e.problem === "wrong-passphrase") {
      return resolution(
        new Map(),
        [
          `${source} does not decrypt ${file}'s encryptionsalt; set the passphrase this stack was created with, or unset it to preview with placeholders.`,
        ],
        [],
      );
    }
    return resolution(
      new Map(),
      [
        `${file}: \`encryptionsalt\` is not a passphrase salt (${e.message}); restore the line from version control (\`pulumi stack init\` writes it once), or unset ${passphrase.variable} to preview with placeholders.`,
      ],
      [],
    );
  }

  const plaintexts = new Map<string, string>();
  const problems: string[] = [];
  for (const { key, secure } of input.values) {
    try {
      plaintexts.set(secure, decrypter.decrypt(secure));
    } catch (e) {
      if (!(e instanceof PassphraseError)) throw e;
      problems.push(
        `${file}: the \`secure:\` value of \`${key}\` is corrupt: ${e.message}; set it again with \`pulumi config set --secret --stack ${input.stack} ${configSetKey(key)} <value>\`.`,
      );
    }
  }
  const count = countOf(input.values.length);
  return resolution(plaintexts, problems, [`${count} in ${file} decrypted with ${source}; still marked secret.`]);
}

/** The CLI's rule: the passphrase provider owns a stack with a salt unless another provider is named. */
function usesPassphrase(input: SecureValueInput): boolean {
  const provider = input.secretsprovider;
  return (
    input.encryptionsalt !== undefined &&
    (provider === undefined || provider === "passphrase" || provider === "default")
  );
}

const NO_PASSPHRASE = `set ${PASSPHRASE_VARIABLE} or ${PASSPHRASE_FILE_VARIABLE} to preview with the real values`;

/** Why a stack that is not a passphrase stack keeps its placeholders. */
function otherProvider(input: SecureValueInput): string {
  const provider = input.secretsprovider;
  if (typeof provider === "string" && provider !== "passphrase" && provider !== "default") {
    return `its secrets provider is \`${provider}\`, which the offline preview cannot reach`;
  }
  return "the stack has no `encryptionsalt:`, so its secrets are held by Pulumi Cloud, which the offline preview cannot reach";
}

function placeholderNote(input: SecureValueInput, why: string): string {
  const n = input.values.length;
  return `${countOf(n)} in ${path.basename(input.stackFile)} previewed as ${n === 1 ? "a placeholder" : "placeholders"} (marked secret): ${why}.`;
}

function countOf(n: number): string {
  return `${n} \`secure:\` value${n === 1 ? "" : "s"}`;
}

/** `parity:obj.a` → `--path parity:obj.a`, the form `pulumi config set` takes for a nested value. */
function configSetKey(key: string): string {
  return /[.[]/.test(key.slice(key.indexOf(":") + 1)) ? `--path ${key}` : key;
}

function resolution(plaintexts: Map<string, string>, problems: string[], notes: string[]): SecureValueResolution {
  return { plaintexts, problems, notes };
}
