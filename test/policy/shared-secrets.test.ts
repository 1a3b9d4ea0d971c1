import * as assert from "node:assert/strict";
import { SECRET_SIG, SECRET_VALUE } from "../../tools/simulator/snapshot";
import {
  generatedTexts,
  scanSharedSecrets,
  type SecretHolder,
  secretLeaves,
  sharedSecretMessage,
} from "../../policy/engine/shared-secrets";

/**
 * "Nothing secret is shared between stacks", in-process: the cross-stack scan on hand-built declared
 * inputs, as the two previews (`--all`) and the parity report hand them over.
 */

const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });
const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::parity::${type}::${name}`;
const holder = (stack: string, type: string, name: string, inputs: Record<string, unknown>): SecretHolder => ({
  urn: urn(stack, type, name),
  type,
  inputs,
});
const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

describe("shared secrets: which leaves are secrets", () => {
  const texts = (inputs: Record<string, unknown>, type = VERSION) =>
    secretLeaves([holder("staging", type, "r", inputs)]).map((l) => [l.path, l.text]);

  it("a value with Pulumi's secret marker, whatever its property is called; a non-string secret as its JSON", () => {
    assert.deepEqual(texts({ secretString: secret("s3cr3t-value") }), [["secretString", "s3cr3t-value"]]);
    assert.deepEqual(texts({ anything: secret({ user: "u", pass: "p" }) }), [["anything", '{"user":"u","pass":"p"}']]);
    assert.deepEqual(texts({ nested: { list: [secret(42)] } }), [["nested.list", "42"]]);
    assert.deepEqual(
      texts({ deep: secret(secret("inner")) }),
      [["deep", "inner"]],
      "a secret inside a secret is its content",
    );
  });

  it("by name when no marker says so: a credential's last name, strings and numbers only", () => {
    assert.deepEqual(
      texts({ password: "hunter2-hunter2", pin: { clientSecret: "cs-1", privateKey: "pk", apiKey: 7 }, token: "t-1" }),
      [
        ["password", "hunter2-hunter2"],
        ["pin.apiKey", "7"],
        ["pin.clientSecret", "cs-1"],
        ["pin.privateKey", "pk"],
        ["token", "t-1"],
      ],
    );
    assert.deepEqual(
      texts({ settings: { "app:password": "quoted-key", none: null } }),
      [['settings["app:password"]', "quoted-key"]],
      "a quoted key's name is its last name",
    );
    assert.deepEqual(
      texts({ passwordLength: "32", accessToken: "x", secretName: "parity/db", password: true }),
      [],
      "a name that only starts with a credential word, or a boolean, is no secret",
    );
  });

  it("an env var by its key: plain environment entries and Lambda variables, never ECS `secrets` references", () => {
    const inputs = {
      containerDefinitions: [
        {
          name: "app",
          environment: [
            { name: "API_KEY", value: "k-123" },
            { name: "LOG_LEVEL", value: "info" },
          ],
          secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:us-east-1:1:secret:db" }],
        },
      ],
    };
    assert.deepEqual(texts(inputs, TASK), [["containerDefinitions[name=app].environment[API_KEY]", "k-123"]]);
    assert.deepEqual(
      texts({ environment: { variables: { JWT_SECRET: "j-1", REGION: "us-east-1" } } }, "aws:lambda/function:Function"),
      [["environment.variables.JWT_SECRET", "j-1"]],
    );
  });

  it("skips the stack, a malformed URN and empty values", () => {
    assert.deepEqual(
      secretLeaves([
        {
          urn: urn("staging", "pulumi:pulumi:Stack", "parity-staging"),
          type: "pulumi:pulumi:Stack",
          inputs: { password: "p-1" },
        },
      ]),
      [],
    );
    assert.deepEqual(
      secretLeaves([{ urn: "urn:pulumi:staging::parity", type: VERSION, inputs: { password: "p-1" } }]),
      [],
    );
    assert.deepEqual(texts({ password: "", other: secret(""), third: secret('""') }), []);
  });

  it("names the resource by its key and type", () => {
    const [leaf] = secretLeaves([holder("staging", VERSION, "api-key-value", { secretString: secret("v") })]);
    assert.deepEqual(leaf, {
      resourceKey: `${VERSION}::api-key-value`,
      resourceType: VERSION,
      path: "secretString",
      text: "v",
    });
  });
});

describe("shared secrets: the scan of both stacks", () => {
  const staging = [
    holder("staging", VERSION, "a", { secretString: secret("same-value") }),
    holder("staging", VERSION, "b", { secretString: secret("staging-own") }),
  ];
  const production = [
    holder("production", VERSION, "x", { secretString: secret("same-value") }),
    holder("production", VERSION, "y", { password: "same-value" }),
    holder("production", VERSION, "z", { secretString: secret("production-own") }),
  ];

  it("reports each staging secret equal to a production one, with the first production place; counts what it compared", () => {
    const scan = scanSharedSecrets(staging, production);
    assert.deepEqual(scan.shared, [
      {
        staging: { resourceKey: `${VERSION}::a`, resourceType: VERSION, path: "secretString" },
        production: { resourceKey: `${VERSION}::x`, resourceType: VERSION, path: "secretString" },
      },
    ]);
    assert.equal(scan.compared, 2);
    assert.deepEqual(scan.unproven, []);
  });

  it("finds nothing when every secret is the stack's own", () => {
    const scan = scanSharedSecrets(staging.slice(1), production);
    assert.deepEqual(scan.shared, []);
    assert.equal(scan.compared, 1);
  });

  it("leaves out, and counts by reason, what it cannot compare: placeholders first, then ciphertexts, then generated values", () => {
    const scan = scanSharedSecrets(
      [
        holder("staging", VERSION, "p", { secretString: secret("PLACEHOLDER-1") }),
        holder("staging", VERSION, "q", { secretString: secret("PLACEHOLDER-CIPHER") }),
        holder("staging", VERSION, "e", { secretString: secret("CIPHER-1") }),
        holder("staging", VERSION, "g", { secretString: secret("prefix-gen-abcdef-suffix") }),
        ...staging,
      ],
      [
        ...production,
        holder("production", VERSION, "w", { secretString: secret("prefix-gen-abcdef-suffix") }),
        holder("production", VERSION, "v", { secretString: secret("gen-prod-1") }),
      ],
      {
        isPlaceholder: (t) => t.startsWith("PLACEHOLDER"),
        isEncrypted: (t) => t.includes("CIPHER"),
        generated: { staging: new Set(["gen-abcdef"]), production: new Set(["gen-prod"]) },
      },
    );
    assert.deepEqual(scan.unproven, [
      { reason: "offline placeholders (no passphrase: the real `secure:` values were not read)", count: 2 },
      {
        reason: "generated by the provider per stack (offline, both stacks' generated values come from one seed)",
        count: 2,
      },
      { reason: "encrypted in the export (export with `--show-secrets` to compare them)", count: 1 },
    ]);
    assert.equal(scan.compared, 2, "only the two comparable staging secrets");
    assert.deepEqual(
      scan.shared.map((s) => s.staging.resourceKey),
      [`${VERSION}::a`],
      "the generated value both stacks hold is not reported",
    );
  });

  it("a generated set for one stack only leaves the other's secrets compared", () => {
    const scan = scanSharedSecrets(staging, production, {
      generated: { staging: new Set(), production: new Set(["same-value"]) },
    });
    assert.deepEqual(scan.shared, []);
    assert.equal(scan.compared, 2);
    assert.deepEqual(
      scan.unproven.map((u) => u.count),
      [2],
    );
  });
});

describe("shared secrets: the message", () => {
  const finding = {
    staging: { resourceKey: "parity::aws:x::a", resourceType: "aws:x", path: "secretString" },
    production: { resourceKey: "parity::aws:x::b", resourceType: "aws:x", path: "password" },
  };

  it("names both places and the fix, for the stacks it is given", () => {
    assert.equal(
      sharedSecretMessage(finding),
      "`parity::aws:x::a` (aws:x) `secretString` in staging holds the same secret as `parity::aws:x::b` `password` in production: a leaked staging credential would unlock production. Fix: give each stack its own (generate it per stack with random.RandomPassword, or set a new value with `pulumi config set --secret --stack staging …`), then rotate production's.",
    );
    const named = sharedSecretMessage(finding, "dev", "prod");
    assert.match(named, /in dev holds the same secret as .* in prod: a leaked dev credential would unlock prod\./);
    assert.match(named, /--stack dev …`\), then rotate prod's\.$/);
  });
});

describe("shared secrets: what the provider generated", () => {
  it("outputs the program did not declare, at least minLength long, of custom resources only", () => {
    const texts = generatedTexts([
      {
        inputs: { name: "declared-name" },
        outputs: { name: "declared-name", id: "i-0123456", arn: "arn:aws:x:generated", short: "1234567" },
      },
      {
        inputs: { password: secret("declared-secret") },
        outputs: { password: secret("declared-secret"), result: secret("generated-secret") },
        custom: true,
      },
      { inputs: {}, outputs: { componentOutput: "component-value" }, custom: false },
      { inputs: {}, outputs: { count: 123456789 } },
    ]);
    assert.deepEqual([...texts].sort(), ["arn:aws:x:generated", "generated-secret", "i-0123456"]);
    assert.deepEqual([...generatedTexts([{ inputs: {}, outputs: { a: "abc", b: "ab" } }], 3)], ["abc"]);
    assert.deepEqual(
      [
        ...generatedTexts(
          [{ inputs: { tags: null }, outputs: { none: null, list: ["a-b-c"], secrets: [secret("in-a-list")] } }],
          1,
        ),
      ],
      [],
      "a list is not a text, nor is null",
    );
  });
});
