import * as assert from "node:assert/strict";
import { type StackSnapshot, UNKNOWN } from "../../../tools/simulator/snapshot";
import { narrow } from "../../support/rule-harness";
import { bothSnapshots, mutate } from "../harness";
import { addStatement, outputOf, withResource } from "../snapshot-edits";
import { facts, rejected, SHAPES } from "./reported";

/**
 * The security floor's access half (policy/floor-access.ts) in process: the real stacks pass, and
 * each public grant or administrator identity is rejected with its facts, as a preview sends it and
 * as deployed state.
 */

const BUCKET_POLICY = "no-public-bucket-policy";
const ROLE_TRUST = "no-public-role-trust";
const FULL_ADMIN = "no-full-admin";

describe("security floor, access (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  const trust = (statement: Record<string, unknown>) => (p: Record<string, unknown>) =>
    void (p.assumeRolePolicy = JSON.stringify({ Version: "2012-10-17", Statement: [statement] }));
  const publicGrant = (extra: Record<string, unknown>) =>
    addStatement({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "*", ...extra });
  /** The "who" part of each rejection: `(principal; note)`. */
  const grants = async (s: StackSnapshot) =>
    facts(await rejected(s, BUCKET_POLICY)).map((m) => /to anyone \((.*)\): every/.exec(m)?.[1]);

  for (const shape of SHAPES) {
    describe(`the real stacks pass (${shape.name})`, () => {
      for (const policy of [BUCKET_POLICY, ROLE_TRUST, FULL_ADMIN]) {
        it(policy, async () => {
          for (const s of [staging, production]) assert.deepEqual(await shape.run(s, policy), [], s.stack);
        });
      }
    });

    describe(`no-public-bucket-policy (${shape.name})`, () => {
      it('rejects an Allow to Principal "*" (s3:GetObject)', async () => {
        const v = await shape.run(
          mutate(
            staging,
            "uploads-policy",
            addStatement({
              Sid: "PublicRead",
              Effect: "Allow",
              Principal: "*",
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::parity-staging-uploads-210987654321/*",
            }),
          ),
          BUCKET_POLICY,
        );
        assert.deepEqual(facts(v), [
          'uploads-policy: `uploads-policy` (aws:s3/bucketPolicy:BucketPolicy) `policy` statement `PublicRead` allows `s3:GetObject` to anyone (`Principal: "*"`, with no condition): every AWS account and anonymous caller on the internet gets it.',
        ]);
      });

      it("rejects an inline bucket policy, and a grant with no Action", async () => {
        const inline = JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:GetObject", "s3:PutObject"], Resource: "*" },
            { Sid: "", Effect: "Allow", Principal: "*", Resource: "*" },
          ],
        });
        const v = await shape.run(
          mutate(staging, "uploads-bucket", (p) => void (p.policy = inline)),
          BUCKET_POLICY,
        );
        assert.deepEqual(
          facts(v).map((m) => m.split(": every")[0]),
          [
            'uploads-bucket: `uploads-bucket` (aws:s3/bucket:Bucket) `policy` statement 1 allows `s3:GetObject`, `s3:PutObject` to anyone (`Principal: {"AWS":"*"}`, with no condition)',
            'uploads-bucket: `uploads-bucket` (aws:s3/bucket:Bucket) `policy` statement 2 allows (no `Action`) to anyone (`Principal: "*"`, with no condition)',
          ],
        );
      });
    });

    describe(`no-public-role-trust (${shape.name})`, () => {
      it("rejects a role anyone can assume", async () => {
        const v = await shape.run(
          mutate(
            staging,
            "app-task",
            trust({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
            "aws:iam/role:Role",
          ),
          ROLE_TRUST,
        );
        assert.deepEqual(facts(v), [
          'app-task: `app-task` (aws:iam/role:Role) `assumeRolePolicy` statement 1 lets anyone assume the role (`Principal: {"AWS":"*"}`, with no condition): any AWS account can take its permissions.',
        ]);
      });

      it("accepts `*` pinned to this account, and rejects `*` with only an external id", async () => {
        const pinned = mutate(
          production,
          "app-task",
          trust({
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
          }),
          "aws:iam/role:Role",
        );
        assert.deepEqual(await shape.run(pinned, ROLE_TRUST), []);
        const external = mutate(
          production,
          "app-task",
          trust({
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "shared-words" } },
          }),
          "aws:iam/role:Role",
        );
        assert.match(
          facts(await shape.run(external, ROLE_TRUST)).join("\n"),
          /lets anyone assume the role \(`Principal: "\*"`; its condition \(`sts:ExternalId`\) does not say who\)/,
        );
      });
    });

    describe(`no-full-admin (${shape.name})`, () => {
      it("rejects AdministratorAccess attached to a role, in any partition and by managedPolicyArns", async () => {
        let s = withResource(
          staging,
          "app-task",
          "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
          "app-task-admin",
          { role: outputOf(staging, "app-task", "name"), policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        );
        s = mutate(
          s,
          "jobs-scheduler-role",
          (p) => void (p.managedPolicyArns = ["arn:aws-us-gov:iam::aws:policy/AdministratorAccess"]),
        );
        assert.deepEqual(facts(await shape.run(s, FULL_ADMIN)).sort(), [
          "app-task-admin: `app-task-admin` (aws:iam/rolePolicyAttachment:RolePolicyAttachment) `policyArn` attaches `arn:aws:iam::aws:policy/AdministratorAccess`: full `*:*` administration of the account to every identity it is attached to.",
          "jobs-scheduler-role: `jobs-scheduler-role` (aws:iam/role:Role) `managedPolicyArns` attaches `arn:aws-us-gov:iam::aws:policy/AdministratorAccess`: full `*:*` administration of the account to every identity it is attached to.",
        ]);
      });

      it("rejects AdministratorAccess in an exclusive list of a role's or group's managed policies, and no narrower one", async () => {
        let s = withResource(
          staging,
          "app-task",
          "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
          "app-task-managed",
          {
            roleName: outputOf(staging, "app-task", "name"),
            policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws-cn:iam::aws:policy/AdministratorAccess"],
          },
        );
        s = withResource(
          s,
          "app-task",
          "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
          "ops-managed",
          { groupName: "ops", policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
        );
        s = withResource(
          s,
          "app-task",
          "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
          "auditor-managed",
          { userName: "auditor", policyArns: ["arn:aws:iam::aws:policy/SecurityAudit"] },
        );
        assert.deepEqual(facts(await shape.run(s, FULL_ADMIN)).sort(), [
          "app-task-managed: `app-task-managed` (aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive) `policyArns[1]` attaches `arn:aws-cn:iam::aws:policy/AdministratorAccess`: full `*:*` administration of the account to every identity it is attached to.",
          "ops-managed: `ops-managed` (aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive) `policyArns[0]` attaches `arn:aws:iam::aws:policy/AdministratorAccess`: full `*:*` administration of the account to every identity it is attached to.",
        ]);
      });

      it("rejects `*` on `*` in an inline role policy, a role's inlinePolicies and a customer managed policy", async () => {
        const admin = JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }],
        });
        let s = mutate(staging, "app-task-policy", (p) => void (p.policy = admin));
        s = mutate(
          s,
          "app-execution",
          (p) => void (p.inlinePolicies = [{ name: "ops", policy: admin }, { policy: admin }]),
          "aws:iam/role:Role",
        );
        s = withResource(s, "app-task", "aws:iam/policy:Policy", "ops-admin", {
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: { Effect: "Allow", Action: ["*:*"], Resource: ["*"] },
          }),
        });
        const v = facts(await shape.run(s, FULL_ADMIN));
        assert.deepEqual(v.map((m) => m.split(" allows")[0]).sort(), [
          "app-execution: `app-execution` (aws:iam/role:Role) `inlinePolicies[1].policy` statement `Everything`",
          "app-execution: `app-execution` (aws:iam/role:Role) `inlinePolicies[ops].policy` statement `Everything`",
          "app-task-policy: `app-task-policy` (aws:iam/rolePolicy:RolePolicy) `policy` statement `Everything`",
          "ops-admin: `ops-admin` (aws:iam/policy:Policy) `policy` statement 1",
        ]);
        assert.ok(
          v.every((m) =>
            m.endsWith(
              'allows every action on every resource (`Action: "*"`, `Resource: "*"`): whoever holds it administers the account.',
            ),
          ),
        );
      });
    });
  }

  describe("who a grant lets in", () => {
    // The bucket policy alone: the rule reads nothing else, and a case then costs milliseconds.
    let policyOnly: StackSnapshot;
    before(() => {
      policyOnly = narrow(staging, ["uploads-policy"]);
    });

    it("names the principal kind that is `*`, and NotPrincipal, and leaves named principals alone", async () => {
      let s = mutate(
        policyOnly,
        "uploads-policy",
        publicGrant({ Principal: { Service: ["logging.s3.amazonaws.com", "*"] } }),
      );
      s = mutate(
        s,
        "uploads-policy",
        publicGrant({ Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::210987654321:root" } }),
      );
      s = mutate(s, "uploads-policy", publicGrant({ Principal: { AWS: "arn:aws:iam::210987654321:role/app-task" } }));
      s = mutate(s, "uploads-policy", publicGrant({ Principal: "arn:aws:iam::210987654321:root" }));
      s = mutate(s, "uploads-policy", publicGrant({ Principal: undefined }));
      assert.deepEqual(await grants(s), [
        '`Principal: {"Service":["logging.s3.amazonaws.com","*"]}`, with no condition',
        '`NotPrincipal` (everyone but {"AWS":"arn:aws:iam::210987654321:root"}), with no condition',
      ]);
      assert.deepEqual(
        await rejected(mutate(policyOnly, "uploads-policy", publicGrant({ Effect: "Deny" })), BUCKET_POLICY),
        [],
        "a Deny lets no one in",
      );
    });

    it("accepts a condition that names who by a concrete value under a limiting operator", async () => {
      const who: Record<string, unknown>[] = [
        { StringEquals: { "aws:SourceAccount": "210987654321" } },
        { StringEquals: { "aws:PrincipalAccount": ["210987654321", "123456789012"] } },
        { StringEquals: { "aws:SourceOwner": "210987654321" } },
        { ArnEquals: { "aws:SourceArn": "arn:aws:cloudfront::210987654321:distribution/E2ABCDEF" } },
        { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::210987654321:role/app-*" } },
        { ArnLike: { "aws:SourceArn": "arn:aws:s3:::parity-staging-uploads-210987654321" } },
        { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*" } },
        { StringEquals: { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111" } },
        { StringLike: { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/" } },
        { StringEqualsIgnoreCase: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
        { StringEquals: { "aws:SourceVpc": "vpc-47c36afb882069028" } },
        { StringEquals: { "aws:SourceAccount": UNKNOWN } },
        { StringEquals: { "aws:SourceAccount": ["210987654321", UNKNOWN] } },
        { Bool: { "aws:SecureTransport": "true" }, StringEquals: { "aws:sourceaccount": "210987654321" } },
      ];
      for (const Condition of who)
        assert.deepEqual(
          await grants(mutate(policyOnly, "uploads-policy", publicGrant({ Condition }))),
          [],
          JSON.stringify(Condition),
        );
    });

    it("rejects conditions that do not pin who, and names their keys", async () => {
      const loose: [Record<string, unknown>, string][] = [
        [{ Bool: { "aws:SecureTransport": "true" } }, "`aws:SecureTransport`"],
        [{ IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }, "`aws:SourceIp`"],
        [{ StringNotEquals: { "aws:SourceAccount": "111122223333" } }, "`aws:SourceAccount`"],
        [{ StringEqualsIfExists: { "aws:PrincipalAccount": "210987654321" } }, "`aws:PrincipalAccount`"],
        [{ "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }, "`aws:PrincipalOrgID`"],
        [{ ArnLike: { "aws:SourceArn": "arn:aws:cloudfront::*:distribution/*" } }, "`aws:SourceArn`"],
        [{ ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:${aws:PrincipalAccount}:topic" } }, "`aws:SourceArn`"],
        [{ ArnEquals: { "aws:SourceArn": "arn:aws:sqs:us-east-1" } }, "`aws:SourceArn`"],
        [{ ArnEquals: { "aws:SourceArn": "urn:aws:sqs:us-east-1:210987654321:q:x" } }, "`aws:SourceArn`"],
        [{ ArnEquals: { "aws:SourceArn": "arn:aws:sqs:us-east-1::queue" } }, "`aws:SourceArn`"],
        [{ ArnEquals: { "aws:PrincipalArn": "arn:aws:s3:::-bad" } }, "`aws:PrincipalArn`"],
        [{ ArnEquals: { "aws:SourceArn": "arn:aws:s3:::parity_uploads" } }, "`aws:SourceArn`"],
        [{ ArnLike: { "aws:SourceArn": "arn:aws:sqs:*:210987654321:queue" } }, "`aws:SourceArn`"],
        [
          { Bool: { "aws:SecureTransport": "true" }, IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
          "`aws:SecureTransport`, `aws:SourceIp`",
        ],
        [{ StringEquals: { "aws:SourceAccount": "21098765432" } }, "`aws:SourceAccount`"],
        [{ StringEquals: { "aws:SourceAccount": "210987654321x" } }, "`aws:SourceAccount`"],
        [{ StringEquals: { "aws:SourceAccount": [] } }, "`aws:SourceAccount`"],
        [{ StringEquals: { "aws:SourceAccount": ["210987654321", "*"] } }, "`aws:SourceAccount`"],
        [{ StringEquals: { "aws:PrincipalOrgID": "o-short" } }, "`aws:PrincipalOrgID`"],
        [{ StringEquals: { "aws:PrincipalOrgID": "xo-a1b2c3d4e5" } }, "`aws:PrincipalOrgID`"],
        [{ StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5x!" } }, "`aws:PrincipalOrgID`"],
        [{ StringLike: { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*" } }, "`aws:PrincipalOrgPaths`"],
        [{ StringLike: { "aws:PrincipalOrgPaths": "xo-a1b2c3d4e5/r-ab12/" } }, "`aws:PrincipalOrgPaths`"],
        [{ StringLike: { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou!" } }, "`aws:PrincipalOrgPaths`"],
        [{ StringEquals: { "aws:SourceVpce": "vpce-*" } }, "`aws:SourceVpce`"],
        [{ StringEquals: { "aws:SourceVpce": "xvpce-1a2b" } }, "`aws:SourceVpce`"],
        [{ StringEquals: { "aws:SourceVpce": "vpce-1a2bz" } }, "`aws:SourceVpce`"],
        [{ StringEquals: { "aws:SourceVpc": "vpc-*" } }, "`aws:SourceVpc`"],
        [{ StringEquals: { "aws:SourceVpc": "xvpc-1a2b" } }, "`aws:SourceVpc`"],
        [{ StringEquals: { "aws:SourceVpc": "vpc-1a2bz" } }, "`aws:SourceVpc`"],
        [{ StringEquals: { "aws:SourceOwner": "*" } }, "`aws:SourceOwner`"],
        [{ StringEquals: { "aws:PrincipalAccount": "*" } }, "`aws:PrincipalAccount`"],
        [{ Bool: "aws:SecureTransport", StringEquals: { "aws:SourceIp": "x" } }, "`aws:SourceIp`"],
      ];
      for (const [Condition, keys] of loose) {
        assert.deepEqual(
          await grants(mutate(policyOnly, "uploads-policy", publicGrant({ Condition }))),
          [`\`Principal: {"AWS":"*"}\`; its condition (${keys}) does not say who`],
          JSON.stringify(Condition),
        );
      }
      for (const Condition of ["aws:SourceAccount", null, { StringEquals: null }]) {
        assert.deepEqual(
          await grants(mutate(policyOnly, "uploads-policy", publicGrant({ Condition }))),
          ['`Principal: {"AWS":"*"}`, with no condition'],
          JSON.stringify(Condition),
        );
      }
    });

    it("reads a document given as an object or with one statement, and none while it is unknown", async () => {
      const staging = policyOnly;
      const grant = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" };
      const single = mutate(
        staging,
        "uploads-policy",
        (p) => void (p.policy = JSON.stringify({ Version: "2012-10-17", Statement: grant })),
      );
      assert.equal((await grants(single)).length, 1);
      const listed = mutate(
        staging,
        "uploads-policy",
        (p) => void (p.policy = JSON.stringify({ Version: "2012-10-17", Statement: [grant, "junk", null] })),
      );
      assert.equal((await grants(listed)).length, 1);
      assert.deepEqual(
        await rejected(
          mutate(staging, "uploads-policy", (p) => void (p.policy = UNKNOWN)),
          BUCKET_POLICY,
        ),
        [],
      );
      assert.deepEqual(
        await rejected(
          mutate(staging, "uploads-policy", (p) => void (p.policy = JSON.stringify({ Version: "2012-10-17" }))),
          BUCKET_POLICY,
        ),
        [],
      );
    });

    it("reads only bucket policies and buckets for bucket grants, only roles for trust", async () => {
      const grant = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }],
      });
      const queue = mutate(staging, "jobs-jobs", (p) => void (p.policy = grant));
      assert.deepEqual(await rejected(queue, BUCKET_POLICY), []);
      const notRole = mutate(staging, "uploads-policy", (p) => void (p.assumeRolePolicy = grant));
      assert.deepEqual(await rejected(notRole, ROLE_TRUST), []);
    });
  });

  describe("what full administration is", () => {
    const admin = (statement: Record<string, unknown>) =>
      JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

    it("reads a group policy, a user policy and every kind of attachment", async () => {
      const everything = admin({ Effect: "Allow", Action: "*", Resource: "*" });
      const arn = "arn:aws-cn:iam::aws:policy/AdministratorAccess";
      let s = withResource(staging, "app-task", "aws:iam/groupPolicy:GroupPolicy", "ops-group-policy", {
        group: "ops",
        policy: everything,
      });
      s = withResource(s, "app-task", "aws:iam/userPolicy:UserPolicy", "ops-user-policy", {
        user: "ops",
        policy: everything,
      });
      for (const type of [
        "policyAttachment:PolicyAttachment",
        "userPolicyAttachment:UserPolicyAttachment",
        "groupPolicyAttachment:GroupPolicyAttachment",
      ]) {
        s = withResource(s, "app-task", `aws:iam/${type}`, type.split(":")[0], { policyArn: arn });
      }
      const v = facts(await rejected(s, FULL_ADMIN));
      assert.deepEqual(
        v.map((m) => m.split(":")[0]),
        ["ops-group-policy", "ops-user-policy", "policyAttachment", "userPolicyAttachment", "groupPolicyAttachment"],
      );
    });

    it("leaves narrower grants and other policies alone", async () => {
      const narrow = [
        { Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::x/*" },
        { Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Effect: "Deny", Action: "*", Resource: "*" },
        { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
      ];
      for (const st of narrow)
        assert.deepEqual(
          await rejected(
            mutate(staging, "app-task-policy", (p) => void (p.policy = admin(st))),
            FULL_ADMIN,
          ),
          [],
          JSON.stringify(st),
        );
      let s = withResource(staging, "app-task", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-readonly", {
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      });
      s = withResource(s, "app-task", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-own-admin", {
        policyArn: "arn:aws:iam::210987654321:policy/AdministratorAccess",
      });
      s = withResource(s, "app-task", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-prefixed", {
        policyArn: "xarn:aws:iam::aws:policy/AdministratorAccessX",
      });
      s = withResource(s, "app-task", "aws:iam/instanceProfile:InstanceProfile", "app-profile", {
        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        policy: admin({ Effect: "Allow", Action: "*", Resource: "*" }),
      });
      s = withResource(s, "uploads-bucket", "aws:s3/bucketPolicy:BucketPolicy", "uploads-admin", {
        policy: admin({
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::210987654321:root" },
          Action: "*",
          Resource: "*",
        }),
      });
      s = mutate(
        s,
        "app-execution",
        (p) =>
          void (p.inlinePolicies = JSON.stringify([
            { name: "ops", policy: admin({ Effect: "Allow", Action: "*", Resource: "*" }) },
          ])),
        "aws:iam/role:Role",
      );
      assert.deepEqual(await rejected(s, FULL_ADMIN), []);
    });
  });
});
