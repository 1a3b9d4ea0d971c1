import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { collectStack, ProgramError } from "../tools/simulator/engine";
import { Progress } from "../tools/simulator/progress";
import { PassphraseError, readPassphrase, unlockEncryptionSalt } from "../tools/simulator/passphrase";
import { exitCode, parseCli, runPreview, toText } from "../tools/preview";
import {
  loadStackConfig,
  loadStackConfigWithSecrets,
  OFFLINE_SECRET_PLACEHOLDER,
  StackConfigError,
} from "../tools/simulator/stack-config";
import { hosts, pack } from "./policy/harness";

/**
 * The passphrase secrets provider offline. Each key derivation is about a second of CPU, so the tests
 * share one passphrase and salt wherever they can (keys are derived once per process).
 */

const ROOT = path.resolve(__dirname, "..");

// From pulumi/pulumi, pkg/secrets/passphrase/manager_test.go (`state`, used by
// TestPassphraseManagerCorrectPassphraseReturnsSecretsManager with "password" and by
// TestPassphraseManagerIncorrectPassphraseReturnsErrorCrypter with "password123"; `brokenState`).
const PULUMI_STATE = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";
const PULUMI_CHECK_VALUE = "v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";
const PULUMI_BROKEN_STATE = "fozI5u6B030=:v1:F+6ZduL:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";
// From Pulumi's passphrase secrets-plugin test (`emptyPassphraseState`, TestPassphraseEmptyPassphraseIsValid,
// Copyright Pulumi Corporation); the stored corpus did not give that file's path in pulumi/pulumi.
const PULUMI_EMPTY_PASSPHRASE_STATE = "v1:LVuDkcjhUns=:v1:WPbL+tmbxnqWswQ2:lebZxStyHT3IZkmbN+3xCx9zqtoPog==";

/** Made by test/fixtures/passphrase/make-vectors.py with Python's hashlib and `cryptography`, not this code. */
interface Vectors {
  readonly passphrase: string;
  readonly encryptionsalt: string;
  readonly secure: Record<string, { readonly plaintext: string; readonly secure: string }>;
}
const VECTORS = JSON.parse(
  fs.readFileSync(path.join(__dirname, "fixtures", "passphrase", "vectors.json"), "utf8"),
) as Record<"staging" | "other", Vectors>;
const STAGING = VECTORS.staging;

/** The error `work` fails with, checked to be a `type`: a rejected promise or a synchronous throw. */
async function failure<E extends Error>(type: abstract new (...args: never[]) => E, work: () => unknown): Promise<E> {
  let error: unknown;
  try {
    await work();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
  return error;
}

const passphraseProblem = async (work: () => unknown) => (await failure(PassphraseError, work)).problem;
const configError = (work: () => Promise<unknown>) => failure(StackConfigError, work);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "parity-passphrase-"));
}

describe("passphrase provider: Pulumi's own vectors", () => {
  it("opens Pulumi's salt state with its passphrase and reads the known text back", async () => {
    const decrypter = await unlockEncryptionSalt(PULUMI_STATE, "password");
    assert.equal(decrypter.decrypt(PULUMI_CHECK_VALUE), "pulumi");
  });

  it("refuses the passphrase Pulumi's test calls incorrect", async () => {
    assert.equal(await passphraseProblem(() => unlockEncryptionSalt(PULUMI_STATE, "password123")), "wrong-passphrase");
  });

  it("accepts an empty passphrase, as the CLI does when PULUMI_CONFIG_PASSPHRASE is set but empty", async () => {
    const decrypter = await unlockEncryptionSalt(PULUMI_EMPTY_PASSPHRASE_STATE, "");
    assert.equal(decrypter.decrypt(PULUMI_EMPTY_PASSPHRASE_STATE.split(":").slice(2).join(":")), "pulumi");
  });

  it("rejects Pulumi's broken state before spending a second on the key", async () => {
    const started = Date.now();
    assert.equal(
      await passphraseProblem(() => unlockEncryptionSalt(PULUMI_BROKEN_STATE, "password")),
      "malformed-salt",
    );
    assert.ok(Date.now() - started < 500, "a malformed salt must not wait for PBKDF2");
  });
});

