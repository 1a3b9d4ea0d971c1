import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { isSecretEnv, classify } from "../policy/engine/contract";
import { loadKnownDifferences } from "../policy/engine/known-differences";
import { scanSharedSecrets, sharedSecretMessage } from "../policy/engine/shared-secrets";
import { crossStackVerdicts } from "../tools/simulator/cross-stack";
import { redactVerdicts, secretTexts } from "../tools/simulator/redact";
import { SECRET_SIG, SECRET_VALUE, StackSnapshot } from "../tools/simulator/snapshot";
import { main as parityMain } from "../tools/parity/cli";
import { programReport } from "../tools/parity/sources";
import { renderJson } from "../tools/parity/render-json";
import { renderMarkdown } from "../tools/parity/render-markdown";
import { renderTerminal } from "../tools/parity/render-terminal";
import { previewInProcess } from "./preview-cli";
import { analyze, bothSnapshots, changeContainers, mutate } from "./policy/harness";

/** Secrets are never shown (any output, any format) and never shared between stacks. */

const ROOT = path.resolve(__dirname, "..");
const VECTORS = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "passphrase", "vectors.json"), "utf8")) as {
  staging: {
    passphrase: string;
    encryptionsalt: string;
    secure: Record<string, { plaintext: string; secure: string }>;
  };
};
const SALT = VECTORS.staging.encryptionsalt;
const KEY = VECTORS.staging.secure["testKey"];
const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });

function assertAbsent(text: string, secrets: readonly string[], where: string): void {
  for (const s of secrets) assert.ok(!text.includes(s), `${where} shows the secret ${JSON.stringify(s.slice(0, 6))}…`);
}

describe("secrets: env vars whose names say credential", () => {
  it("are secrets by their key's last word, and a public key, a key id or a setting about passwords is not", () => {
    for (const k of [
      "WORDPRESS_DB_PASSWORD",
      "API_KEY",
      "JWT_SECRET",
      "AUTH_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
      "SECRET_KEY_BASE",
      "SIGNING_KEY",
      "DB_PASSWD",
    ])
      assert.ok(isSecretEnv(k), k);
    for (const k of [
      "AWS_ACCESS_KEY_ID",
      "JWT_PUBLIC_KEY",
      "KMS_KEY_ARN",
      "PASSWORD_MIN_LENGTH",
      "TOKEN_TTL_SECONDS",
      "DATABASE_PASSWORD_FILE",
      "COOKIE_SECURE",
      "PAYMENTS_MODE",
    ])
      assert.ok(!isSecretEnv(k), k);
    assert.ok(isSecretEnv("DATABASE_URL", "postgres://app:hunter22@db:5432/app"));
    assert.ok(!isSecretEnv("DATABASE_URL", "postgres://db:5432/app"));
    assert.equal(
      classify(
        "aws:ecs/taskDefinition:TaskDefinition",
        "containerDefinitions[name=web].environment[WORDPRESS_DB_PASSWORD]",
      ),
      "identity",
    );
    assert.equal(
      classify(
        "aws:ecs/taskDefinition:TaskDefinition",
        "containerDefinitions[name=web].environment[PASSWORD_MIN_LENGTH]",
      ),
      "structural",
    );
  });
});

