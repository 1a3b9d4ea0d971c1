import * as assert from "node:assert/strict";
import { type StackSnapshot, UNKNOWN } from "../../../tools/simulator/snapshot";
import { bothSnapshots, changeContainers, mutate, mutateDeclared } from "../harness";
import { outputOf, retyped, urnOf, withResource, without, withoutDependencies } from "../snapshot-edits";
import { expectFacts, rejected, SHAPES } from "./reported";

/**
 * policy/safety.ts in process: each rule passes the real stacks (a preview and a deployed stack's
 * state) and rejects one change per branch of its logic, naming the resource and the facts.
 */

describe("safety rules (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  const setEnv = (name: string, value: unknown) =>
    changeContainers(
      (c) =>
        void (c[0].environment = c[0].environment.map((e) => (e.name === name ? { ...e, value: value as string } : e))),
    );
  const tagged = (tags: Record<string, string>) => (p: Record<string, unknown>) =>
    void (p.tags = { ...(p.tags as object), ...tags });
  const secretString = (value: string) => (p: Record<string, unknown>) =>
    void (p.secretString = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

  for (const shape of SHAPES) {
    describe(`the real stacks pass (${shape.name})`, () => {
      for (const policy of [
        "staging-integrations-simulated",
        "staging-no-production-data",
        "production-data-protected",
        "queue-retry-rules",
        "schedule-timezone",
        "no-reset-in-production",
      ]) {
        it(policy, async () => {
          for (const s of [staging, production]) assert.deepEqual(await shape.run(s, policy), [], s.stack);
        });
      }
    });
  }

  describe("staging-integrations-simulated", () => {
    const POLICY = "staging-integrations-simulated";

    it("rejects each live mode in a staging service's environment, naming the allowed ones", async () => {
      for (const [key, value, allowed] of [
        ["PAYMENTS_MODE", "live", "`test`"],
        ["EMAIL_MODE", "send", "`capture`"],
        ["SMS_MODE", "send", "`log`"],
      ]) {
        const v = await rejected(mutate(staging, "web-task", setEnv(key, value)), POLICY);
        expectFacts(v, [
          [
            "web-task",
            new RegExp(
              `^\`web-task\` \\(aws:ecs/taskDefinition:TaskDefinition\\) sets env var \`${key}\` to \`${value}\` in a non-production stack: .*set the stack's mode config to ${allowed} \\(`,
            ),
          ],
        ]);
      }
    });

    it("takes the allowed modes from its config, and lists them all", async () => {
      const config = { [POLICY]: { allowedModes: { PAYMENTS_MODE: ["test", "sandbox"] } } };
      assert.deepEqual(
        await rejected(mutate(staging, "web-task", setEnv("PAYMENTS_MODE", "sandbox")), POLICY, config),
        [],
      );
      const v = await rejected(mutate(staging, "worker-task", setEnv("PAYMENTS_MODE", "live")), POLICY, config);
      expectFacts(v, [["worker-task", /`PAYMENTS_MODE` to `live` .* to `test` or `sandbox` \(see Pulumi\.yaml/]]);
      // The config replaces the defaults: EMAIL_MODE is no longer held to `capture`.
      assert.deepEqual(await rejected(mutate(staging, "web-task", setEnv("EMAIL_MODE", "send")), POLICY, config), []);
    });

    it("judges only string values of the integration keys", async () => {
      assert.deepEqual(await rejected(mutate(staging, "web-task", setEnv("PAYMENTS_MODE", 1)), POLICY), []);
      assert.deepEqual(await rejected(mutate(staging, "web-task", setEnv("COOKIE_SAMESITE", "live")), POLICY), []);
    });

    it("leaves production's live integrations alone", async () => {
      const live = mutate(
        mutate(production, "web-task", setEnv("PAYMENTS_MODE", "live")),
        "integrations-payments-key",
        tagged({ "parity:mode": "live" }),
      );
      assert.deepEqual(
        await rejected(
          mutate(live, "integrations-payments-key-value", secretString("sk_live_51HxSECRETvalue")),
          POLICY,
        ),
        [],
      );
    });

    it("rejects an integration tagged live or send, whatever the tag key's case or notation", async () => {
      for (const [tags, shown] of [
        [{ "parity:mode": "live" }, "parity:mode"],
        [{ Mode: "send" }, "Mode"],
        [{ "email-MODE": "live" }, "email-MODE"],
      ] as const) {
        const v = await rejected(mutate(staging, "integrations-payments-key", tagged(tags)), POLICY);
        const value = Object.values(tags)[0];
        expectFacts(v, [
          [
            "integrations-payments-key",
            new RegExp(
              `^\`integrations-payments-key\` \\(aws:secretsmanager/secret:Secret\\) is tagged \`${shown}\` = \`${value}\` in a non-production stack: the integration is live\\.`,
            ),
          ],
        ]);
      }
    });

    it("reads the resource's own tags, not the tags it hands to the tasks it starts", async () => {
      const nested = mutate(
        staging,
        "jobs-cleanup",
        (p) =>
          void (p.target = {
            ...(p.target as object),
            ecsParameters: {
              taskDefinitionArn: "arn:aws:ecs:us-east-1:210987654321:task-definition/parity-staging-worker:39",
              tags: { mode: "live" },
            },
          }),
      );
      assert.deepEqual(await rejected(nested, POLICY), []);
    });

    it("accepts simulated modes and tags that are not modes", async () => {
      for (const tags of [{ "parity:mode": "test" }, { "parity:model": "live" }, { "mode:owner": "send" }] as Record<
        string,
        string
      >[]) {
        assert.deepEqual(
          await rejected(mutate(staging, "integrations-payments-key", tagged(tags)), POLICY),
          [],
          JSON.stringify(tags),
        );
      }
    });

    it("rejects a live payment key in a secret, never showing it", async () => {
      for (const key of ["sk_live_51HxSECRETvalue", "rk_live_9ZSECRETvalue", '{"apiKey":"pk_live_Q1SECRETvalue"}']) {
        const v = await rejected(mutate(staging, "integrations-payments-key-value", secretString(key)), POLICY);
        expectFacts(v, [
          [
            "integrations-payments-key-value",
            /holds a live payment key \(`sk_live_…`, value not shown\) in a non-production stack\./,
          ],
        ]);
        assert.ok(!v[0].message.includes("SECRETvalue"), "the key was shown");
      }
    });

    it("takes a test key, or `_live_` inside another word, for what it is", async () => {
      for (const key of ["sk_test_51HxSECRETvalue", "desk_live_room", "sk_live_"]) {
        assert.deepEqual(
          await rejected(mutate(staging, "integrations-payments-key-value", secretString(key)), POLICY),
          [],
          key,
        );
      }
    });
  });

  describe("staging-no-production-data", () => {
    const POLICY = "staging-no-production-data";
    const restores: [string, unknown][] = [
      ["snapshotIdentifier", "arn:aws:rds:us-east-1:123456789012:snapshot:parity-production-nightly"],
      ["replicateSourceDb", "arn:aws:rds:us-east-1:123456789012:db:parity-production-db"],
      ["restoreToPointInTime", { sourceDbInstanceIdentifier: "parity-production-db", useLatestRestorableTime: true }],
      [
        "s3Import",
        {
          bucketName: "parity-production-dumps",
          ingestionRole: "arn:aws:iam::123456789012:role/import",
          sourceEngine: "postgres",
          sourceEngineVersion: "16",
        },
      ],
    ];

    for (const shape of SHAPES) {
      it(`rejects each way of copying another database into staging (${shape.name})`, async () => {
        for (const [prop, value] of restores) {
          const v = await shape.run(
            mutateDeclared(staging, "db-instance", (p) => void (p[prop] = value)),
            POLICY,
          );
          expectFacts(v, [
            [
              "db-instance",
              new RegExp(
                `^\`db-instance\` \\(aws:rds/instance:Instance\\) sets \`${prop}\` in a non-production stack: it would copy another database's data`,
              ),
            ],
          ]);
        }
      });
    }

    it("names every restore property a database sets", async () => {
      const v = await rejected(
        mutateDeclared(staging, "db-instance", (p) => void restores.forEach(([k, value]) => (p[k] = value))),
        POLICY,
      );
      assert.deepEqual(
        v.map((x) => /sets `(\w+)`/.exec(x.message)?.[1]),
        restores.map(([k]) => k),
      );
    });

    it("takes an empty value for no restore", async () => {
      for (const empty of [null, "", {}]) {
        assert.deepEqual(
          await rejected(
            mutateDeclared(staging, "db-instance", (p) => void (p.snapshotIdentifier = empty)),
            POLICY,
          ),
          [],
          JSON.stringify(empty),
        );
      }
    });

    it("leaves production's own restores alone", async () => {
      assert.deepEqual(
        await rejected(
          mutateDeclared(production, "db-instance", (p) => void (p.snapshotIdentifier = restores[0][1])),
          POLICY,
        ),
        [],
      );
    });
  });

  describe("production-data-protected", () => {
    const POLICY = "production-data-protected";

    it("leaves staging's unprotected data alone (it is rebuilt at will)", async () => {
      const db = staging.resources.find((r) => r.name === "db-instance");
      assert.equal(db?.inputs.deletionProtection, false);
      assert.deepEqual(
        await rejected(
          mutate(staging, "uploads-bucket", (_p, r) => void (r.options.protect = false)),
          POLICY,
        ),
        [],
      );
    });

    for (const shape of SHAPES) {
      it(`rejects a production database without deletion protection, final snapshot or backups (${shape.name})`, async () => {
        const v = await shape.run(
          mutate(production, "db-instance", (p) => {
            p.deletionProtection = false;
            p.skipFinalSnapshot = true;
            p.backupRetentionPeriod = 3;
          }),
          POLICY,
        );
        expectFacts(v, [
          [
            "db-instance",
            /^`db-instance` \(aws:rds\/instance:Instance\) has `deletionProtection` false in production: one mistaken delete drops the database\./,
          ],
          [
            "db-instance",
            /has `skipFinalSnapshot: true` in production: a delete or replacement leaves no snapshot behind\./,
          ],
          [
            "db-instance",
            /keeps 3 days of backups in production; at least 7 are required\. Fix: `pulumi config set dbBackupRetentionDays 7`/,
          ],
        ]);
      });
    }

    it("shows an unset protection and backup setting as unset", async () => {
      const v = await rejected(
        mutate(production, "db-instance", (p) => void (delete p.deletionProtection, delete p.backupRetentionPeriod)),
        POLICY,
      );
      expectFacts(v, [
        ["db-instance", /has `deletionProtection` "unset" in production/],
        ["db-instance", /keeps "no" days of backups in production; at least 7/],
      ]);
    });

    it("holds backups to its configured minimum, which the minimum itself meets", async () => {
      assert.deepEqual(
        await rejected(
          mutate(production, "db-instance", (p) => void (p.backupRetentionPeriod = 7)),
          POLICY,
        ),
        [],
      );
      assert.deepEqual(await rejected(production, POLICY, { [POLICY]: { minBackupRetentionDays: 14 } }), []);
      const v = await rejected(production, POLICY, { [POLICY]: { minBackupRetentionDays: 15 } });
      expectFacts(v, [
        [
          "db-instance",
          /keeps 14 days of backups in production; at least 15 are required\. Fix: `pulumi config set dbBackupRetentionDays 15`/,
        ],
      ]);
      const text = await rejected(
        mutate(production, "db-instance", (p) => void (p.backupRetentionPeriod = "14")),
        POLICY,
      );
      expectFacts(text, [["db-instance", /keeps "14" days of backups/]]);
      assert.deepEqual(
        await rejected(
          mutate(production, "db-instance", (p) => void (p.backupRetentionPeriod = UNKNOWN)),
          POLICY,
        ),
        [],
      );
    });

    it("rejects each stateful resource production does not `protect`", async () => {
      for (const [name, type] of [
        ["db-instance", "aws:rds/instance:Instance"],
        ["auth-users", "aws:cognito/userPool:UserPool"],
        ["uploads-bucket", "aws:s3/bucket:Bucket"],
        ["data-key", "aws:kms/key:Key"],
      ]) {
        const v = await rejected(
          mutate(production, name, (_p, r) => void (r.options.protect = false)),
          POLICY,
        );
        expectFacts(v, [
          [
            name,
            new RegExp(
              `^\`${name}\` \\(${type.replace(/[/$]/g, "\\$&")}\\) is not \`protect\`ed in production: \`pulumi destroy\``,
            ),
          ],
        ]);
      }
      assert.deepEqual(
        await rejected(
          mutate(production, "jobs-jobs", (_p, r) => void (r.options.protect = false)),
          POLICY,
        ),
        [],
        "a queue holds no data to protect",
      );
    });

    it("holds a BucketV2 as a Bucket: protected and versioned", async () => {
      const v2 = retyped(production, "uploads-bucket", "aws:s3/bucketV2:BucketV2");
      assert.deepEqual(await rejected(v2, POLICY), []);
      const v = await rejected(
        mutate(without(v2, "uploads-versioning"), "uploads-bucket", (_p, r) => void (r.options.protect = false)),
        POLICY,
      );
      expectFacts(v, [
        ["uploads-bucket", /^`uploads-bucket` \(aws:s3\/bucketV2:BucketV2\) is not `protect`ed in production/],
        [
          "uploads-bucket",
          /^`uploads-bucket` \(aws:s3\/bucketV2:BucketV2\) has no BucketVersioning with status `Enabled` in production/,
        ],
      ]);
    });

    it("rejects a production bucket whose versioning is missing or suspended", async () => {
      expectFacts(await rejected(without(production, "uploads-versioning"), POLICY), [
        [
          "uploads-bucket",
          /^`uploads-bucket` \(aws:s3\/bucket:Bucket\) has no BucketVersioning with status `Enabled` in production: an overwrite or delete loses the object for good\./,
        ],
      ]);
      const suspended = mutate(
        production,
        "uploads-versioning",
        (p) => void (p.versioningConfiguration = { status: "Suspended" }),
      );
      expectFacts(await rejected(suspended, POLICY), [
        ["uploads-bucket", /has no BucketVersioning with status `Enabled`/],
      ]);
    });

    it("finds a bucket's versioning by dependency, or by the bucket's name in deployed state", async () => {
      const byName = withoutDependencies(production, "uploads-versioning");
      assert.deepEqual(await rejected(byName, POLICY), []);
      // Versioning that names another bucket versions that one, not this.
      const elsewhere = mutate(
        byName,
        "uploads-versioning",
        (p) => void (p.bucket = p.id = "parity-production-other-123456789012"),
      );
      expectFacts(await rejected(elsewhere, POLICY), [["uploads-bucket", /has no BucketVersioning/]]);
      // Named by nothing in its values, it is linked by either kind of dependency alone.
      const unnamed = mutate(production, "uploads-versioning", (p) => void (p.bucket = p.id = "renamed"));
      const byProperty = mutate(
        unnamed,
        "uploads-versioning",
        (_p, r) =>
          void (
            (r.dependencies = []),
            (r.propertyDependencies = { bucket: [urnOf(production, "data-key"), urnOf(production, "uploads-bucket")] })
          ),
      );
      assert.deepEqual(await rejected(byProperty, POLICY), [], "by property dependency, among others");
      assert.deepEqual(
        await rejected(
          mutate(unnamed, "uploads-versioning", (_p, r) => void (r.propertyDependencies = {})),
          POLICY,
        ),
        [],
        "by dependency",
      );
      expectFacts(await rejected(withoutDependencies(unnamed, "uploads-versioning"), POLICY), [
        ["uploads-bucket", /has no BucketVersioning/],
      ]);
    });

    it("does not take an unknown bucket name for a link", async () => {
      const unknown = mutate(
        withoutDependencies(production, "uploads-versioning"),
        "uploads-bucket",
        (p) => void ((p.bucket = UNKNOWN), (p.id = UNKNOWN), (p.arn = UNKNOWN)),
      );
      const v = await rejected(
        mutate(unknown, "uploads-versioning", (p) => void (p.bucket = UNKNOWN)),
        POLICY,
      );
      expectFacts(v, [["uploads-bucket", /has no BucketVersioning/]]);
    });
  });

  describe("queue-retry-rules", () => {
    const POLICY = "queue-retry-rules";
    const redrive = (change: (r: Record<string, unknown>) => void) => (p: Record<string, unknown>) => {
      const r = JSON.parse(String(p.redrivePolicy)) as Record<string, unknown>;
      change(r);
      p.redrivePolicy = JSON.stringify(r);
    };

    for (const shape of SHAPES) {
      it(`rejects a queue without a dead-letter queue or an explicit visibility timeout (${shape.name})`, async () => {
        const v = await shape.run(
          mutate(staging, "jobs-mail", (p) => void (delete p.redrivePolicy, delete p.visibilityTimeoutSeconds)),
          POLICY,
        );
        expectFacts(v, [
          [
            "jobs-mail",
            /^`jobs-mail` \(aws:sqs\/queue:Queue\) has no dead-letter queue: a job that keeps failing is retried until it expires and then silently lost\./,
          ],
          [
            "jobs-mail",
            /^`jobs-mail` \(aws:sqs\/queue:Queue\) has no explicit `visibilityTimeoutSeconds`: SQS's 30 s default/,
          ],
        ]);
      });
    }

    it("rejects a redrive policy without a target, and too few receives", async () => {
      expectFacts(
        await rejected(
          mutate(
            staging,
            "jobs-jobs",
            redrive((r) => void (r.deadLetterTargetArn = "")),
          ),
          POLICY,
        ),
        [["jobs-jobs", /has no dead-letter queue/]],
      );
      expectFacts(
        await rejected(
          mutate(
            staging,
            "jobs-jobs",
            redrive((r) => void (r.maxReceiveCount = 2)),
          ),
          POLICY,
        ),
        [["jobs-jobs", /moves a message to its dead-letter queue after 2 receive\(s\); at least 3 are required/]],
      );
      assert.deepEqual(
        await rejected(
          mutate(
            staging,
            "jobs-jobs",
            redrive((r) => void (r.maxReceiveCount = 3)),
          ),
          POLICY,
        ),
        [],
        "the minimum itself passes",
      );
      assert.deepEqual(
        await rejected(
          mutate(
            staging,
            "jobs-jobs",
            redrive((r) => void (r.maxReceiveCount = "1")),
          ),
          POLICY,
        ),
        [],
        "a count it cannot read is stack-parity's",
      );
    });

    it("takes its minimum from config", async () => {
      assert.deepEqual(await rejected(staging, POLICY, { [POLICY]: { minMaxReceiveCount: 5 } }), []);
      const v = await rejected(staging, POLICY, { [POLICY]: { minMaxReceiveCount: 6 } });
      expectFacts(v, [
        ["jobs-jobs", /after 5 receive\(s\); at least 6 are required/],
        ["jobs-mail", /after 5 receive\(s\); at least 6/],
      ]);
    });

    it("accepts a zero visibility timeout (explicit) and a redrive policy unknown until deployment", async () => {
      assert.deepEqual(
        await rejected(
          mutate(staging, "jobs-jobs", (p) => void (p.visibilityTimeoutSeconds = 0)),
          POLICY,
        ),
        [],
      );
      assert.deepEqual(
        await rejected(
          mutate(staging, "jobs-jobs", (p) => void ((p.redrivePolicy = UNKNOWN), (p.visibilityTimeoutSeconds = null))),
          POLICY,
        ),
        [],
      );
      expectFacts(
        await rejected(
          mutate(staging, "jobs-jobs", (p) => void (p.visibilityTimeoutSeconds = null)),
          POLICY,
        ),
        [["jobs-jobs", /no explicit `visibilityTimeoutSeconds`/]],
      );
    });

    it("knows a renamed dead-letter queue by the queue whose redrivePolicy targets its ARN alone", async () => {
      const renamed = without(
        mutate(staging, "jobs-jobs-dlq", (p) => void (p.name = "parity-staging-jobs-failed")),
        "jobs-jobs-dlq-sources",
      );
      assert.deepEqual(await rejected(renamed, POLICY), []);
      const untargeted = mutate(
        renamed,
        "jobs-jobs",
        (p) => void (p.redrivePolicy = JSON.stringify({ deadLetterTargetArn: 42, maxReceiveCount: 5 })),
      );
      expectFacts(await rejected(untargeted, POLICY), [["jobs-jobs-dlq", /has no dead-letter queue/]]);
    });

    it("takes no queue policy for a redrive-allow policy, and no policy that names no queue for one that names this", async () => {
      const noDlq = mutate(staging, "jobs-mail", (p) => void delete p.redrivePolicy);
      const url = outputOf(staging, "jobs-mail", "url");
      const withPolicy = withResource(
        noDlq,
        "jobs-mail",
        "aws:sqs/queuePolicy:QueuePolicy",
        "jobs-mail-policy",
        { queueUrl: url, policy: "{}" },
        { queueUrl: [urnOf(staging, "jobs-mail")] },
      );
      expectFacts(await rejected(withPolicy, POLICY), [["jobs-mail", /has no dead-letter queue/]]);
      const orphan = without(
        mutate(staging, "jobs-jobs-dlq", (p) => void ((p.name = "parity-staging-jobs-failed"), delete p.url)),
        "jobs-jobs-dlq-sources",
      );
      const loose = withResource(
        mutate(orphan, "jobs-jobs", (p) => void delete p.redrivePolicy),
        "jobs-jobs",
        "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
        "jobs-loose",
        { redriveAllowPolicy: '{"redrivePermission":"allowAll"}' },
      );
      expectFacts(await rejected(loose, POLICY), [
        ["jobs-jobs-dlq", /has no dead-letter queue/],
        ["jobs-jobs", /has no dead-letter queue/],
      ]);
    });

    it("knows a dead-letter queue by a queue that targets it, its redrive-allow policy, or its name", async () => {
      // Renamed, a DLQ is still known by the queue whose redrivePolicy targets its ARN...
      const renamed = mutate(staging, "jobs-jobs-dlq", (p) => void (p.name = "parity-staging-jobs-failed"));
      assert.deepEqual(await rejected(renamed, POLICY), []);
      // ...or, with no queue targeting it, by the redrive-allow policy on its URL (by dependency or by value)...
      const untargeted = without(
        mutate(
          renamed,
          "jobs-jobs",
          (p) =>
            void (p.redrivePolicy = JSON.stringify({
              deadLetterTargetArn: "arn:aws:sqs:us-east-1:210987654321:parity-staging-mail-dlq",
              maxReceiveCount: 5,
            })),
        ),
        "jobs-jobs-dlq-sources",
      );
      expectFacts(await rejected(untargeted, POLICY), [
        ["jobs-jobs-dlq", /^`jobs-jobs-dlq` \(aws:sqs\/queue:Queue\) has no dead-letter queue/],
      ]);
      const allowed = mutate(
        renamed,
        "jobs-jobs",
        (p) =>
          void (p.redrivePolicy = JSON.stringify({
            deadLetterTargetArn: "arn:aws:sqs:us-east-1:210987654321:parity-staging-mail-dlq",
            maxReceiveCount: 5,
          })),
      );
      assert.deepEqual(await rejected(allowed, POLICY), [], "by the redrive-allow policy's dependency on the queue");
      assert.deepEqual(
        await rejected(withoutDependencies(allowed, "jobs-jobs-dlq-sources"), POLICY),
        [],
        "by the queue URL it names",
      );
      const unknownUrl = mutate(allowed, "jobs-jobs-dlq-sources", (p) => void (p.queueUrl = UNKNOWN));
      assert.deepEqual(await rejected(unknownUrl, POLICY), [], "by dependency while the URL is unknown");
      const otherUrl = mutate(
        withoutDependencies(allowed, "jobs-jobs-dlq-sources"),
        "jobs-jobs-dlq-sources",
        (p) => void (p.queueUrl = "https://sqs.us-east-1.amazonaws.com/210987654321/other"),
      );
      expectFacts(await rejected(otherUrl, POLICY), [["jobs-jobs-dlq", /has no dead-letter queue/]]);
      // ...or, linked by nothing, by a DLQ's name (its `name`, else its logical name).
      for (const name of [
        "parity-staging-jobs-dlq",
        "parity-staging-jobs-dead-letter",
        "parity-staging-jobs-dlq.fifo",
      ]) {
        assert.deepEqual(
          await rejected(
            mutate(untargeted, "jobs-jobs-dlq", (p) => void (p.name = name)),
            POLICY,
          ),
          [],
          name,
        );
      }
      assert.deepEqual(
        await rejected(
          mutate(untargeted, "jobs-jobs-dlq", (p) => void delete p.name),
          POLICY,
        ),
        [],
        "by its logical name jobs-jobs-dlq",
      );
      expectFacts(
        await rejected(
          mutate(untargeted, "jobs-jobs-dlq", (p) => void (p.name = "parity-staging-jobs-dlq-archive")),
          POLICY,
        ),
        [["jobs-jobs-dlq", /no dead-letter/]],
      );
    });
  });

  describe("schedule-timezone", () => {
    const POLICY = "schedule-timezone";

    for (const shape of SHAPES) {
      it(`rejects a schedule without an explicit timezone (${shape.name})`, async () => {
        for (const empty of [undefined, ""]) {
          const v = await shape.run(
            mutateDeclared(staging, "jobs-cleanup", (p) => void (p.scheduleExpressionTimezone = empty)),
            POLICY,
          );
          expectFacts(v, [
            [
              "jobs-cleanup",
              /^`jobs-cleanup` \(aws:scheduler\/schedule:Schedule\) has no `scheduleExpressionTimezone`: its cron runs in UTC by default/,
            ],
          ]);
        }
      });
    }

    it("accepts a timezone unknown until deployment", async () => {
      assert.deepEqual(
        await rejected(
          mutateDeclared(staging, "jobs-cleanup", (p) => void (p.scheduleExpressionTimezone = UNKNOWN)),
          POLICY,
        ),
        [],
      );
    });
  });

  describe("no-reset-in-production", () => {
    const POLICY = "no-reset-in-production";
    const reset = (token: unknown) => (p: Record<string, unknown>) => void (p.keepers = { resetToken: token });

    for (const shape of SHAPES) {
      it(`rejects a reset token in production (${shape.name})`, async () => {
        const v = await shape.run(mutate(production, "db-reset", reset("2026-11-01")), POLICY);
        expectFacts(v, [
          [
            "db-reset",
            /^`db-reset` \(random:index\/randomId:RandomId\) carries a database reset token in production: changing it replaces the database and destroys every row\./,
          ],
        ]);
      });
    }

    it("rejects a token of any kind, a number too", async () => {
      expectFacts(await rejected(mutate(production, "db-reset", reset(20261101)), POLICY), [
        ["db-reset", /carries a database reset token in production/],
      ]);
    });

    it("accepts staging's token, production's empty one and one unknown until deployment", async () => {
      assert.equal(
        (staging.resources.find((r) => r.name === "db-reset")?.inputs.keepers as { resetToken?: string }).resetToken,
        "2026-11-01",
      );
      for (const token of ["", UNKNOWN])
        assert.deepEqual(await rejected(mutate(production, "db-reset", reset(token)), POLICY), [], String(token));
      assert.deepEqual(
        await rejected(
          mutate(production, "db-reset", (p) => void delete p.keepers),
          POLICY,
        ),
        [],
      );
    });
  });
});
