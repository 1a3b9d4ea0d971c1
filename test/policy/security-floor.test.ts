import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildLock, serializeLock } from "../../policy/engine/lock";
import type { PolicyConfigInput, PolicyVerdict } from "../../tools/offline/analyzer";
import type { CollectedResource, StackSnapshot } from "../../tools/offline/snapshot";
import { lockInputs } from "../../tools/write-lock";
import { asDeployedState } from "./deployed-state";
import { analyze, bothSnapshots, mandatory, mutate, MutableResource } from "./harness";
import { projectTempFile } from "./temp-file";

/**
 * The security floor (policy/rules/no-public-ingress.ts, no-database-egress.ts, no-public-bucket-policy.ts, no-public-role-trust.ts, no-full-admin.ts) through the real pack: the
 * real stacks pass, and each planted hole is rejected with its exact message, as a preview sends it
 * and as deployed state (other generated ids, no provider resources), whatever the lock says.
 */

const FLOOR = ["no-public-ingress", "no-database-egress", "no-public-bucket-policy", "no-public-role-trust", "no-full-admin"];

const SHAPES = [
  { name: "preview", analyze: (s: StackSnapshot, config?: PolicyConfigInput) => analyze(s, config) },
  { name: "deployed state", analyze: (s: StackSnapshot, config?: PolicyConfigInput) => analyze(asDeployedState(s, { seed: "floor-check" }), config, { providersInStack: false }) },
];

/** The messages `policy` rejected the stack with (mandatory only). */
function floorMessages(verdicts: PolicyVerdict[], policy: string): string[] {
  return mandatory(verdicts)
    .filter((v) => v.policyName === policy)
    .map((v) => v.message.split("\n").pop() as string);
}

function outputOf(snapshot: StackSnapshot, name: string, prop = "id"): string {
  const r = snapshot.resources.find((x) => x.name === name && x.custom);
  assert.ok(r, `no resource ${name}`);
  return String(r.outputs[prop]);
}

/** The snapshot plus a resource of `type` named `name`, next to `beside` (same parent and provider). */
function withResource(snapshot: StackSnapshot, beside: string, type: string, name: string, inputs: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}): StackSnapshot {
  const copy = structuredClone(snapshot) as { resources: MutableResource[] } & StackSnapshot;
  const template = copy.resources.find((r) => r.name === beside && r.custom);
  assert.ok(template, `no resource ${beside}`);
  const urn = `${template.urn.slice(0, template.urn.lastIndexOf("$") + 1)}${type}::${name}`;
  const added: CollectedResource = {
    ...structuredClone(template),
    urn,
    type,
    name,
    inputs,
    checkedInputs: { ...inputs, __defaults: [] },
    outputs: { ...inputs, id: `${name}-0a1b2c3d` },
    dependencies: Object.values(propertyDependencies).flat(),
    propertyDependencies,
  };
  copy.resources.push(added as MutableResource);
  return copy;
}

const urnOf = (snapshot: StackSnapshot, name: string) => (snapshot.resources.find((r) => r.name === name && r.custom) as CollectedResource).urn;

function addStatement(statement: Record<string, unknown>): (p: Record<string, unknown>) => void {
  return (p) => {
    const doc = JSON.parse(String(p.policy));
    doc.Statement.push(statement);
    p.policy = JSON.stringify(doc);
  };
}

