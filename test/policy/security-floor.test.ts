import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildLock, serializeLock } from "../../policy/engine/lock";
import type { PolicyVerdict } from "../../tools/simulator/analyzer";
import type { StackSnapshot } from "../../tools/simulator/snapshot";
import { lockInputs } from "../../tools/write-lock";
import { analyze, bothSnapshots, mandatory, mutate } from "./harness";
import { addStatement, outputOf, withResource } from "./snapshot-edits";
import { projectTempFile } from "./temp-file";

/**
 * The security floor (policy/floor-network.ts, policy/floor-access.ts) end to end, through the real
 * pack server: one planted hole per policy, and the floor holding whatever the lock and
 * known-differences.yaml say. Each rule's cases run in process: test/policy/rules/floor-*.test.ts.
 */

/** The messages `policy` rejected the stack with (mandatory only). */
function floorMessages(verdicts: PolicyVerdict[], policy: string): string[] {
  return mandatory(verdicts)
    .filter((v) => v.policyName === policy)
    .map((v) => v.message.split("\n").pop() as string);
}

describe("security floor (through the analyzer harness)", function () {
  this.timeout(180_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  it("no-database-egress rejects egress from the database group", async () => {
    const v = await analyze(
      mutate(
        staging,
        "db-sg",
        (p) =>
          void (p.egress = [
            { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "Outbound" },
          ]),
      ),
    );
    assert.match(
      floorMessages(v, "no-database-egress").join("\n"),
      /^`db-sg` \(aws:ec2\/securityGroup:SecurityGroup\), the security group of the database `db-instance`, allows egress: `egress\[0\]` \(all traffic, "Outbound"\)\./,
    );
  });

  it('no-public-bucket-policy rejects an Allow to Principal "*"', async () => {
    const v = await analyze(
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
    );
    assert.match(
      floorMessages(v, "no-public-bucket-policy").join("\n"),
      /^`uploads-policy` \(aws:s3\/bucketPolicy:BucketPolicy\) `policy` statement `PublicRead` allows `s3:GetObject` to anyone \(`Principal: "\*"`, with no condition\)/,
    );
  });

  it("no-public-role-trust rejects a role anyone can assume", async () => {
    const trust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
    });
    const v = await analyze(
      mutate(production, "app-task", (p) => void (p.assumeRolePolicy = trust), "aws:iam/role:Role"),
    );
    assert.match(
      floorMessages(v, "no-public-role-trust").join("\n"),
      /^`app-task` \(aws:iam\/role:Role\) `assumeRolePolicy` statement 1 lets anyone assume the role \(`Principal: \{"AWS":"\*"\}`, with no condition\)/,
    );
  });

  describe("holds whatever the lock and known-differences.yaml say", () => {
    const open = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], description: "SSH" };
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    const plant = (s: StackSnapshot) =>
      mutate(
        mutate(s, "network-app-sg", (p) => void (p.ingress = [...(p.ingress as unknown[]), open])),
        "app-task",
        (p) => void (p.managedPolicyArns = [admin]),
        "aws:iam/role:Role",
      );
    const expectFloor = (v: PolicyVerdict[], stack: string) => {
      assert.match(
        floorMessages(v, "no-public-ingress").join("\n"),
        /`network-app-sg` .* `ingress\[1\]` \(tcp 22, "SSH"\) is open to the whole internet/,
        stack,
      );
      assert.match(
        floorMessages(v, "no-full-admin").join("\n"),
        /`app-task` \(aws:iam\/role:Role\) `managedPolicyArns` attaches `arn:aws:iam::aws:policy\/AdministratorAccess`/,
        stack,
      );
    };
    let lockFile: string;
    before(() => {
      const badProduction = plant(production);
      lockFile = projectTempFile(
        "parity.lock.json",
        serializeLock(buildLock(badProduction.project, lockInputs(badProduction))),
      );
    });
    const withFiles = (files: Record<string, string>) => ({
      "stack-parity": files,
      "parity-notes": files,
      "replacement-hazards": files,
      "no-shared-credentials": files,
    });

    it("rejects a hole production's regenerated lock records, in both stacks", async () => {
      for (const snapshot of [plant(staging), plant(production)]) {
        const v = await analyze(snapshot, withFiles({ lockFile }));
        // The lock holds the hole now: production's stack-parity has nothing to say about it.
        if (snapshot.stack === "production")
          assert.deepEqual(
            mandatory(v)
              .filter((x) => x.policyName === "stack-parity")
              .map((x) => x.message),
            [],
          );
        expectFloor(v, snapshot.stack);
      }
    });

    it("rejects extra staging resources known-differences.yaml declares, which stack-parity refuses too", async () => {
      const known = fs.readFileSync(path.resolve(__dirname, "../../known-differences.yaml"), "utf8");
      const excuse = `\n  - id: debug-access\n    what: SSH and an admin role for debugging.\n    why: Faster than Session Manager.\n    howToTestSafely: Remove them afterwards.\n    resources: ["app-ssh", "app-admin"]\n    onlyIn: staging\n`;
      const knownDifferencesFile = projectTempFile("known-differences.yaml", known.trimEnd() + excuse);
      let s = withResource(
        staging,
        "network-app-sg",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "app-ssh",
        {
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrIpv4: "0.0.0.0/0",
          securityGroupId: outputOf(staging, "network-app-sg"),
        },
      );
      s = withResource(s, "app-task", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-admin", {
        role: outputOf(staging, "app-task", "name"),
        policyArn: admin,
      });
      let v: PolicyVerdict[];
      try {
        v = await analyze(s, withFiles({ knownDifferencesFile }));
      } catch (e) {
        // A scope check that refuses the declaration stops the whole pack (exit 2): also a refusal.
        assert.match(
          (e as Error).message,
          /known-differences\.yaml has 1 (problem|declaration too broad to accept):\n.*`debug-access`/,
        );
        return;
      }
      // stack-parity refuses a declaration that reaches a security type (known-differences.ts), so the
      // extra resources stay undeclared there; the floor rejects them on its own either way.
      const parity = mandatory(v)
        .filter((x) => x.policyName === "stack-parity")
        .map((x) => x.message)
        .join("\n");
      assert.match(parity, /declaration `debug-access`: declares `[^`]*::app-ssh` .* a resource of a security type/);
      assert.match(parity, /declaration `debug-access`: declares `[^`]*::app-admin` .* a resource of a security type/);
      assert.match(
        floorMessages(v, "no-public-ingress").join("\n"),
        /`app-ssh` .* \(tcp 22\) is open to the whole internet \(0\.0\.0\.0\/0\)/,
      );
      assert.match(
        floorMessages(v, "no-full-admin").join("\n"),
        /`app-admin` \(aws:iam\/rolePolicyAttachment:RolePolicyAttachment\) `policyArn` attaches `arn:aws:iam::aws:policy\/AdministratorAccess`/,
      );
    });
  });
});