describe("passphrase provider: values encrypted by an independent implementation", () => {
  it("decrypts every value, including non-ASCII and empty ones, to the plaintext it was made from", async () => {
    const decrypter = await unlockEncryptionSalt(STAGING.encryptionsalt, STAGING.passphrase);
    for (const [name, { plaintext, secure }] of Object.entries(STAGING.secure)) {
      assert.equal(decrypter.decrypt(secure), plaintext, name);
    }
  });

  it("tells a value from another stack, a truncated one and a bad nonce apart", async () => {
    const decrypter = await unlockEncryptionSalt(STAGING.encryptionsalt, STAGING.passphrase);
    assert.equal(
      await passphraseProblem(() => decrypter.decrypt(VECTORS.other.secure["testKey"].secure)),
      "undecryptable-value",
    );
    const [version, nonce, sealed] = STAGING.secure["testKey"].secure.split(":");
    assert.equal(await passphraseProblem(() => decrypter.decrypt(`${version}:${nonce}`)), "malformed-value");
    assert.equal(await passphraseProblem(() => decrypter.decrypt(`${version}:AAAA:${sealed}`)), "malformed-value");
    assert.equal(await passphraseProblem(() => decrypter.decrypt(`v2:${nonce}:${sealed}`)), "malformed-value");
    // One flipped bit in the ciphertext fails GCM's authentication rather than yielding other text.
    const flipped = Buffer.from(sealed, "base64");
    flipped[0] ^= 1;
    assert.equal(
      await passphraseProblem(() => decrypter.decrypt(`${version}:${nonce}:${flipped.toString("base64")}`)),
      "undecryptable-value",
    );
  });
});

describe("passphrase provider: where the passphrase comes from", () => {
  it("prefers PULUMI_CONFIG_PASSPHRASE, even empty, over the file", () => {
    assert.deepEqual(readPassphrase({ PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: "/nonexistent" }), {
      value: "",
      variable: "PULUMI_CONFIG_PASSPHRASE",
    });
    assert.equal(readPassphrase({}), undefined);
    assert.equal(
      readPassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: "" }),
      undefined,
      "an empty file variable is unset, as in the CLI",
    );
  });

  it("reads PULUMI_CONFIG_PASSPHRASE_FILE relative to the working directory, trimmed", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "phrase.txt"), `  ${STAGING.passphrase}\n`);
    assert.deepEqual(readPassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: "phrase.txt" }, dir), {
      value: STAGING.passphrase,
      variable: "PULUMI_CONFIG_PASSPHRASE_FILE",
      file: path.join(dir, "phrase.txt"),
    });
  });

  it("names an unreadable passphrase file", async () => {
    const err = await failure(PassphraseError, () =>
      readPassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: "/nonexistent/phrase" }),
    );
    assert.equal(err.problem, "unreadable-file");
    assert.match(
      err.message,
      /PULUMI_CONFIG_PASSPHRASE_FILE names \/nonexistent\/phrase, which cannot be read \(ENOENT\)/,
    );
  });
});

