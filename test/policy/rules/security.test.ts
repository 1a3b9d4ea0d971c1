import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { DEFAULT_LOCK_FILE } from "../../../policy/engine/lock";
import { type StackSnapshot, UNKNOWN } from "../../../tools/simulator/snapshot";
import { bothSnapshots, changeContainers, mutate, mutateDeclared } from "../harness";
import { narrow } from "../../support/rule-harness";
import { addStatement, outputOf, retyped, urnOf, withResource, without, withoutDependencies } from "../snapshot-edits";
import { projectTempFile } from "../temp-file";
import { expectFacts, rejected, SHAPES } from "./reported";

/**
 * policy/security.ts in process: each rule passes the real stacks (a preview and a deployed stack's
 * state) and rejects one change per branch of its logic, naming the resource and the facts.
 */

const PRODUCTION_ACCOUNT = "123456789012";

describe("security rules (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  const policyDoc = (statements: unknown) => (p: Record<string, unknown>) =>
    void (p.policy = JSON.stringify({ Version: "2012-10-17", Statement: statements }));
  const firstStatement = (change: (s: Record<string, unknown>) => void) => (p: Record<string, unknown>) => {
    const doc = JSON.parse(String(p.policy)) as { Statement: Record<string, unknown>[] };
    change(doc.Statement[0]);
    p.policy = JSON.stringify(doc);
  };

  for (const shape of SHAPES) {
    describe(`the real stacks pass (${shape.name})`, () => {
      for (const policy of [
        "encryption-at-rest",
        "encryption-in-transit",
        "no-public-data",
        "least-privilege-iam",
        "auth-hardening",
        "no-shared-credentials",
        "no-master-secret-in-services",
      ]) {
        it(policy, async () => {
          for (const s of [staging, production]) assert.deepEqual(await shape.run(s, policy), [], s.stack);
        });
      }
    });
  }

  describe("encryption-at-rest", () => {
    const POLICY = "encryption-at-rest";

    for (const shape of SHAPES) {
      it(`rejects each kind of resource left unencrypted (${shape.name})`, async () => {
        let s = mutate(staging, "db-instance", (p) => void (p.storageEncrypted = false));
        s = mutate(s, "jobs-jobs", (p) => void ((p.sqsManagedSseEnabled = false), delete p.kmsMasterKeyId));
        s = mutate(s, "db-master", (p) => void delete p.kmsKeyId);
        s = mutate(s, "app-web-logs", (p) => void delete p.kmsKeyId);
        s = without(s, "uploads-encryption");
        expectFacts(await shape.run(s, POLICY), [
          [
            "uploads-bucket",
            /^`uploads-bucket` \(aws:s3\/bucket:Bucket\) has no server-side encryption configuration\./,
          ],
          [
            "db-master",
            /^`db-master` \(aws:secretsmanager\/secret:Secret\) has no `kmsKeyId`: it is encrypted with the account's shared default key/,
          ],
          ["jobs-jobs", /^`jobs-jobs` \(aws:sqs\/queue:Queue\) is not encrypted at rest\./],
          ["app-web-logs", /^`app-web-logs` \(aws:cloudwatch\/logGroup:LogGroup\) has no `kmsKeyId`: the app's logs/],
          [
            "db-instance",
            /^`db-instance` \(aws:rds\/instance:Instance\) has `storageEncrypted` false: the database's disks and snapshots are readable/,
          ],
        ]);
      });
    }

    it("shows an unset storageEncrypted as unset, and takes a queue's own KMS key for encryption", async () => {
      expectFacts(
        await rejected(
          mutate(staging, "db-instance", (p) => void delete p.storageEncrypted),
          POLICY,
        ),
        [["db-instance", /has `storageEncrypted` "unset"/]],
      );
      const keyed = mutate(
        staging,
        "jobs-jobs",
        (p) => void ((p.sqsManagedSseEnabled = false), (p.kmsMasterKeyId = outputOf(staging, "data-key", "arn"))),
      );
      assert.deepEqual(await rejected(keyed, POLICY), []);
    });

    it("takes an encryption configuration for a BucketV2 too, and rejects one without", async () => {
      const v2 = retyped(staging, "uploads-bucket", "aws:s3/bucketV2:BucketV2");
      assert.deepEqual(await rejected(v2, POLICY), []);
      expectFacts(await rejected(without(v2, "uploads-encryption"), POLICY), [
        ["uploads-bucket", /^`uploads-bucket` \(aws:s3\/bucketV2:BucketV2\) has no server-side encryption/],
      ]);
    });
  });

  describe("encryption-in-transit", () => {
    const POLICY = "encryption-in-transit";
    const forceSsl = (value: string | undefined) => (p: Record<string, unknown>) => {
      const params = (p.parameters as { name: string; value: string }[]).filter((x) => x.name !== "rds.force_ssl");
      p.parameters =
        value === undefined ? params : [...params, { applyMethod: "immediate", name: "rds.force_ssl", value }];
    };

    for (const shape of SHAPES) {
      it(`rejects a database, listeners and a bucket that allow plain text (${shape.name})`, async () => {
        let s = mutate(staging, "db-params", forceSsl("0"));
        s = mutate(s, "web-https", (p) => void (p.sslPolicy = "ELBSecurityPolicy-2016-08"));
        s = mutate(
          s,
          "web-http",
          (p) =>
            void (p.defaultActions = [{ type: "forward", targetGroupArn: outputOf(staging, "web-targets", "arn") }]),
        );
        s = mutate(
          s,
          "uploads-policy",
          firstStatement((st) => void (st.Effect = "Allow")),
        );
        expectFacts(await shape.run(s, POLICY), [
          [
            "db-params",
            /^`db-params` \(aws:rds\/parameterGroup:ParameterGroup\) has `rds\.force_ssl` = "0": clients may connect without TLS/,
          ],
          [
            "uploads-bucket",
            /^`uploads-bucket` \(aws:s3\/bucket:Bucket\) accepts requests without TLS: no bucket policy denies `aws:SecureTransport` = false\./,
          ],
          ["web-http", /^`web-http` \(aws:lb\/listener:Listener\) serves plain HTTP instead of redirecting to HTTPS/],
          [
            "web-https",
            /^`web-https` \(aws:lb\/listener:Listener\) uses SSL policy "ELBSecurityPolicy-2016-08", which allows old TLS versions\. Fix: `sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06"`/,
          ],
        ]);
      });
    }

    it("shows a missing force_ssl as unset, with or without a parameter list, and leaves other engines alone", async () => {
      expectFacts(await rejected(mutate(staging, "db-params", forceSsl(undefined)), POLICY), [
        ["db-params", /has `rds\.force_ssl` = "unset"/],
      ]);
      expectFacts(
        await rejected(
          mutate(staging, "db-params", (p) => void delete p.parameters),
          POLICY,
        ),
        [["db-params", /has `rds\.force_ssl` = "unset"/]],
      );
      for (const family of ["mysql8.0", undefined]) {
        assert.deepEqual(
          await rejected(
            mutate(staging, "db-params", (p) => void (forceSsl("0")(p), (p.family = family))),
            POLICY,
          ),
          [],
          String(family),
        );
      }
    });

    it("takes the allowed TLS policies from config, and names the first as the fix", async () => {
      const config = {
        [POLICY]: { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-2016-08"] },
      };
      assert.deepEqual(
        await rejected(
          mutate(staging, "web-https", (p) => void (p.sslPolicy = "ELBSecurityPolicy-2016-08")),
          POLICY,
          config,
        ),
        [],
      );
      expectFacts(await rejected(staging, POLICY, config), [
        [
          "web-https",
          /uses SSL policy "ELBSecurityPolicy-TLS13-1-2-2021-06", .* `sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06"`/,
        ],
      ]);
      expectFacts(
        await rejected(
          mutate(staging, "web-https", (p) => void delete p.sslPolicy),
          POLICY,
        ),
        [["web-https", /uses SSL policy "default"/]],
      );
    });

    it("asks an HTTP listener to redirect to HTTPS, and nothing of other protocols", async () => {
      const redirect = (to: string) => (p: Record<string, unknown>) =>
        void (p.defaultActions = [
          { type: "redirect", redirect: { port: "443", protocol: to, statusCode: "HTTP_301" } },
        ]);
      expectFacts(await rejected(mutate(staging, "web-http", redirect("HTTP")), POLICY), [
        ["web-http", /serves plain HTTP/],
      ]);
      expectFacts(
        await rejected(
          mutate(staging, "web-http", (p) => void delete p.defaultActions),
          POLICY,
        ),
        [["web-http", /serves plain HTTP/]],
      );
      expectFacts(
        await rejected(
          mutate(staging, "web-http", (p) => void (p.defaultActions = [{ type: "redirect" }])),
          POLICY,
        ),
        [["web-http", /serves plain HTTP/]],
      );
      const forwardRedirect = (p: Record<string, unknown>) =>
        void (p.defaultActions = [{ type: "forward", redirect: { protocol: "HTTPS" } }]);
      expectFacts(await rejected(mutate(staging, "web-http", forwardRedirect), POLICY), [
        ["web-http", /serves plain HTTP/],
      ]);
      const other = (protocol: string | undefined) => (p: Record<string, unknown>) =>
        void (
          (p.protocol = protocol),
          (p.defaultActions = [{ type: "forward" }]),
          (p.sslPolicy = "ELBSecurityPolicy-2016-08")
        );
      for (const protocol of ["TCP", undefined])
        assert.deepEqual(await rejected(mutate(staging, "web-http", other(protocol)), POLICY), [], String(protocol));
    });

    it("takes a single Deny statement on SecureTransport false (a string or a boolean) for a TLS-only bucket", async () => {
      const deny = {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: "*",
        Condition: { Bool: { "aws:SecureTransport": false } },
      };
      assert.deepEqual(await rejected(mutate(staging, "uploads-policy", policyDoc(deny)), POLICY), []);
      for (const secure of ["true", true, undefined]) {
        const v = await rejected(
          mutate(
            staging,
            "uploads-policy",
            policyDoc([{ ...deny, Condition: { Bool: { "aws:SecureTransport": secure } } }]),
          ),
          POLICY,
        );
        expectFacts(v, [["uploads-bucket", /accepts requests without TLS/]]);
      }
      expectFacts(
        await rejected(
          mutate(staging, "uploads-policy", (p) => void (p.policy = "{}")),
          POLICY,
        ),
        [["uploads-bucket", /accepts requests without TLS/]],
      );
      expectFacts(
        await rejected(
          mutate(staging, "uploads-policy", (p) => void delete p.policy),
          POLICY,
        ),
        [["uploads-bucket", /accepts requests without TLS/]],
      );
      // The Deny may come after statements with other conditions, or none.
      const allow = {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::210987654321:root" },
        Action: "s3:GetObject",
        Resource: "*",
      };
      const later = [
        allow,
        { ...allow, Condition: { StringEquals: { "aws:SourceAccount": "210987654321" } } },
        { ...deny, Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ];
      assert.deepEqual(await rejected(mutate(staging, "uploads-policy", policyDoc(later)), POLICY), []);
      expectFacts(await rejected(without(staging, "uploads-policy"), POLICY), [
        ["uploads-bucket", /accepts requests without TLS/],
      ]);
    });

    it("takes only a bucket policy's Deny for the bucket's, not an IAM policy's that names the bucket", async () => {
      const denyInIam = mutate(
        staging,
        "app-task-policy",
        addStatement({
          Effect: "Deny",
          Action: "s3:*",
          Resource: `${outputOf(staging, "uploads-bucket", "arn")}/*`,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      );
      const s = mutate(
        denyInIam,
        "uploads-policy",
        firstStatement((st) => void (st.Effect = "Allow")),
      );
      expectFacts(await rejected(s, POLICY), [["uploads-bucket", /accepts requests without TLS/]]);
    });

    it("leaves a bucket whose policy is unknown until deployment for the update to judge", async () => {
      assert.deepEqual(
        await rejected(
          mutate(staging, "uploads-policy", (p) => void (p.policy = UNKNOWN)),
          POLICY,
        ),
        [],
      );
    });
  });

  describe("no-public-data", () => {
    const POLICY = "no-public-data";

    for (const shape of SHAPES) {
      it(`rejects a public database, a public ACL and a bucket that does not block public access (${shape.name})`, async () => {
        let s = mutate(staging, "db-instance", (p) => void (p.publiclyAccessible = true));
        s = mutate(s, "integrations-outbox-bucket", (p) => void (p.acl = "public-read"));
        s = mutate(
          s,
          "uploads-public-access",
          (p) => void ((p.blockPublicPolicy = false), delete p.restrictPublicBuckets),
        );
        expectFacts(await shape.run(s, POLICY), [
          [
            "uploads-bucket",
            /^`uploads-bucket` \(aws:s3\/bucket:Bucket\) does not block public access \(`blockPublicPolicy`, `restrictPublicBuckets` not true\)/,
          ],
          [
            "integrations-outbox-bucket",
            /^`integrations-outbox-bucket` \(aws:s3\/bucket:Bucket\) has the public ACL `public-read`\./,
          ],
          [
            "db-instance",
            /^`db-instance` \(aws:rds\/instance:Instance\) is `publiclyAccessible`: it gets a public address/,
          ],
        ]);
      });
    }

    it("rejects every public ACL, on a bucket or a BucketAcl, and accepts a private one", async () => {
      for (const acl of ["public-read-write", "authenticated-read"]) {
        expectFacts(
          await rejected(
            mutate(staging, "uploads-bucket", (p) => void (p.acl = acl)),
            POLICY,
          ),
          [["uploads-bucket", new RegExp(`has the public ACL \`${acl}\``)]],
        );
      }
      assert.deepEqual(
        await rejected(
          mutate(staging, "uploads-bucket", (p) => void (p.acl = "private")),
          POLICY,
        ),
        [],
      );
      const bucket = outputOf(staging, "uploads-bucket", "bucket");
      const acl = withResource(
        staging,
        "uploads-ownership",
        "aws:s3/bucketAcl:BucketAcl",
        "uploads-acl",
        { bucket, acl: "public-read" },
        { bucket: [urnOf(staging, "uploads-bucket")] },
      );
      expectFacts(await rejected(acl, POLICY), [
        ["uploads-acl", /^`uploads-acl` \(aws:s3\/bucketAcl:BucketAcl\) has the public ACL `public-read`/],
      ]);
      assert.deepEqual(
        await rejected(
          mutate(staging, "uploads-ownership", (p) => void (p.acl = "public-read")),
          POLICY,
        ),
        [],
        "an ACL property elsewhere is not a bucket's",
      );
    });

    it("lists all four settings for a bucket with no public access block, a BucketV2 too", async () => {
      const v2 = retyped(staging, "uploads-bucket", "aws:s3/bucketV2:BucketV2");
      assert.deepEqual(await rejected(v2, POLICY), []);
      expectFacts(await rejected(without(v2, "uploads-public-access"), POLICY), [
        [
          "uploads-bucket",
          /^`uploads-bucket` \(aws:s3\/bucketV2:BucketV2\) does not block public access \(`blockPublicAcls`, `blockPublicPolicy`, `ignorePublicAcls`, `restrictPublicBuckets` not true\)/,
        ],
      ]);
    });
  });

  describe("least-privilege-iam", () => {
    const POLICY = "least-privilege-iam";

    for (const shape of SHAPES) {
      it(`rejects every action, and data-service actions on every resource (${shape.name})`, async () => {
        const s = mutate(staging, "app-task-policy", (p) => {
          firstStatement((st) => void (st.Action = "*"))(p);
          addStatement({ Effect: "Allow", Action: ["sqs:SendMessage", "logs:PutLogEvents"], Resource: "*" })(p);
        });
        expectFacts(await shape.run(s, POLICY), [
          [
            "app-task-policy",
            /^`app-task-policy` \(aws:iam\/rolePolicy:RolePolicy\) `policy` statement 1 allows every action \(`\*`\)\./,
          ],
          [
            "app-task-policy",
            /^`app-task-policy` \(aws:iam\/rolePolicy:RolePolicy\) `policy` statement \d+ allows `sqs:SendMessage` on `\*` \(every resource of the account\)\./,
          ],
        ]);
      });
    }

    it("rejects NotAction, and leaves Deny statements alone", async () => {
      expectFacts(
        await rejected(
          mutate(
            staging,
            "app-task-policy",
            firstStatement((st) => void ((st.NotAction = "iam:*"), delete st.Action)),
          ),
          POLICY,
        ),
        [["app-task-policy", /statement 1 allows every action \(`NotAction`\)/]],
      );
      assert.deepEqual(
        await rejected(
          mutate(staging, "app-task-policy", addStatement({ Effect: "Deny", Action: "*", Resource: "*" })),
          POLICY,
        ),
        [],
      );
    });

    it("rejects wildcard actions on a data service, whatever their case, and not on others", async () => {
      const v = await rejected(
        mutate(
          staging,
          "app-task-policy",
          firstStatement((st) => void (st.Action = ["s3:Get*", "SQS:*", "s3:GetObject", "logs:*", "ecr:Get*"])),
        ),
        POLICY,
      );
      expectFacts(v, [
        ["app-task-policy", /statement 1 allows wildcard actions on a data service \(`s3:Get\*`, `SQS:\*`\)\./],
      ]);
      const resourceWide = await rejected(
        mutate(
          staging,
          "app-task-policy",
          firstStatement(
            (st) => void ((st.Action = ["S3:GetObject", "sqs:SendMessage"]), (st.Resource = ["arn:aws:s3:::x/*", "*"])),
          ),
        ),
        POLICY,
      );
      expectFacts(resourceWide, [["app-task-policy", /statement 1 allows `S3:GetObject`, `sqs:SendMessage` on `\*`/]]);
    });

    it("takes the data services from config", async () => {
      const s = mutate(
        staging,
        "app-task-policy",
        addStatement({
          Effect: "Allow",
          Action: ["logs:*", "s3:*"],
          Resource: "arn:aws:logs:us-east-1:210987654321:log-group:/parity-staging/*",
        }),
      );
      expectFacts(await rejected(s, POLICY), [
        ["app-task-policy", /allows wildcard actions on a data service \(`s3:\*`\)/],
      ]);
      expectFacts(await rejected(s, POLICY, { [POLICY]: { dataServices: ["logs"] } }), [
        ["app-task-policy", /allows wildcard actions on a data service \(`logs:\*`\)/],
      ]);
    });

    it("reads a single statement, a customer managed or user policy, and a role's inline policies", async () => {
      const wide = { Effect: "Allow", Action: "kms:*", Resource: "*" };
      let s = mutate(staging, "app-task-policy", policyDoc(wide));
      s = withResource(s, "app-task", "aws:iam/policy:Policy", "ops-policy", {
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [wide] }),
      });
      s = withResource(s, "app-task", "aws:iam/userPolicy:UserPolicy", "ops-user-policy", {
        user: "ops",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [wide] }),
      });
      s = mutate(
        s,
        "app-execution",
        (p) =>
          void (p.inlinePolicies = [
            { name: "ops", policy: JSON.stringify({ Statement: wide }) },
            { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*" }] }) },
          ]),
        "aws:iam/role:Role",
      );
      const v = await rejected(s, POLICY);
      const where = v.map((x) =>
        /^`([^`]+)` \([^)]+\) `([^`]+)` statement (\d+) allows (every action|wildcard|`kms:\*` on)/
          .exec(x.message.split("\n").pop() as string)
          ?.slice(1)
          .join(" "),
      );
      assert.deepEqual(where, [
        "app-execution inlinePolicies[ops].policy 1 wildcard",
        "app-execution inlinePolicies[ops].policy 1 `kms:*` on",
        "app-execution inlinePolicies[1].policy 1 every action",
        "app-task-policy policy 1 wildcard",
        "app-task-policy policy 1 `kms:*` on",
        "ops-policy policy 1 wildcard",
        "ops-policy policy 1 `kms:*` on",
        "ops-user-policy policy 1 wildcard",
        "ops-user-policy policy 1 `kms:*` on",
      ]);
    });

    it("reads no document where there is none: an empty policy, a role without inline policies, a group policy", async () => {
      assert.deepEqual(
        await rejected(
          mutate(staging, "app-task-policy", (p) => void (p.policy = JSON.stringify({ Version: "2012-10-17" }))),
          POLICY,
        ),
        [],
      );
      assert.deepEqual(
        await rejected(
          mutate(staging, "app-task-policy", (p) => void (p.policy = UNKNOWN)),
          POLICY,
        ),
        [],
      );
      const s = mutate(
        staging,
        "app-execution",
        (p) => void (p.inlinePolicies = JSON.stringify([{ name: "ops", policy: "{}" }])),
        "aws:iam/role:Role",
      );
      assert.deepEqual(await rejected(s, POLICY), []);
    });
  });

  describe("auth-hardening", () => {
    const POLICY = "auth-hardening";

    for (const shape of SHAPES) {
      it(`rejects a user pool that does not verify email, and MFA off in production (${shape.name})`, async () => {
        const v = await shape.run(
          mutateDeclared(
            production,
            "auth-users",
            (p) => void ((p.autoVerifiedAttributes = ["phone_number"]), (p.mfaConfiguration = "OFF")),
          ),
          POLICY,
        );
        expectFacts(v, [
          [
            "auth-users",
            /^`auth-users` \(aws:cognito\/userPool:UserPool\) does not verify email \(`autoVerifiedAttributes` lacks `email`\)/,
          ],
          [
            "auth-users",
            /^`auth-users` \(aws:cognito\/userPool:UserPool\) has `mfaConfiguration` "OFF" in production\./,
          ],
        ]);
      });
    }

    it("shows unset MFA as unset, accepts OPTIONAL, and leaves staging's MFA to stack-parity", async () => {
      expectFacts(
        await rejected(
          mutateDeclared(production, "auth-users", (p) => void delete p.mfaConfiguration),
          POLICY,
        ),
        [["auth-users", /has `mfaConfiguration` "unset" in production/]],
      );
      assert.deepEqual(
        await rejected(
          mutateDeclared(production, "auth-users", (p) => void (p.mfaConfiguration = "OPTIONAL")),
          POLICY,
        ),
        [],
      );
      assert.deepEqual(
        await rejected(
          mutateDeclared(staging, "auth-users", (p) => void (p.mfaConfiguration = "OFF")),
          POLICY,
        ),
        [],
      );
    });

    it("reads one attribute as a list, rejects none, and waits for an unknown list", async () => {
      assert.deepEqual(
        await rejected(
          mutateDeclared(staging, "auth-users", (p) => void (p.autoVerifiedAttributes = "email")),
          POLICY,
        ),
        [],
      );
      expectFacts(
        await rejected(
          mutateDeclared(staging, "auth-users", (p) => void delete p.autoVerifiedAttributes),
          POLICY,
        ),
        [["auth-users", /does not verify email/]],
      );
      assert.deepEqual(
        await rejected(
          mutateDeclared(staging, "auth-users", (p) => void (p.autoVerifiedAttributes = UNKNOWN)),
          POLICY,
        ),
        [],
      );
    });
  });

  describe("no-shared-credentials", () => {
    const POLICY = "no-shared-credentials";
    const productionSecret = `arn:aws:secretsmanager:us-east-1:${PRODUCTION_ACCOUNT}:secret:parity-production/database/master-Q1w2E3`;
    const readsProduction = (s: StackSnapshot) =>
      mutate(
        s,
        "web-task",
        changeContainers(
          (c) =>
            void (c[0].secrets = c[0].secrets.map((x) =>
              x.name === "DATABASE_PASSWORD" ? { ...x, valueFrom: productionSecret } : x,
            )),
        ),
      );

    it("knows production's account from the lock", () => {
      assert.equal(
        (JSON.parse(fs.readFileSync(DEFAULT_LOCK_FILE, "utf8")) as { production: { accountId: string } }).production
          .accountId,
        PRODUCTION_ACCOUNT,
      );
    });

    for (const shape of SHAPES) {
      it(`rejects a staging task reading production's secret by the ARN AWS gave it (${shape.name})`, async () => {
        const v = await shape.run(readsProduction(staging), POLICY);
        expectFacts(v, [
          [
            "web-task",
            new RegExp(
              `^\`[^\`]*web-task\` \\(aws:ecs/taskDefinition:TaskDefinition\\) \`containerDefinitions[^\`]*\` points into production's AWS account ${PRODUCTION_ACCOUNT} \\(${productionSecret.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\): a leaked staging credential`,
            ),
          ],
        ]);
      });
    }

    it("rejects a staging provider allowed into production's account, and a list of ARNs naming it", async () => {
      let s = mutate(
        staging,
        "aws",
        (p) => void (p.allowedAccountIds = JSON.stringify(["210987654321", PRODUCTION_ACCOUNT])),
        "pulumi:providers:aws",
      );
      s = mutate(
        s,
        "app-task-policy",
        addStatement({
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: ["arn:aws:kms:us-east-1:210987654321:key/x", `arn:aws:kms:us-east-1:${PRODUCTION_ACCOUNT}:key/y`],
        }),
      );
      expectFacts(await rejected(s, POLICY), [
        [
          "aws",
          new RegExp(
            `^\`pulumi:providers:aws::aws\` \\(pulumi:providers:aws\\) may deploy into production's AWS account ${PRODUCTION_ACCOUNT} \\(\`allowedAccountIds\`\\)\\.`,
          ),
        ],
        [
          "app-task-policy",
          new RegExp(
            `\`policy\\.Statement\\[\\d+\\]\\.Resource\` points into production's AWS account ${PRODUCTION_ACCOUNT} \\(arn:aws:kms:us-east-1:${PRODUCTION_ACCOUNT}:key/y\\)`,
          ),
        ],
      ]);
    });

    it("leaves production's own references alone, and a stack that does not say which it is", async () => {
      assert.deepEqual(await rejected(readsProduction(production), POLICY), []);
      const unnamed = mutate(
        readsProduction(staging),
        "aws",
        (p) => void (p.defaultTags = JSON.stringify({ tags: { "parity:project": "parity" } })),
        "pulumi:providers:aws",
      );
      assert.deepEqual(await rejected(unnamed, POLICY), []);
    });

    it("checks nothing against a lock that records no production account", async () => {
      const lock = JSON.parse(fs.readFileSync(DEFAULT_LOCK_FILE, "utf8")) as { production: Record<string, unknown> };
      delete lock.production.accountId;
      const lockFile = projectTempFile("parity.lock.json", JSON.stringify(lock));
      assert.deepEqual(await rejected(readsProduction(staging), POLICY, { [POLICY]: { lockFile } }), []);
    });

    it("does not take an account number inside another value for an ARN in the account", async () => {
      const s = mutate(
        staging,
        "web-task",
        changeContainers(
          (c) => void c[0].environment.push({ name: "SUPPORT_PHONE", value: `+1${PRODUCTION_ACCOUNT}` }),
        ),
      );
      assert.deepEqual(await rejected(s, POLICY), []);
    });
  });

  describe("no-master-secret-in-services", () => {
    const POLICY = "no-master-secret-in-services";
    const reads = (task: string, valueFrom: (arn: string) => string) => (s: StackSnapshot) =>
      mutate(
        s,
        task,
        changeContainers(
          (c) =>
            void (c[0].secrets = c[0].secrets.map((x) =>
              x.name === "DATABASE_PASSWORD" ? { ...x, valueFrom: valueFrom(outputOf(s, "db-master", "arn")) } : x,
            )),
        ),
      );

    for (const shape of SHAPES) {
      it(`rejects a service's task that reads the master secret, naming the service, the secret and the container (${shape.name})`, async () => {
        const v = await shape.run(reads("web-task", (arn) => `${arn}:password::`)(production), POLICY);
        expectFacts(v, [
          [
            "web-task",
            /^`web-task` \(aws:ecs\/taskDefinition:TaskDefinition\), run by the service `web-service`, reads the database master secret `db-master` \(aws:secretsmanager\/secret:Secret\) as `DATABASE_PASSWORD` \(container `app`\): every web or worker task could act as rds_superuser\./,
          ],
        ]);
      });
    }

    it("rejects the whole ARN as well as a key of it, in staging too", async () => {
      expectFacts(await rejected(reads("worker-task", (arn) => arn)(staging), POLICY), [
        ["worker-task", /run by the service `worker-service`, reads the database master secret `db-master`/],
      ]);
      assert.deepEqual(
        await rejected(reads("worker-task", (arn) => `${arn}-other`)(staging), POLICY),
        [],
        "another secret whose ARN begins the same",
      );
    });

    it("leaves the migration task, which no service runs, alone", async () => {
      const migrate = staging.resources.find((r) => r.name === "migrations-task");
      assert.ok(String(migrate?.inputs.containerDefinitions).includes(outputOf(staging, "db-master", "arn")));
      assert.deepEqual(await rejected(staging, POLICY), []);
    });

    it("finds the service by the task definition's ARN or family:revision when it sends no dependencies", async () => {
      const base = withoutDependencies(reads("web-task", (arn) => `${arn}:password::`)(staging), "web-service");
      expectFacts(await rejected(base, POLICY), [["web-task", /run by the service `web-service`/]]);
      const byFamily = mutate(
        base,
        "web-service",
        (p) => void (p.taskDefinition = `${outputOf(staging, "web-task")}:39`),
      );
      expectFacts(await rejected(byFamily, POLICY), [["web-task", /run by the service `web-service`/]]);
      const other = mutate(
        base,
        "web-service",
        (p) => void (p.taskDefinition = `${outputOf(staging, "web-task")}-canary:1`),
      );
      assert.deepEqual(await rejected(other, POLICY), [], "a service running another task definition");
      // Ids unknown or empty on both sides name nothing: only a dependency could link them then.
      for (const id of [UNKNOWN, ""]) {
        const unnamed = mutate(
          mutate(base, "web-task", (p) => void (p.arn = p.id = id)),
          "web-service",
          (p) => void (p.taskDefinition = id),
        );
        assert.deepEqual(await rejected(unnamed, POLICY), [], JSON.stringify(id));
      }
    });

    it("at a first preview, rejects a task built from the master secret whose ARN is unknown", async () => {
      let s = mutate(staging, "db-master", (p) => void (p.arn = p.id = UNKNOWN));
      s = mutate(
        s,
        "web-task",
        (_p, r) =>
          void (r.propertyDependencies = {
            ...r.propertyDependencies,
            containerDefinitions: [...(r.propertyDependencies.containerDefinitions ?? []), urnOf(staging, "db-master")],
          }),
      );
      s = mutate(
        s,
        "web-task",
        changeContainers(
          (c) =>
            void (c[0].secrets = c[0].secrets.map((x) =>
              x.name === "DATABASE_PASSWORD" ? { ...x, valueFrom: UNKNOWN } : x,
            )),
        ),
      );
      expectFacts(await rejected(s, POLICY), [
        [
          "web-task",
          /reads the database master secret `db-master` \(aws:secretsmanager\/secret:Secret\) as a container secret:/,
        ],
      ]);
    });

    it("names every container secret and every service that reads the master", async () => {
      let s = mutate(
        staging,
        "web-task",
        changeContainers(
          (c) =>
            void (c[0].secrets = c[0].secrets.map((x) =>
              ["DATABASE_PASSWORD", "SIGNING_KEY"].includes(x.name)
                ? { ...x, valueFrom: outputOf(staging, "db-master", "arn") }
                : x,
            )),
        ),
      );
      s = mutate(
        s,
        "worker-service",
        (p, r) =>
          void (
            (p.taskDefinition = outputOf(staging, "web-task", "arn")),
            (r.propertyDependencies = { ...r.propertyDependencies, taskDefinition: [urnOf(staging, "web-task")] })
          ),
      );
      expectFacts(await rejected(s, POLICY), [
        [
          "web-task",
          /^`web-task` \(aws:ecs\/taskDefinition:TaskDefinition\), run by the service `worker-service`, `web-service`, reads the database master secret `db-master` \(aws:secretsmanager\/secret:Secret\) as `DATABASE_PASSWORD` \(container `app`\), `SIGNING_KEY` \(container `app`\):/,
        ],
      ]);
    });

    it("takes a secret built from other generated passwords for no master secret", async () => {
      const seeded = mutate(
        staging,
        "web-task",
        changeContainers(
          (c) =>
            void (c[0].secrets = c[0].secrets.map((x) =>
              x.name === "SIGNING_KEY" ? { ...x, valueFrom: outputOf(staging, "auth-seeded-accounts", "arn") } : x,
            )),
        ),
      );
      assert.deepEqual(await rejected(seeded, POLICY), []);
    });

    describe("on the few resources the rule reads", () => {
      // The generated password, the database, its master secret and the version storing the password, one service
      // and its task.
      let leaked: StackSnapshot;
      before(() => {
        const few = narrow(staging, [
          "db-password",
          "db-instance",
          "db-master",
          "db-master-value",
          "web-task",
          "web-service",
        ]);
        leaked = reads("web-task", (arn) => `${arn}:password::`)(few);
      });

      it("rejects the leak with only these resources in the stack", async () => {
        expectFacts(await rejected(leaked, POLICY), [["web-task", /run by the service `web-service`, reads/]]);
      });

      it("takes a service that names no task definition for running none", async () => {
        const idle = mutate(
          withoutDependencies(leaked, "web-service"),
          "web-service",
          (p) => void delete p.taskDefinition,
        );
        assert.deepEqual(await rejected(idle, POLICY), []);
      });

      it("holds only ECS services, task definitions and secret versions to what they say", async () => {
        for (const [name, type] of [
          ["web-service", "aws:ecs/taskSet:TaskSet"],
          ["web-task", "aws:batch/jobDefinition:JobDefinition"],
          ["db-master-value", "aws:secretsmanager/secretRotation:SecretRotation"],
        ]) {
          assert.deepEqual(await rejected(retyped(leaked, name, type), POLICY), [], `${name} as ${type}`);
        }
      });

      it("skips a container secret with no valueFrom and still names the one that reads the master", async () => {
        const partial = mutate(
          leaked,
          "web-task",
          changeContainers((c) => void (c[0].secrets as unknown[]).push({ name: "UNSET" })),
        );
        expectFacts(await rejected(partial, POLICY), [
          [
            "web-task",
            /reads the database master secret `db-master` \(aws:secretsmanager\/secret:Secret\) as `DATABASE_PASSWORD` \(container `app`\):/,
          ],
        ]);
      });
    });

    it("knows the master secret by the password it holds, or as RDS's managed secret", async () => {
      const leaked = reads("web-task", (arn) => `${arn}:password::`)(staging);
      // The secret version that stores the master password, found by the secret's ARN without dependencies on it.
      const byArn = mutate(
        leaked,
        "db-master-value",
        (_p, r) => void (r.propertyDependencies = { ...r.propertyDependencies, secretId: [] }),
      );
      expectFacts(await rejected(byArn, POLICY), [["web-task", /reads the database master secret `db-master`/]]);
      const unlinked = mutate(
        byArn,
        "db-master-value",
        (p) => void (p.secretId = "arn:aws:secretsmanager:us-east-1:210987654321:secret:other-AbCdEf"),
      );
      assert.deepEqual(await rejected(unlinked, POLICY), [], "a version of another secret");
      const notPassword = mutate(
        leaked,
        "db-master-value",
        (_p, r) => void (r.propertyDependencies = { ...r.propertyDependencies, secretString: [] }),
      );
      assert.deepEqual(await rejected(notPassword, POLICY), [], "a secret that does not hold the master password");
      const managed = mutate(
        notPassword,
        "db-instance",
        (p) =>
          void (p.masterUserSecrets = [
            {
              kmsKeyId: outputOf(staging, "data-key", "arn"),
              secretArn: outputOf(staging, "db-master", "arn"),
              secretStatus: "active",
            },
          ]),
      );
      expectFacts(await rejected(managed, POLICY), [["web-task", /reads the database master secret `db-master`/]]);
    });
  });
});
