import { StackExportError } from "./export-error";
import { isRecord } from "./export-format";
import {
  decodeStdBase64,
  PASSPHRASE_FILE_VARIABLE,
  PASSPHRASE_VARIABLE,
  PassphraseError,
  readPassphrase,
  SecureValueDecrypter,
  unlockEncryptionSaltSync,
} from "./passphrase";

/**
 * A stack export's encrypted secrets (`{"4dabf…": "1b47…", "ciphertext": "…"}`), opened as the Pulumi
 * CLI opens them: by the deployment's `secrets_providers` (sdk/pkg/resource/stack/deployment.go
 * `DeserializeDeploymentV3` → `secretsProv.OfType(type, state)`, then `deserializeSecret`).
 *
 * - `b64` (pkg/secrets/b64/manager.go): the ciphertext is the base64 of the value's JSON.
 * - `passphrase` (pkg/secrets/passphrase/manager.go): state `{"salt": "v1:…"}`, the passphrase from
 *   PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE, AES-256-GCM as for `secure:` config.
 * - anything else (`service`: Pulumi Cloud; `cloud`: a KMS key) needs a service offline tools cannot
 *   reach, as does a passphrase that is not set or not the stack's.
 *
 * What cannot be opened becomes a placeholder (still marked secret, distinct per ciphertext) and a
 * note says why; where the CLI would fail on a secret it could open (a ciphertext the stack's key
 * does not open, a plaintext that is not JSON) the export is refused. No message carries any part
 * of a secret's text.
 */

export interface SecretsEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

type Opener =
  | { readonly kind: "open"; readonly via: string; readonly decrypt: (ciphertext: string) => string | undefined }
  | { readonly kind: "closed"; readonly why: string };

export class ExportSecrets {
  private opener?: Opener;
  private opened = 0;
  private redacted = 0;

  constructor(
    private readonly provider: unknown,
    private readonly environment: SecretsEnvironment,
  ) {}

  /** The secret's value, or a placeholder when this export's secrets cannot be opened here. */
  open(secret: Record<string, unknown>, where: string): unknown {
    const ciphertext = secret["ciphertext"];
    const plaintext = secret["plaintext"];
    if ((typeof ciphertext === "string") === (typeof plaintext === "string")) {
      // deserializeSecret: "malformed secret value: exactly one of `ciphertext` or `plaintext` must be supplied".
      throw new StackExportError(
        `has a malformed secret at ${where}: it needs exactly one of \`ciphertext\` or \`plaintext\`, as the Pulumi CLI requires`,
        "export the stack again with `pulumi stack export --file FILE`",
      );
    }
    if (typeof plaintext === "string") return parsePlaintext(plaintext, where);
    const opener = (this.opener ??= this.unlock());
    if (opener.kind === "closed") {
      this.redacted++;
      return `[ciphertext:${String(ciphertext)}]`;
    }
    const text = opener.decrypt(String(ciphertext));
    if (text === undefined) {
      throw new StackExportError(
        `has a secret at ${where} that the stack's ${this.type()} secrets provider cannot decrypt (altered, or copied from another stack); value not shown`,
        "export the stack again with `pulumi stack export --file FILE`; if the stack itself holds it, `pulumi refresh` or set the value again",
      );
    }
    this.opened++;
    return parsePlaintext(text, where);
  }

  /** At most one line: how many secrets were decrypted, or why they stand redacted. */
  notes(): string[] {
    const notes: string[] = [];
    if (this.opened > 0 && this.opener?.kind === "open") {
      notes.push(`${count(this.opened)} decrypted with ${this.opener.via}; still marked secret and never shown.`);
    }
    if (this.redacted > 0 && this.opener?.kind === "closed") {
      notes.push(
        `${count(this.redacted)} redacted (compared only with the same ciphertext, so an equal value encrypted twice shows as different): ${this.opener.why}.`,
      );
    }
    return notes;
  }

  private type(): string {
    return isRecord(this.provider) && typeof this.provider["type"] === "string" ? this.provider["type"] : "";
  }