describe("stack config: `secure:` values", () => {
  let dir: string;
  const env = { PULUMI_CONFIG_PASSPHRASE: STAGING.passphrase };

  before(() => {
    dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      "name: demo\nruntime: nodejs\nconfig:\n  token:\n    type: string\n  unset:\n    type: string\n    secret: true\n",
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes Pulumi.<stack>.yaml in the temp project and returns the stack name. */
  function stackFile(stack: string, doc: Record<string, unknown>): string {
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), toYaml(doc));
    return stack;
  }

  const passphraseStack = (config: Record<string, unknown>) => ({ encryptionsalt: STAGING.encryptionsalt, config });

  it("decrypts top-level and nested values with the passphrase, keeps them secret and says so once", async () => {
    const stack = stackFile(
      "decrypts",
      passphraseStack({
        "demo:token": { secure: STAGING.secure["testKey"].secure },
        "demo:nested": { label: "plain", inner: { secure: STAGING.secure["unicode"].secure } },
        "demo:plain": "visible",
      }),
    );
    const config = await loadStackConfigWithSecrets({ root: dir, stack, env });
    assert.equal(config.values["demo:token"], STAGING.secure["testKey"].plaintext);
    assert.deepEqual(JSON.parse(config.values["demo:nested"]), {
      label: "plain",
      inner: STAGING.secure["unicode"].plaintext,
    });
    assert.deepEqual(config.secretKeys, ["demo:nested", "demo:token", "demo:unset"]);
    assert.deepEqual(
      config.placeholders,
      ["demo:unset"],
      "only the declared secret the stack never sets stays a placeholder",
    );
    assert.deepEqual(config.notes, [
      "2 `secure:` values in Pulumi.decrypts.yaml decrypted with PULUMI_CONFIG_PASSPHRASE; still marked secret.",
    ]);
  });

  it("reads the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE", async () => {
    const stack = stackFile(
      "fromfile",
      passphraseStack({ "demo:token": { secure: STAGING.secure["liveKey"].secure } }),
    );
    const phrase = path.join(dir, "phrase.txt");
    fs.writeFileSync(phrase, `${STAGING.passphrase}\n`);
    const config = await loadStackConfigWithSecrets({
      root: dir,
      stack,
      env: { PULUMI_CONFIG_PASSPHRASE_FILE: phrase },
    });
    assert.equal(config.values["demo:token"], STAGING.secure["liveKey"].plaintext);
    assert.match(config.notes[0], new RegExp(`decrypted with PULUMI_CONFIG_PASSPHRASE_FILE \\(${phrase}\\)`));
  });

  it("rejects a wrong passphrase naming the stack, the file and both ways out", async () => {
    const stack = stackFile("staging", passphraseStack({ "demo:token": { secure: STAGING.secure["testKey"].secure } }));
    const err = await configError(() =>
      loadStackConfigWithSecrets({ root: dir, stack, env: { PULUMI_CONFIG_PASSPHRASE: "not the passphrase" } }),
    );
    assert.equal(err.stack, "staging");
    assert.deepEqual(err.problems, [
      "PULUMI_CONFIG_PASSPHRASE does not decrypt Pulumi.staging.yaml's encryptionsalt; set the passphrase this stack was created with, or unset it to preview with placeholders.",
    ]);
    assert.match(err.message, /^Stack "staging" cannot be loaded:/);
  });

  it("rejects a corrupt value, or one copied from another stack, naming the key and the command that resets it", async () => {
    const [version, nonce] = STAGING.secure["testKey"].secure.split(":");
    const stack = stackFile(
      "corrupt",
      passphraseStack({
        "demo:token": { secure: VECTORS.other.secure["testKey"].secure },
        "demo:nested": { inner: { secure: `${version}:${nonce}` } },
      }),
    );
    const err = await configError(() => loadStackConfigWithSecrets({ root: dir, stack, env }));
    assert.equal(err.problems.length, 2);
    assert.match(
      err.problems[0],
      /^Pulumi\.corrupt\.yaml: the `secure:` value of `demo:token` is corrupt: it does not decrypt with this stack's key .*; set it again with `pulumi config set --secret --stack corrupt demo:token <value>`\.$/,
    );
    assert.match(
      err.problems[1],
      /`demo:nested\.inner` is corrupt: it is not `v1:<nonce>:<ciphertext>`; set it again with `pulumi config set --secret --stack corrupt --path demo:nested\.inner <value>`/,
    );
  });

  it("rejects a damaged encryptionsalt at once", async () => {
    const stack = stackFile("badsalt", {
      encryptionsalt: "v1:not base64!:v1:AAAA:BBBB",
      config: { "demo:token": { secure: STAGING.secure["testKey"].secure } },
    });
    const err = await configError(() => loadStackConfigWithSecrets({ root: dir, stack, env }));
    assert.match(
      err.problems[0],
      /^Pulumi\.badsalt\.yaml: `encryptionsalt` is not a passphrase salt \(its salt is not base64\); restore the line from version control/,
    );
  });

  it("keeps placeholders without a passphrase, and says how to get the real values", async () => {
    const stack = stackFile(
      "nophrase",
      passphraseStack({ "demo:token": { secure: STAGING.secure["testKey"].secure } }),
    );
    const config = await loadStackConfigWithSecrets({ root: dir, stack, env: {} });
    assert.equal(config.values["demo:token"], OFFLINE_SECRET_PLACEHOLDER);
    assert.deepEqual(config.placeholders, ["demo:token", "demo:unset"]);
    assert.ok(config.secretKeys.includes("demo:token"));
    assert.deepEqual(config.notes, [
      "1 `secure:` value in Pulumi.nophrase.yaml previewed as a placeholder (marked secret): set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to preview with the real values.",
      "not checked offline: the content of `demo:token` (encrypted); the pull-request workflow's `pulumi preview --stack nophrase` decrypts and validates it (see RELEASING.md).",
    ]);
    assert.deepEqual(
      loadStackConfig({ root: dir, stack, env }).values,
      config.values,
      "the synchronous loader never decrypts",
    );
  });

  it("keeps placeholders for a Pulumi Cloud or KMS stack even with a passphrase set, and says why", async () => {
    const cloud = stackFile("cloud", {
      config: { "demo:token": { secure: "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA==" } },
    });
    const cloudConfig = await loadStackConfigWithSecrets({ root: dir, stack: cloud, env });
    assert.equal(cloudConfig.values["demo:token"], OFFLINE_SECRET_PLACEHOLDER);
    assert.match(
      cloudConfig.notes[0],
      /has no `encryptionsalt:`, so its secrets are held by Pulumi Cloud, which the offline preview cannot reach; a passphrase does not apply to it\.$/,
    );

    const kms = stackFile("kms", {
      secretsprovider: "awskms://alias/parity",
      encryptedkey: "AQICAH",
      config: { "demo:token": { secure: "AQICAHgg" } },
    });
    const kmsConfig = await loadStackConfigWithSecrets({ root: dir, stack: kms, env: {} });
    assert.deepEqual(kmsConfig.placeholders, ["demo:token", "demo:unset"]);
    assert.match(
      kmsConfig.notes[0],
      /its secrets provider is `awskms:\/\/alias\/parity`, which the offline preview cannot reach\.$/,
    );
  });

  it("adds no note, and derives no key, for a stack without `secure:` values", async () => {
    const stack = stackFile("plain", { encryptionsalt: STAGING.encryptionsalt, config: { "demo:token": "clear" } });
    // A key derived from a wrong passphrase is refused ("does not decrypt"), and one derived from the
    // right passphrase leaves a "decrypted with" note: either way, deriving one would show here.
    const wrong = await loadStackConfigWithSecrets({
      root: dir,
      stack,
      env: { PULUMI_CONFIG_PASSPHRASE: "unused and wrong" },
    });
    assert.deepEqual(wrong.notes, []);
    const right = await loadStackConfigWithSecrets({
      root: dir,
      stack,
      env: { PULUMI_CONFIG_PASSPHRASE: STAGING.passphrase },
    });
    assert.deepEqual(right.notes, []);
    assert.deepEqual(right.values, wrong.values);
  });
});