describe("security floor (through the analyzer harness)", function () {
  this.timeout(180_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  for (const shape of SHAPES) {
    describe(`the real stacks (${shape.name})`, () => {
      it("pass every floor policy, in staging and production", async () => {
        for (const snapshot of [staging, production]) {
          const v = await shape.analyze(snapshot);
          for (const policy of FLOOR) assert.deepEqual(floorMessages(v, policy), [], `${snapshot.stack} ${policy}`);
        }
      });
    });

    describe(`no-public-ingress (${shape.name})`, () => {
      it("rejects the database group open to 0.0.0.0/0", async () => {
        const v = await shape.analyze(mutate(staging, "db-sg", (p) => void (p.ingress = [...(p.ingress as unknown[]), { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }])));
        assert.deepEqual(floorMessages(v, "no-public-ingress"), [
          "`db-sg` (aws:ec2/securityGroup:SecurityGroup) `ingress[1]` (tcp 5432) is open to the whole internet (0.0.0.0/0): only the load balancer's security group may take traffic from the internet, and only on 80 and 443. Fix: allow this port from the load balancer's group (`securityGroups: [edge.id]`, as `network-app-sg` does) or from a known CIDR; for a shell, use SSM Session Manager, never an open SSH port.",
        ]);
      });

      it("rejects SSH open on the app tasks' group, in production too", async () => {
        const ssh = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"], description: "SSH" };
        for (const snapshot of [staging, production]) {
          const v = await shape.analyze(mutate(snapshot, "network-app-sg", (p) => void (p.ingress = [...(p.ingress as unknown[]), ssh])));
          assert.deepEqual(floorMessages(v, "no-public-ingress").map((m) => m.split(":")[0]), ['`network-app-sg` (aws'], snapshot.stack);
          assert.match(floorMessages(v, "no-public-ingress")[0], /`ingress\[1\]` \(tcp 22, "SSH"\) is open to the whole internet \(0\.0\.0\.0\/0, ::\/0\)/);
        }
      });

      it("rejects an extra port, a port range and every protocol on the load balancer's group", async () => {
        const lbFix = "the load balancer's group takes the internet on 80 and 443 only, one TCP port per rule. Fix: remove this rule, or narrow it to `protocol: \"tcp\"`, `fromPort` = `toPort` = 443 (or 80, which redirects).";
        const extra = [
          { protocol: "tcp", fromPort: 8443, toPort: 8443, ipv6CidrBlocks: ["::/0"] },
          { protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
          { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
        ];
        const v = await shape.analyze(mutate(staging, "network-edge-sg", (p) => void (p.ingress = [...(p.ingress as unknown[]), ...extra])));
        assert.deepEqual(floorMessages(v, "no-public-ingress"), [
          `\`network-edge-sg\` (aws:ec2/securityGroup:SecurityGroup) \`ingress[2]\` (tcp 8443) is open to the whole internet (::/0): ${lbFix}`,
          `\`network-edge-sg\` (aws:ec2/securityGroup:SecurityGroup) \`ingress[3]\` (tcp 80-443) is open to the whole internet (0.0.0.0/0): ${lbFix}`,
          `\`network-edge-sg\` (aws:ec2/securityGroup:SecurityGroup) \`ingress[4]\` (all traffic) is open to the whole internet (0.0.0.0/0): ${lbFix}`,
        ]);
      });

      it("no longer excuses 80/443 on the load balancer's group once a service uses that group too", async () => {
        const edge = outputOf(staging, "network-edge-sg");
        const v = await shape.analyze(mutate(staging, "web-service", (p) => {
          const net = p.networkConfiguration as { securityGroups: string[] };
          p.networkConfiguration = { ...net, securityGroups: [...net.securityGroups, edge] };
        }));
        assert.deepEqual(floorMessages(v, "no-public-ingress").map((m) => /`ingress\[\d\]` \(tcp \d+/.exec(m)?.[0]), ["`ingress[0]` (tcp 443", "`ingress[1]` (tcp 80"]);
      });

      it("rejects standalone ingress rules from the internet (SecurityGroupRule, SecurityGroupIngressRule)", async () => {
        const dbSg = outputOf(staging, "db-sg");
        const appSg = outputOf(staging, "network-app-sg");
        let s = withResource(staging, "db-sg", "aws:ec2/securityGroupRule:SecurityGroupRule", "db-public", { type: "ingress", protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"], securityGroupId: dbSg }, { securityGroupId: [urnOf(staging, "db-sg")] });
        s = withResource(s, "network-app-sg", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "app-ssh-v6", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0", securityGroupId: appSg });
        const v = await shape.analyze(s);
        assert.deepEqual(floorMessages(v, "no-public-ingress").map((m) => m.split(": only")[0]), [
          "`db-public` (aws:ec2/securityGroupRule:SecurityGroupRule) on `db-sg` (aws:ec2/securityGroup:SecurityGroup) (tcp 5432) is open to the whole internet (0.0.0.0/0)",
          "`app-ssh-v6` (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule) on `network-app-sg` (aws:ec2/securityGroup:SecurityGroup) (tcp 22) is open to the whole internet (::/0)",
        ]);
      });

      it("accepts a standalone HTTPS rule on the load balancer's group, and ingress from a known range", async () => {
        const edge = outputOf(staging, "network-edge-sg");
        let s = withResource(staging, "network-edge-sg", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "edge-https-v6", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0", securityGroupId: edge });
        s = mutate(s, "network-app-sg", (p) => void (p.ingress = [...(p.ingress as unknown[]), { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.30.0.0/16"] }]));
        assert.deepEqual(floorMessages(await shape.analyze(s), "no-public-ingress"), []);
      });
    });

    describe(`no-database-egress (${shape.name})`, () => {
      it("rejects egress anywhere from the database group", async () => {
        const v = await shape.analyze(mutate(staging, "db-sg", (p) => void (p.egress = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "Outbound" }])));
        assert.deepEqual(floorMessages(v, "no-database-egress"), [
          '`db-sg` (aws:ec2/securityGroup:SecurityGroup), the security group of the database `db-instance`, allows egress: `egress[0]` (all traffic, "Outbound"). Fix: `egress: []` (components/database.ts declares it so): security groups are stateful, so the database\'s replies to the app need no egress rule, and with none a compromised database cannot send data out or call anywhere.',
        ]);
      });

      it("rejects a standalone egress rule on the database group, and a database on the VPC's default group", async () => {
        let s = withResource(production, "db-sg", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "db-out", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", securityGroupId: outputOf(production, "db-sg") });
        let v = await shape.analyze(s);
        assert.deepEqual(floorMessages(v, "no-database-egress").map((m) => m.split(". Fix")[0]), [
          "`db-out` (aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule) adds egress (tcp 443) to `db-sg` (aws:ec2/securityGroup:SecurityGroup), the security group of the database `db-instance`",
        ]);
        s = mutate(staging, "db-instance", (p) => void (p.vpcSecurityGroupIds = []));
        v = await shape.analyze(s);
        assert.deepEqual(floorMessages(v, "no-database-egress").map((m) => m.split(". Fix")[0]), [
          "`db-instance` (aws:rds/instance:Instance) names no `vpcSecurityGroupIds`, so it gets the VPC's default security group, which allows all egress (and ingress from everything else in it)",
        ]);
      });

      it("leaves the app tasks' own egress alone: only the database's group is held to none", async () => {
        assert.ok(staging.resources.some((r) => r.name === "network-app-sg" && JSON.stringify(r.inputs.egress).includes("0.0.0.0/0")));
        assert.deepEqual(floorMessages(await shape.analyze(staging), "no-database-egress"), []);
      });
    });

    describe(`no-public-bucket-policy (${shape.name})`, () => {
      it("rejects an Allow to Principal \"*\" (s3:GetObject)", async () => {
        const v = await shape.analyze(mutate(staging, "uploads-policy", addStatement({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::parity-staging-uploads-210987654321/*" })));
        assert.deepEqual(floorMessages(v, "no-public-bucket-policy"), [
          "`uploads-policy` (aws:s3/bucketPolicy:BucketPolicy) `policy` statement `PublicRead` allows `s3:GetObject` to anyone (`Principal: \"*\"`, with no condition): every AWS account and anonymous caller on the internet gets it.",
        ]);
      });

      it("rejects {\"AWS\": [\"*\"]} whose only condition is TLS, and conditions that do not pin who", async () => {
        const loose = [
          { Condition: { Bool: { "aws:SecureTransport": "true" } }, note: "its condition (`aws:SecureTransport`) does not say who" },
          { Condition: { StringNotEquals: { "aws:SourceAccount": "111122223333" } }, note: "its condition (`aws:SourceAccount`) does not say who" },
          { Condition: { StringEqualsIfExists: { "aws:PrincipalAccount": "210987654321" } }, note: "its condition (`aws:PrincipalAccount`) does not say who" },
          { Condition: { ArnLike: { "aws:SourceArn": "arn:aws:cloudfront::*:distribution/*" } }, note: "its condition (`aws:SourceArn`) does not say who" },
        ];
        for (const { Condition, note } of loose) {
          const v = await shape.analyze(mutate(staging, "integrations-outbox-policy", addStatement({ Effect: "Allow", Principal: { AWS: ["*"] }, Action: ["s3:PutObject"], Resource: "*", Condition })));
          assert.deepEqual(floorMessages(v, "no-public-bucket-policy").map((m) => m.split(": every")[0]), [
            `\`integrations-outbox-policy\` (aws:s3/bucketPolicy:BucketPolicy) \`policy\` statement 2 allows \`s3:PutObject\` to anyone (\`Principal: {"AWS":["*"]}\`; ${note})`,
          ], JSON.stringify(Condition));
        }
      });

      it("accepts a public principal pinned to the organization or a source ARN, and rejects an inline bucket policy", async () => {
        for (const Condition of [{ StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }, { ArnEquals: { "aws:SourceArn": "arn:aws:cloudfront::210987654321:distribution/E2ABCDEF" } }]) {
          const v = await shape.analyze(mutate(staging, "uploads-policy", addStatement({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "*", Condition })));
          assert.deepEqual(floorMessages(v, "no-public-bucket-policy"), [], JSON.stringify(Condition));
        }
        const inline = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:*", Resource: "*" }] });
        const v = await shape.analyze(mutate(staging, "uploads-bucket", (p) => void (p.policy = inline)));
        assert.deepEqual(floorMessages(v, "no-public-bucket-policy").map((m) => m.split(": every")[0]), ['`uploads-bucket` (aws:s3/bucket:Bucket) `policy` statement 1 allows `s3:*` to anyone (`Principal: {"AWS":"*"}`, with no condition)']);
      });
    });

    describe(`no-public-role-trust (${shape.name})`, () => {
      const trust = (statement: Record<string, unknown>) => (p: Record<string, unknown>) => void (p.assumeRolePolicy = JSON.stringify({ Version: "2012-10-17", Statement: [statement] }));

      it("rejects a role anyone can assume", async () => {
        const v = await shape.analyze(mutate(staging, "app-task", trust({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }), "aws:iam/role:Role"));
        assert.deepEqual(floorMessages(v, "no-public-role-trust"), [
          "`app-task` (aws:iam/role:Role) `assumeRolePolicy` statement 1 lets anyone assume the role (`Principal: {\"AWS\":\"*\"}`, with no condition): any AWS account can take its permissions.",
        ]);
      });

      it("accepts `*` pinned to this account, and rejects `*` with only an external id", async () => {
        const pinned = await shape.analyze(mutate(production, "app-task", trust({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } } }), "aws:iam/role:Role"));
        assert.deepEqual(floorMessages(pinned, "no-public-role-trust"), []);
        const external = await shape.analyze(mutate(production, "app-task", trust({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "shared-words" } } }), "aws:iam/role:Role"));
        assert.match(floorMessages(external, "no-public-role-trust").join("\n"), /lets anyone assume the role \(`Principal: "\*"`; its condition \(`sts:ExternalId`\) does not say who\)/);
      });
    });

    describe(`no-full-admin (${shape.name})`, () => {

      it("rejects AdministratorAccess attached to a role, in any partition and by managedPolicyArns", async () => {
        let s = withResource(staging, "app-task", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-task-admin", { role: "app-task-d2c678d", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        s = mutate(s, "jobs-scheduler-role", (p) => void (p.managedPolicyArns = ["arn:aws-us-gov:iam::aws:policy/AdministratorAccess"]));
        const v = await shape.analyze(s);
        assert.deepEqual(floorMessages(v, "no-full-admin").sort(), [
          `\`jobs-scheduler-role\` (aws:iam/role:Role) \`managedPolicyArns\` attaches \`arn:aws-us-gov:iam::aws:policy/AdministratorAccess\`: full \`*:*\` administration of the account to whoever holds the role.`,
          `\`app-task-admin\` (aws:iam/rolePolicyAttachment:RolePolicyAttachment) \`policyArn\` attaches \`arn:aws:iam::aws:policy/AdministratorAccess\`: full \`*:*\` administration of the account to whoever holds the role.`,
        ].sort());
      });

      it("rejects `*` on `*` in an inline role policy, a role's inlinePolicies and a customer managed policy", async () => {
        const admin = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }] });
        let s = mutate(staging, "app-task-policy", (p) => void (p.policy = admin));
        s = mutate(s, "app-execution", (p) => void (p.inlinePolicies = [{ name: "ops", policy: admin }]), "aws:iam/role:Role");
        s = withResource(s, "app-task", "aws:iam/policy:Policy", "ops-admin", { policy: JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: ["*:*"], Resource: ["*"] } }) });
        const v = await shape.analyze(s);
        const where = floorMessages(v, "no-full-admin").map((m) => m.split(" allows")[0]).sort();
        assert.deepEqual(where, [
          "`app-execution` (aws:iam/role:Role) `inlinePolicies[ops].policy` statement `Everything`",
          "`app-task-policy` (aws:iam/rolePolicy:RolePolicy) `policy` statement `Everything`",
          "`ops-admin` (aws:iam/policy:Policy) `policy` statement 1",
        ]);
        assert.ok(floorMessages(v, "no-full-admin").every((m) => m.endsWith(`allows every action on every resource (\`Action: "*"\`, \`Resource: "*"\`): whoever holds it administers the account.`)));
      });

      it("leaves a narrow `*` resource alone (ECR's login takes no ARN)", async () => {
        assert.ok(JSON.stringify(staging.resources.find((r) => r.name === "app-execution-policy")?.inputs.policy).includes('\\"Resource\\":\\"*\\"'));
        assert.deepEqual(floorMessages(await shape.analyze(staging), "no-full-admin"), []);
      });
    });
  }

  describe("holds whatever the lock and known-differences.yaml say", () => {
    const open = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], description: "SSH" };
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    const plant = (s: StackSnapshot) => mutate(mutate(s, "network-app-sg", (p) => void (p.ingress = [...(p.ingress as unknown[]), open])), "app-task", (p) => void (p.managedPolicyArns = [admin]), "aws:iam/role:Role");
    const expectFloor = (v: PolicyVerdict[], stack: string) => {
      assert.match(floorMessages(v, "no-public-ingress").join("\n"), /`network-app-sg` .* `ingress\[1\]` \(tcp 22, "SSH"\) is open to the whole internet/, stack);
      assert.match(floorMessages(v, "no-full-admin").join("\n"), /`app-task` \(aws:iam\/role:Role\) `managedPolicyArns` attaches `arn:aws:iam::aws:policy\/AdministratorAccess`/, stack);
    };
    let lockFile: string;
    before(() => {
      const badProduction = plant(production);
      lockFile = projectTempFile("parity.lock.json", serializeLock(buildLock(badProduction.project, lockInputs(badProduction))));
    });
    const withFiles = (files: Record<string, string>) => ({ "stack-parity": files, "parity-notes": files, "replacement-hazards": files, "no-shared-credentials": files });

    it("rejects a hole production's regenerated lock records, in both stacks", async () => {
      for (const snapshot of [plant(staging), plant(production)]) {
        const v = await analyze(snapshot, withFiles({ lockFile }));
        // The lock holds the hole now: production's stack-parity has nothing to say about it.
        if (snapshot.stack === "production") assert.deepEqual(mandatory(v).filter((x) => x.policyName === "stack-parity").map((x) => x.message), []);
        expectFloor(v, snapshot.stack);
      }
    });

    it("rejects extra staging resources known-differences.yaml declares, which stack-parity refuses too", async () => {
      const known = fs.readFileSync(path.resolve(__dirname, "../../known-differences.yaml"), "utf8");
      const excuse = `\n  - id: debug-access\n    what: SSH and an admin role for debugging.\n    why: Faster than Session Manager.\n    howToTestSafely: Remove them afterwards.\n    resources: ["app-ssh", "app-admin"]\n    onlyIn: staging\n`;
      const knownDifferencesFile = projectTempFile("known-differences.yaml", known.trimEnd() + excuse);
      let s = withResource(staging, "network-app-sg", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "app-ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0", securityGroupId: outputOf(staging, "network-app-sg") });
      s = withResource(s, "app-task", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-admin", { role: outputOf(staging, "app-task", "name"), policyArn: admin });
      let v: PolicyVerdict[];
      try {
        v = await analyze(s, withFiles({ knownDifferencesFile }));
      } catch (e) {
        // A scope check that refuses the declaration stops the whole pack (exit 2): also a refusal.
        assert.match((e as Error).message, /known-differences\.yaml has 1 (problem|declaration too broad to accept):\n.*`debug-access`/);
        return;
      }
      // stack-parity refuses a declaration that reaches a security type (known-differences.ts), so the
      // extra resources stay undeclared there; the floor rejects them on its own either way.
      const parity = mandatory(v).filter((x) => x.policyName === "stack-parity").map((x) => x.message).join("\n");
      assert.match(parity, /declaration `debug-access`: declares `[^`]*::app-ssh` .* a resource of a security type/);
      assert.match(parity, /declaration `debug-access`: declares `[^`]*::app-admin` .* a resource of a security type/);
      assert.match(floorMessages(v, "no-public-ingress").join("\n"), /`app-ssh` .* \(tcp 22\) is open to the whole internet \(0\.0\.0\.0\/0\)/);
      assert.match(floorMessages(v, "no-full-admin").join("\n"), /`app-admin` \(aws:iam\/rolePolicyAttachment:RolePolicyAttachment\) `policyArn` attaches `arn:aws:iam::aws:policy\/AdministratorAccess`/);
    });
  });
});