  private unlock(): Opener {
    const type = this.type();
    const state = isRecord(this.provider) ? this.provider["state"] : undefined;
    switch (type) {
      case "":
        // DeserializeDeploymentV3: "snapshot contains encrypted secrets but no secrets manager could be found".
        return {
          kind: "closed",
          why: "the export names no secrets provider (`deployment.secrets_providers`), so nothing can decrypt them, the Pulumi CLI included",
        };
      case "b64":
        return {
          kind: "open",
          via: "the export's `b64` secrets provider (base64, no key)",
          decrypt: (c) => decodeStdBase64(c)?.toString("utf8"),
        };
      case "passphrase":
        return this.passphrase(state);
      case "service":
        return {
          kind: "closed",
          why: "they are encrypted by Pulumi Cloud (`service` secrets provider), which offline tools cannot reach; `pulumi stack export --show-secrets` writes them in plaintext",
        };
      case "cloud": {
        const url = isRecord(state) && typeof state["url"] === "string" ? state["url"] : "";
        const scheme = /^[a-z0-9]+:\/\//i.exec(url)?.[0] ?? "";
        return {
          kind: "closed",
          why: `they are encrypted with a cloud key${scheme ? ` (\`${scheme}…\`)` : ""}, which offline tools cannot reach; \`pulumi stack export --show-secrets\` writes them in plaintext`,
        };
      }
      default:
        return {
          kind: "closed",
          why: `the export's secrets provider \`${type}\` is not one offline tools can use; \`pulumi stack export --show-secrets\` writes them in plaintext`,
        };
    }
  }

  private passphrase(state: unknown): Opener {
    const salt = isRecord(state) && typeof state["salt"] === "string" ? state["salt"] : undefined;
    if (salt === undefined) {
      throw new StackExportError(
        "names the `passphrase` secrets provider without a `state.salt`, which the Pulumi CLI needs to open its secrets",
        "export the stack again with `pulumi stack export --file FILE`",
      );
    }
    let passphrase;
    try {
      passphrase = readPassphrase(this.environment.env, this.environment.cwd);
    } catch (e) {
      if (!(e instanceof PassphraseError)) throw e;
      throw new StackExportError(
        `cannot be decrypted: ${e.message}`,
        `point ${PASSPHRASE_FILE_VARIABLE} at the file holding the stack's passphrase, or unset it`,
      );
    }
    if (!passphrase) {
      return {
        kind: "closed",
        why: `they are encrypted with the stack's passphrase and neither ${PASSPHRASE_VARIABLE} nor ${PASSPHRASE_FILE_VARIABLE} is set; set one to decrypt them as the Pulumi CLI does`,
      };
    }
    const source = passphrase.file ? `${passphrase.variable} (${passphrase.file})` : passphrase.variable;
    let decrypter: SecureValueDecrypter;
    try {
      decrypter = unlockEncryptionSaltSync(salt, passphrase.value);
    } catch (e) {
      if (!(e instanceof PassphraseError)) throw e;
      if (e.problem !== "wrong-passphrase") {
        throw new StackExportError(
          `has a passphrase secrets provider whose salt is malformed (${e.message})`,
          "export the stack again with `pulumi stack export --file FILE`",
        );
      }
      return {
        kind: "closed",
        why: `${source} is not this stack's passphrase (it does not open the export's salt); set the passphrase the stack was created with`,
      };
    }
    return {
      kind: "open",
      via: source,
      decrypt: (c) => {
        try {
          return decrypter.decrypt(c);
        } catch (e) {
          if (e instanceof PassphraseError) return undefined;
          throw e;
        }
      },
    };
  }
}

/** `secretPropertyValueFromPlaintext`: the secret's value is JSON. */
function parsePlaintext(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The parser's own message quotes the text: never pass it on.
    throw new StackExportError(
      `has a secret at ${where} whose value is not JSON, which the Pulumi CLI cannot read either; value not shown`,
      'export the stack again with `pulumi stack export --file FILE`; a hand-edited secret needs its value JSON-encoded (`"text"`, with the quotes)',
    );
  }
}

function count(n: number): string {
  return `${n} export secret${n === 1 ? "" : "s"}`;
}