describe("offline preview: decrypted secrets reach the program's validation", function () {
  this.timeout(120_000);
  let dir: string;

  /** Pulumi.staging.yaml as committed, plus a passphrase salt and an encrypted payments key. */
  function stagingWithKey(name: "testKey" | "liveKey"): string {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    const file = path.join(dir, `Pulumi.staging-${name}.yaml`);
    fs.writeFileSync(
      file,
      toYaml({
        encryptionsalt: STAGING.encryptionsalt,
        config: { ...doc.config, "parity:paymentsApiKey": { secure: STAGING.secure[name].secure } },
      }),
    );
    return file;
  }

  /** The engine reads the passphrase where the CLI does, the process environment. */
  async function withPassphrase<T>(passphrase: string, run: () => Promise<T>): Promise<T> {
    const saved = {
      phrase: process.env["PULUMI_CONFIG_PASSPHRASE"],
      file: process.env["PULUMI_CONFIG_PASSPHRASE_FILE"],
    };
    process.env["PULUMI_CONFIG_PASSPHRASE"] = passphrase;
    delete process.env["PULUMI_CONFIG_PASSPHRASE_FILE"];
    try {
      return await run();
    } finally {
      for (const [name, value] of [
        ["PULUMI_CONFIG_PASSPHRASE", saved.phrase],
        ["PULUMI_CONFIG_PASSPHRASE_FILE", saved.file],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  /** `npm run preview -- <args>` in this process: the CLI's own parse, run, render and exit code. */
  async function preview(args: string[], passphrase: string): Promise<{ code: number; text: string }> {
    const results = await withPassphrase(passphrase, () =>
      runPreview(parseCli(args), new Progress(process.stderr, true), { hosts, packServer: pack }),
    );
    return { code: exitCode(results), text: toText(results, { isTTY: false }) };
  }

  before(() => (dir = tempDir()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("refuses a decrypted live payments key in staging exactly as a plaintext one, without echoing it", async () => {
    const err = await failure(ProgramError, () =>
      withPassphrase(STAGING.passphrase, () =>
        collectStack({ stack: "staging", stackFile: stagingWithKey("liveKey"), hosts }),
      ),
    );
    assert.equal(err.kind, "config");
    assert.match(
      err.message,
      /`parity:paymentsApiKey` is "\(a live key: sk_live_…\)": a staging stack holds only test-mode keys/,
    );
    assert.ok(
      !err.message.includes(STAGING.secure["liveKey"].plaintext),
      "the decrypted key must not appear in the message",
    );
  });

  it("`npm run preview` runs staging with the decrypted test key and prints one note", async () => {
    const run = await preview(
      ["--stack", "staging", "--stack-file", stagingWithKey("testKey"), "--no-policy"],
      STAGING.passphrase,
    );
    assert.equal(run.code, 0, run.text);
    assert.match(
      run.text,
      /^note: 1 `secure:` value in Pulumi\.staging-testKey\.yaml decrypted with PULUMI_CONFIG_PASSPHRASE; still marked secret\.$/m,
    );
    assert.equal(run.text.match(/^note: /gm)?.length, 1);
    assert.ok(!run.text.includes(STAGING.secure["testKey"].plaintext), "the plan never prints the secret");
  });

  it("`npm run preview` exits 2 with the wrong-passphrase message before running the program", async () => {
    const run = await preview(
      ["--stack", "staging", "--stack-file", stagingWithKey("testKey"), "--no-policy"],
      "wrong",
    );
    assert.equal(run.code, 2, run.text);
    assert.match(
      run.text,
      /error: stack staging: Stack "staging" cannot be loaded:\n {2}- PULUMI_CONFIG_PASSPHRASE does not decrypt Pulumi\.staging-testKey\.yaml's encryptionsalt/,
    );
    assert.match(run.text, /^staging: error \(config\)$/m);
    assert.ok(!run.text.includes("Previewing stack"), "no plan: the program never ran");
  });
});
