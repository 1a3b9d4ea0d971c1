import * as assert from "node:assert/strict";
import { compareStacks, ComparableResource } from "../../policy/engine/compare";
import { classify, envPathOf, resourceKey } from "../../policy/engine/contract";
import { flatten, SECRET_SHOWN, UNKNOWN_VALUE } from "../../policy/engine/flatten";
import { KnownDifference, loadKnownDifferences } from "../../policy/engine/known-differences";
import { escapeRegExp, normalize, stackIdentityOf } from "../../policy/engine/normalize";
import { tempFile } from "./temp-file";

/** The pure parts of the contract: classification, paths, normalization, comparison, declarations. */

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };

function provider(stack: string, env: string, account: string): ComparableResource {
  return {
    urn: `urn:pulumi:${stack}::parity::pulumi:providers:aws::aws`,
    type: "pulumi:providers:aws",
    inputs: {
      region: "us-east-1",
      allowedAccountIds: JSON.stringify([account]),
      defaultTags: JSON.stringify({ tags: { "parity:environment": env } }),
    },
  };
}

function stackOf(
  stack: string,
  env: string,
  account: string,
  domain: string,
  queue: Record<string, unknown>,
  extra: ComparableResource[] = [],
): ComparableResource[] {
  return [
    provider(stack, env, account),
    {
      urn: `urn:pulumi:${stack}::parity::aws:acm/certificate:Certificate::web-cert`,
      type: "aws:acm/certificate:Certificate",
      inputs: { domainName: domain, validationMethod: "DNS" },
    },
    { urn: `urn:pulumi:${stack}::parity::aws:sqs/queue:Queue::jobs`, type: "aws:sqs/queue:Queue", inputs: queue },
    ...extra,
  ];
}

const prodQueue = {
  name: "parity-production-jobs",
  visibilityTimeoutSeconds: 720,
  redrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:dlq", maxReceiveCount: 5 }),
  tags: { "parity:mode": "live" },
};