describe("secrets: never shown, never shared", function () {
  this.timeout(240_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;
  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  /** Both stacks with `WORDPRESS_DB_PASSWORD` in the web container's plain environment. */
  const withEnv = (s: StackSnapshot, value: string) =>
    mutate(
      s,
      "web-task",
      changeContainers((cs) => void cs[0].environment.push({ name: "WORDPRESS_DB_PASSWORD", value })),
    );

  function reports(s: StackSnapshot, p: StackSnapshot): string[] {
    const report = programReport({ staging: s, production: p }, loadKnownDifferences());
    return [renderTerminal(report, { width: 120, color: false }), renderMarkdown(report), renderJson(report)];
  }

  it("the parity report never prints a credential env var, nor tells staging to use production's", () => {
    const texts = reports(withEnv(staging, "staging-pw-7f3a9c"), withEnv(production, "production-pw-2b8e41"));
    for (const text of texts) {
      assertAbsent(text, ["staging-pw-7f3a9c", "production-pw-2b8e41"], "the parity report");
      assert.doesNotMatch(text, /WORDPRESS_DB_PASSWORD[^\n]*(divergent|production's value)/);
    }
    assert.match(texts[0], /identity +web-task\/app +WORDPRESS_DB_PASSWORD +\[secret\] +\[secret\]/);
  });

  it("a credential equal in both stacks fails the parity report, named by place, never by value", () => {
    const [terminal, markdown, json] = reports(
      withEnv(staging, "same-pw-5d1c0e"),
      withEnv(production, "same-pw-5d1c0e"),
    );
    for (const text of [terminal, markdown, json]) assertAbsent(text, ["same-pw-5d1c0e"], "the parity report");
    assert.match(terminal, /SHARED SECRETS: 1 secret\(s\) equal in both stacks/);
    assert.match(
      terminal.replace(/\s+/g, " "),
      /web-task` \(aws:ecs\/taskDefinition:TaskDefinition\) `containerDefinitions\[name=app\]\.environment\[WORDPRESS_DB_PASSWORD\]` in staging holds the same secret as .* in production/,
    );
    assert.match(markdown, /🔴 1 secret\(s\) equal in both stacks/);
    const doc = JSON.parse(json) as { exitCode: number; secrets: { shared: { staging: { path: string } }[] } };
    assert.equal(doc.exitCode, 1);
    assert.equal(
      doc.secrets.shared[0].staging.path,
      "containerDefinitions[name=app].environment[WORDPRESS_DB_PASSWORD]",
    );
  });

  it("preview --all's cross-stack check: a secret-marked value equal in both is mandatory; placeholders and generated values are said to be unproven", () => {
    const clean = crossStackVerdicts([production, staging]);
    assert.deepEqual(
      clean.get("staging")?.filter((v) => v.enforcementLevel === "mandatory"),
      [],
    );
    assert.match(
      clean.get("staging")?.[0]?.message ?? "",
      /not proven separate by this preview: \d+ offline placeholders .*generated by the provider per stack/,
    );
    const key = (s: StackSnapshot) =>
      mutate(
        s,
        "integrations-payments-key-value",
        (p) => void (p.secretString = secret("sk_test_SharedBetweenStacks42")),
      );
    const shared = crossStackVerdicts([key(production), key(staging)]);
    const hit = shared.get("staging")?.find((v) => v.enforcementLevel === "mandatory");
    assert.match(
      hit?.message ?? "",
      /integrations-payments-key-value` \(aws:secretsmanager\/secretVersion:SecretVersion\) `secretString` in staging holds the same secret as .* in production: a leaked staging credential would unlock production\. Fix: give each stack its own/,
    );
    assert.ok(!hit?.message.includes("sk_test_SharedBetweenStacks42"));
    assert.ok(shared.get("production")?.some((v) => v.enforcementLevel === "mandatory"));
  });

  it("a secret-marked property with an innocuous name (`healthCheck.path`) is cut from the pack's messages and never in the parity report", async () => {
    const path_ = "/S3cr3t-Health-9d2f";
    const marked = mutate(
      staging,
      "web-targets",
      (p) => void (p.healthCheck && ((p.healthCheck as Record<string, unknown>).path = secret(path_))),
    );
    const verdicts = await analyze(marked);
    assert.ok(
      verdicts.some((v) => v.message.includes(path_)),
      "the pack sees no marker (the SDK unwraps secrets), so its message holds the value",
    );
    const shown = redactVerdicts(verdicts, secretTexts([marked]));
    assertAbsent(shown.map((v) => v.message).join("\n"), [path_], "the redacted verdicts");
    assert.ok(shown.some((v) => /healthCheck\.path`: this stack has "\[secret\]"/.test(v.message)));
    for (const text of reports(marked, production)) assertAbsent(text, [path_], "the parity report");
  });

  it("the scan compares in memory and says which places: its message carries no value", () => {
    const r = (value: string) => [
      {
        urn: "urn:pulumi:s::parity::aws:lambda/function:Function::fn",
        type: "aws:lambda/function:Function",
        inputs: { environment: { variables: { API_KEY: value, TZ: "UTC" } } },
      },
    ];
    assert.equal(scanSharedSecrets(r("k-one-1234"), r("k-two-5678")).shared.length, 0);
    const scan = scanSharedSecrets(r("k-same-1234"), r("k-same-1234"));
    assert.equal(scan.shared.length, 1, "TZ equal in both is no secret");
    assert.ok(!sharedSecretMessage(scan.shared[0]).includes("k-same-1234"));
  });
});

describe("secrets: a passphrase stack's decrypted `secure:` value in every output of the tools", function () {
  this.timeout(240_000);
  let dir: string;
  const saved = process.env["PULUMI_CONFIG_PASSPHRASE"];

  before(() => {
    // A project of its own inside the repo (so the program resolves the repo's node_modules): both
    // stacks hold the same encrypted key, and staging a secret-marked path besides.
    dir = fs.mkdtempSync(path.join(ROOT, "test", ".tmp-secrets-"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      "name: leak\nruntime: nodejs\nmain: index.ts\nconfig:\n  apiKey:\n    type: string\n    secret: true\n",
    );
    fs.writeFileSync(
      path.join(dir, "index.ts"),
      `import * as aws from "@pulumi/aws";\nimport * as pulumi from "@pulumi/pulumi";\nconst config = new pulumi.Config();\nconst provider = new aws.Provider("aws", { region: "eu-west-1" });\n` +
        `new aws.secretsmanager.SecretVersion("api-key-value", { secretId: "api-key", secretString: config.requireSecret("apiKey") }, { provider });\n` +
        `export const key = config.requireSecret("apiKey");\n`,
    );
    for (const stack of ["staging", "production"]) {
      fs.writeFileSync(
        path.join(dir, `Pulumi.${stack}.yaml`),
        `encryptionsalt: ${SALT}\nconfig:\n  aws:region: eu-west-1\n  leak:apiKey:\n    secure: ${KEY.secure}\n`,
      );
    }
    process.env["PULUMI_CONFIG_PASSPHRASE"] = VECTORS.staging.passphrase;
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env["PULUMI_CONFIG_PASSPHRASE"];
    else process.env["PULUMI_CONFIG_PASSPHRASE"] = saved;
  });

  const pack = ["--policy-pack", path.join(__dirname, "fixtures", "preview", "pack")];

  it("`preview --json`, the text, `--verbose` and the cross-stack verdict never hold it; the shared key fails --all", async () => {
    const json = await previewInProcess(["--root", dir, "--stack", "staging", "--json", ...pack]);
    assert.ok(json.stdout.includes(SECRET_VALUE), "still marked secret");
    assertAbsent(json.stdout + json.stderr, [KEY.plaintext], "preview --json");
    const all = await previewInProcess(["--root", dir, "--all", ...pack, "--verbose"]);
    assertAbsent(all.stdout + all.stderr, [KEY.plaintext], "preview --all --verbose");
    assert.equal(all.code, 1, all.stdout);
    assert.match(
      all.stdout,
      /no-shared-secrets[\s\S]*`aws:secretsmanager\/secretVersion:SecretVersion::api-key-value` \(aws:secretsmanager\/secretVersion:SecretVersion\) `secretString` in staging holds the same secret as/,
    );
    const allJson = await previewInProcess(["--root", dir, "--all", "--json", ...pack]);
    assertAbsent(allJson.stdout, [KEY.plaintext], "preview --all --json");
    assert.equal((JSON.parse(allJson.stdout) as { exitCode: number }).exitCode, 1);
  });

  it("`npm run parity` in every format never holds it", async () => {
    for (const format of ["terminal", "markdown", "json"]) {
      let out = "";
      const code = await parityMain(["--format", format], {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: (t: string) => (out += t) },
        env: {},
        root: dir,
      });
      assert.ok(code === 0 || code === 1 || code === 2, String(code));
      assertAbsent(out, [KEY.plaintext], `npm run parity --format ${format}`);
    }
  });
});