describe("parity contract", () => {
  it("keys resources without stack and project, and refuses what is not a URN", () => {
    assert.equal(
      resourceKey("urn:pulumi:staging::parity::parity:components:Database$aws:rds/instance:Instance::db-instance"),
      "parity:components:Database$aws:rds/instance:Instance::db-instance",
    );
    assert.throws(() => resourceKey("db-instance"), /`db-instance` is not a Pulumi URN/);
  });

  it("refuses a URN with too few parts or another scheme", () => {
    assert.throws(() => resourceKey("urn:pulumi:staging::parity::db-instance"), /is not a Pulumi URN/);
    assert.throws(() => resourceKey("urn:other:staging::parity::aws:sqs/queue:Queue::jobs"), /is not a Pulumi URN/);
  });

  it("addresses a function's env vars as well as a container's, and classifies them by key", () => {
    assert.deepEqual(envPathOf("environment.variables.PAYMENTS_MODE"), { key: "PAYMENTS_MODE", secret: false });
    assert.deepEqual(envPathOf("containerDefinitions[name=web].secrets[SIGNING_KEY]"), {
      container: "web",
      key: "SIGNING_KEY",
      secret: true,
    });
    assert.equal(envPathOf("environment"), undefined);
    const fn = "aws:lambda/function:Function";
    assert.deepEqual(
      ["TZ", "PAYMENTS_MODE", "UPLOADS_BUCKET", "WORKER_CONCURRENCY"].map((k) =>
        classify(fn, `environment.variables.${k}`),
      ),
      ["structural", "simulated", "identity", "sizing"],
    );
  });

  it("treats the plugin download URL the engine adds as identity on providers only", () => {
    assert.equal(classify("pulumi:providers:aws", "pluginDownloadURL"), "identity");
    assert.equal(classify("aws:s3/bucketV2:BucketV2", "pluginDownloadURL"), "structural");
  });

  it("classifies by type and path, structural by default", () => {
    assert.equal(classify("aws:rds/instance:Instance", "instanceClass"), "sizing");
    assert.equal(classify("aws:rds/instance:Instance", "engineVersion"), "structural");
    assert.equal(classify("aws:made/up:Thing", "anything.at[all]"), "structural");
    assert.equal(classify("aws:sqs/queue:Queue", "arn"), "identity");
    assert.equal(
      classify("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions[name=app].environment[PAYMENTS_MODE]"),
      "simulated",
    );
    assert.equal(
      classify("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions[name=app].environment[COOKIE_SAMESITE]"),
      "structural",
    );
    assert.equal(
      classify(
        "aws:ecs/taskDefinition:TaskDefinition",
        "containerDefinitions[name=app].environment[WORKER_CONCURRENCY]",
      ),
      "sizing",
    );
    assert.equal(
      classify("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions[name=app].secrets[DATABASE_PASSWORD]"),
      "identity",
    );
    assert.equal(classify("aws:sqs/queue:Queue", 'tags["parity:mode"]'), "simulated");
  });

  it("flattens JSON-in-strings field by field, keyed arrays by name, unknowns and secrets as markers", () => {
    const flat = flatten({
      parameters: [
        { name: "timezone", value: "UTC" },
        { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
      ],
      redrivePolicy: JSON.stringify({ maxReceiveCount: 5 }),
      containerDefinitions: JSON.stringify([{ name: "app", environment: [{ name: "TZ", value: "UTC" }] }]),
      endpoint: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      password: SECRET,
    });
    assert.equal(flat.get("parameters[name=timezone].value"), "UTC");
    assert.equal(flat.get("parameters[name=rds.force_ssl].applyMethod"), "immediate");
    assert.equal(flat.get("redrivePolicy.maxReceiveCount"), 5);
    assert.equal(flat.get("containerDefinitions[name=app].environment[TZ]"), "UTC");
    assert.equal(flat.get("endpoint"), UNKNOWN_VALUE);
    assert.equal(flat.get("password"), SECRET_SHOWN);
    assert.ok(![...flat.values()].includes("hunter2"));
  });

  it("normalizes the stack's own domain, account and environment, not production's", () => {
    const id = {
      environment: "staging",
      accountId: "210987654321",
      domain: "staging.app.example.com",
      region: "us-east-1",
    };
    assert.equal(normalize("https://staging.app.example.com/auth/callback", id), "https://{domain}/auth/callback");
    assert.equal(
      normalize("arn:aws:sqs:us-east-1:210987654321:parity-staging-jobs", id),
      "arn:aws:sqs:{region}:{account}:parity-{environment}-jobs",
    );
    assert.equal(normalize("us-east-1a", id), "{region}a");
    assert.equal(normalize("us-east-12", id), "us-east-12");
    assert.equal(normalize("https://app.example.com/auth/callback", id), "https://app.example.com/auth/callback");
    assert.equal(normalize("stagingish", id), "stagingish");
  });

  describe("a stack's identity", () => {
    const cert = (domainName: unknown) => ({ type: "aws:acm/certificate:Certificate", inputs: { domainName } });
    const aws = (inputs: Record<string, unknown>) => ({ type: "pulumi:providers:aws", inputs });
    const tagged = aws({
      region: "eu-west-1",
      allowedAccountIds: ["210987654321"],
      defaultTags: { tags: { "parity:environment": "staging" } },
    });

    it("comes from the provider whose default tags name the environment, not a default provider listed first", () => {
      const id = stackIdentityOf([aws({ region: "us-east-1" }), tagged, cert("*.staging.app.example.com")]);
      assert.deepEqual(id, {
        environment: "staging",
        accountId: "210987654321",
        region: "eu-west-1",
        domain: "staging.app.example.com",
      });
    });

    it("falls back to the first AWS provider, never another resource's inputs", () => {
      const id = stackIdentityOf([
        { type: "aws:s3/bucketV2:BucketV2", inputs: { region: "ap-south-1" } },
        aws({ region: "us-east-1" }),
        aws({ region: "eu-west-1" }),
      ]);
      assert.deepEqual(id, { environment: undefined, accountId: undefined, region: "us-east-1", domain: undefined });
    });

    it("leaves out an empty or non-string value (a secret region reads as an object)", () => {
      const id = stackIdentityOf([
        aws({
          region: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "us-east-1" },
          defaultTags: { tags: { "parity:environment": "" } },
        }),
        cert(""),
      ]);
      assert.deepEqual(id, { environment: undefined, accountId: undefined, region: undefined, domain: undefined });
    });

    it("an identity without domain or account replaces nothing for them", () => {
      assert.equal(
        normalize("undefined-jobs in staging", { environment: "staging" }),
        "undefined-jobs in {environment}",
      );
    });

    it("matches an identity value literally, whatever characters it holds", () => {
      assert.equal(escapeRegExp("a.b*c(d)[e]$^+?{}|\\"), "a\\.b\\*c\\(d\\)\\[e\\]\\$\\^\\+\\?\\{\\}\\|\\\\");
      assert.equal(
        normalize("parity-stg.1-jobs parity-stg-1-jobs parity-stgx1-jobs", { environment: "stg.1" }),
        "parity-{environment}-jobs parity-stg-1-jobs parity-stgx1-jobs",
      );
    });
  });

  describe("compareStacks", () => {
    const production = stackOf("production", "production", "123456789012", "app.example.com", prodQueue);

    it("matches stacks that differ only in identity", () => {
      const staging = stackOf("staging", "staging", "210987654321", "staging.app.example.com", {
        ...prodQueue,
        name: "parity-staging-jobs",
        redrivePolicy: JSON.stringify({
          deadLetterTargetArn: "arn:aws:sqs:us-east-1:210987654321:dlq",
          maxReceiveCount: 5,
        }),
      });
      const known: KnownDifference[] = [
        { id: "mode", what: "w", why: "y", howToTestSafely: "h", properties: ['tags["parity:mode"]'] },
      ];
      const cmp = compareStacks(staging, production, known);
      assert.deepEqual(
        cmp.properties.filter((d) => d.class === "divergent"),
        [],
      );
      assert.equal(cmp.properties.find((d) => d.path === "name")?.class, "identity");
      assert.equal(cmp.properties.find((d) => d.path === "redrivePolicy.maxReceiveCount")?.class, "match");
      assert.equal(cmp.presence.length, 0);
    });

    it("ignores the CLI's versioned default providers", () => {
      const random = (stack: string, version: string): ComparableResource => ({
        urn: `urn:pulumi:${stack}::parity::pulumi:providers:random::default_${version}`,
        type: "pulumi:providers:random",
        inputs: { version: version.replace(/_/g, ".") },
      });
      const staging = stackOf("staging", "staging", "210987654321", "staging.app.example.com", prodQueue, [
        random("staging", "4_21_2"),
      ]);
      const cmp = compareStacks(staging, [...production, random("production", "4_20_0")], []);
      assert.deepEqual(cmp.presence, []);
    });

    it("reports a divergent retry count with both values and the fix", () => {
      const staging = stackOf("staging", "staging", "210987654321", "staging.app.example.com", {
        ...prodQueue,
        redrivePolicy: JSON.stringify({ maxReceiveCount: 1 }),
      });
      const d = compareStacks(staging, production, []).properties.find(
        (x) => x.path === "redrivePolicy.maxReceiveCount",
      );
      assert.equal(d?.class, "divergent");
      assert.equal(d?.staging, 1);
      assert.equal(d?.production, 5);
      assert.match(String(d?.fix), /production's value 5 .*known-differences\.yaml/);
    });

    it("marks a declared simulated tag as declared, and an undeclared one as divergent", () => {
      const staging = stackOf("staging", "staging", "210987654321", "staging.app.example.com", {
        ...prodQueue,
        tags: { "parity:mode": "test" },
      });
      const path_ = 'tags["parity:mode"]';
      assert.equal(compareStacks(staging, production, []).properties.find((d) => d.path === path_)?.class, "divergent");
      const declared = compareStacks(staging, production, [
        { id: "payments-sandbox", what: "w", why: "y", howToTestSafely: "h", resources: ["jobs"], properties: [path_] },
      ]);
      const d = declared.properties.find((x) => x.path === path_);
      assert.equal(d?.class, "declared");
      assert.equal(d?.declaredBy, "payments-sandbox");
    });

    it("reports unknown values as unknown, never as a match", () => {
      const staging = stackOf("staging", "staging", "210987654321", "staging.app.example.com", {
        ...prodQueue,
        visibilityTimeoutSeconds: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      });
      assert.equal(
        compareStacks(staging, production, []).properties.find((d) => d.path === "visibilityTimeoutSeconds")?.class,
        "unknown",
      );
    });

    it("reports resources present in one stack, declared or not", () => {
      const seed: ComparableResource = {
        urn: "urn:pulumi:staging::parity::aws:cognito/user:User::auth-seed-admin",
        type: "aws:cognito/user:User",
        inputs: { username: "admin" },
      };
      const staging = stackOf("staging", "staging", "210987654321", "staging.app.example.com", prodQueue, [seed]);
      assert.equal(compareStacks(staging, production, [])["presence"][0].class, "divergent");
      const declared = compareStacks(staging, production, [
        {
          id: "seeded-accounts",
          what: "w",
          why: "y",
          howToTestSafely: "h",
          resources: ["auth-seed-*"],
          onlyIn: "staging",
        },
      ]);
      assert.deepEqual(
        declared.presence.map((p) => [p.resourceKey, p.onlyIn, p.class, p.declaredBy]),
        [["aws:cognito/user:User::auth-seed-admin", "staging", "declared", "seeded-accounts"]],
      );
    });

    it("compares env var key sets per service and masks secrets", () => {
      const task = (stack: string, env: { name: string; value: string }[]): ComparableResource => ({
        urn: `urn:pulumi:${stack}::parity::aws:ecs/taskDefinition:TaskDefinition::web-task`,
        type: "aws:ecs/taskDefinition:TaskDefinition",
        inputs: {
          containerDefinitions: JSON.stringify([
            { name: "app", environment: env, secrets: [{ name: "DATABASE_PASSWORD", valueFrom: `arn:${stack}` }] },
          ]),
        },
      });
      const cmp = compareStacks(
        [
          task("staging", [
            { name: "TZ", value: "UTC" },
            { name: "DEBUG", value: "1" },
          ]),
        ],
        [task("production", [{ name: "TZ", value: "UTC" }])],
        [],
      );
      assert.deepEqual(
        cmp.env.map((e) => [e.service, e.key, e.class]),
        [
          ["web-task/app", "DATABASE_PASSWORD", "identity"],
          ["web-task/app", "DEBUG", "divergent"],
          ["web-task/app", "TZ", "match"],
        ],
      );
      assert.equal(cmp.env[0].staging, "[secret]");
    });
  });

  describe("known-differences.yaml validation", () => {
    const write = (text: string) => tempFile("known-differences.yaml", text);

    it("loads the committed file", () => {
      const known = loadKnownDifferences();
      assert.ok(known.some((k) => k.id === "payments-sandbox" && k.env?.includes("PAYMENTS_MODE")));
      assert.ok(known.every((k) => k.what && k.why && k.howToTestSafely));
    });

    it("names the file, the entry and the fix for a missing reason", () => {
      const file = write("differences:\n  - id: no-reason\n    what: x\n    howToTestSafely: y\n    env: [X]\n");
      assert.throws(
        () => loadKnownDifferences(file),
        (e: Error) =>
          e.message.includes(file) &&
          /entry 1 \(`no-reason`\): `why` is required/.test(e.message) &&
          /Fix: say why/.test(e.message),
      );
    });

    it("refuses duplicate ids, unknown fields and onlyIn without resources", () => {
      const file = write(
        "differences:\n  - {id: a, what: w, why: y, howToTestSafely: h, env: [X]}\n  - {id: a, what: w, why: y, howToTestSafely: h, onlyIn: staging, colour: red}\n",
      );
      assert.throws(
        () => loadKnownDifferences(file),
        (e: Error) =>
          /declared twice/.test(e.message) &&
          /unknown field `colour`/.test(e.message) &&
          /`onlyIn` needs `resources`/.test(e.message),
      );
    });

    it("says what the file must look like when it is not a list", () => {
      assert.throws(() => loadKnownDifferences(write("- id: a\n")), /expected a top-level `differences:` list/);
      assert.throws(
        () => loadKnownDifferences("/nonexistent/known-differences.yaml"),
        /cannot read the known differences.*Fix: restore the file/,
      );
    });
  });
});
