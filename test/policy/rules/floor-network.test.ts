import * as assert from "node:assert/strict";
import { SECRET_SIG, SECRET_VALUE, type StackSnapshot, UNKNOWN } from "../../../tools/simulator/snapshot";
import { narrow, runRules, violationsOf } from "../../support/rule-harness";
import { bothSnapshots, mutate, mutateDeclared } from "../harness";
import { outputOf, retyped, urnOf, withResource, withoutDependencies } from "../snapshot-edits";
import { facts, rejected, SHAPES } from "./reported";

/**
 * The security floor's network half (policy/floor-network.ts, read through floor-view.ts) in
 * process: the real stacks pass, and each planted hole is rejected with its facts, as a preview
 * sends it and as deployed state (other generated ids, no provider resources).
 */

const INGRESS = "no-public-ingress";
const EGRESS = "no-database-egress";
const NOT_LB = "only the load balancer's security group may take traffic from the internet, and only on 80 and 443.";
const LB = "the load balancer's group takes the internet on 80 and 443 only, one TCP port per rule.";

const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";

describe("security floor, network (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  const addIngress =
    (...rules: Record<string, unknown>[]) =>
    (p: Record<string, unknown>) =>
      void (p.ingress = [...(p.ingress as unknown[]), ...rules]);
  const ingressFacts = async (s: StackSnapshot) => facts(await rejected(s, INGRESS));

  for (const shape of SHAPES) {
    describe(`the real stacks pass (${shape.name})`, () => {
      for (const policy of [INGRESS, EGRESS]) {
        it(policy, async () => {
          for (const s of [staging, production]) assert.deepEqual(await shape.run(s, policy), [], s.stack);
        });
      }
    });

    describe(`no-public-ingress (${shape.name})`, () => {
      it("rejects the database group open to 0.0.0.0/0", async () => {
        const v = await shape.run(
          mutate(
            staging,
            "db-sg",
            addIngress({ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }),
          ),
          INGRESS,
        );
        assert.deepEqual(facts(v), [
          `db-sg: \`db-sg\` (aws:ec2/securityGroup:SecurityGroup) \`ingress[1]\` (tcp 5432) is open to the whole internet (0.0.0.0/0): ${NOT_LB}`,
        ]);
      });

      it("rejects SSH open on the app tasks' group, in production too", async () => {
        const ssh = {
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: ["0.0.0.0/0"],
          ipv6CidrBlocks: ["::/0"],
          description: "SSH",
        };
        for (const s of [staging, production]) {
          const v = await shape.run(mutate(s, "network-app-sg", addIngress(ssh)), INGRESS);
          assert.deepEqual(
            facts(v),
            [
              `network-app-sg: \`network-app-sg\` (aws:ec2/securityGroup:SecurityGroup) \`ingress[1]\` (tcp 22, "SSH") is open to the whole internet (0.0.0.0/0, ::/0): ${NOT_LB}`,
            ],
            s.stack,
          );
        }
      });

      it("rejects an extra port, a port range and every protocol on the load balancer's group", async () => {
        const extra = [
          { protocol: "tcp", fromPort: 8443, toPort: 8443, ipv6CidrBlocks: ["::/0"] },
          { protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
          { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
          { protocol: "udp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        ];
        const v = await shape.run(mutate(staging, "network-edge-sg", addIngress(...extra)), INGRESS);
        const edge = "network-edge-sg: `network-edge-sg` (aws:ec2/securityGroup:SecurityGroup)";
        assert.deepEqual(facts(v), [
          `${edge} \`ingress[2]\` (tcp 8443) is open to the whole internet (::/0): ${LB}`,
          `${edge} \`ingress[3]\` (tcp 80-443) is open to the whole internet (0.0.0.0/0): ${LB}`,
          `${edge} \`ingress[4]\` (all traffic) is open to the whole internet (0.0.0.0/0): ${LB}`,
          `${edge} \`ingress[5]\` (udp 443) is open to the whole internet (0.0.0.0/0): ${LB}`,
        ]);
      });

      it("no longer excuses 80/443 on the load balancer's group once a service uses that group too", async () => {
        const edge = outputOf(staging, "network-edge-sg");
        const v = await shape.run(
          mutate(staging, "web-service", (p) => {
            const net = p.networkConfiguration as { securityGroups: string[] };
            p.networkConfiguration = { ...net, securityGroups: [...net.securityGroups, edge] };
          }),
          INGRESS,
        );
        assert.deepEqual(
          facts(v).map((m) => /`ingress\[\d\]` \(tcp \d+/.exec(m)?.[0]),
          ["`ingress[0]` (tcp 443", "`ingress[1]` (tcp 80"],
        );
        assert.ok(facts(v).every((m) => m.endsWith(NOT_LB)));
      });

      it("holds the VPC's default group, adopted with rules of its own, as any other group", async () => {
        const adopt = (ingress: Record<string, unknown>[]) =>
          withResource(staging, "network-app-sg", DEFAULT_GROUP, "network-default-sg", { ingress, egress: [] });
        assert.deepEqual(
          facts(
            await shape.run(adopt([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]), INGRESS),
          ),
          [
            `network-default-sg: \`network-default-sg\` (${DEFAULT_GROUP}) \`ingress[0]\` (tcp 22) is open to the whole internet (0.0.0.0/0): ${NOT_LB}`,
          ],
        );
        assert.deepEqual(await shape.run(adopt([{ protocol: "-1", fromPort: 0, toPort: 0, self: true }]), INGRESS), []);
      });

      it("rejects standalone ingress rules from the internet (SecurityGroupRule, SecurityGroupIngressRule)", async () => {
        let s = withResource(
          staging,
          "db-sg",
          GROUP_RULE,
          "db-public",
          {
            type: "ingress",
            protocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            cidrBlocks: ["0.0.0.0/0"],
            securityGroupId: outputOf(staging, "db-sg"),
          },
          { securityGroupId: [urnOf(staging, "db-sg")] },
        );
        s = withResource(s, "network-app-sg", INGRESS_RULE, "app-ssh-v6", {
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrIpv6: "::/0",
          securityGroupId: outputOf(staging, "network-app-sg"),
        });
        assert.deepEqual(facts(await shape.run(s, INGRESS)), [
          `db-public: \`db-public\` (${GROUP_RULE}) on \`db-sg\` (aws:ec2/securityGroup:SecurityGroup) (tcp 5432) is open to the whole internet (0.0.0.0/0): ${NOT_LB}`,
          `app-ssh-v6: \`app-ssh-v6\` (${INGRESS_RULE}) on \`network-app-sg\` (aws:ec2/securityGroup:SecurityGroup) (tcp 22) is open to the whole internet (::/0): ${NOT_LB}`,
        ]);
      });

      it("accepts a standalone HTTPS rule on the load balancer's group, and ingress from a known range", async () => {
        let s = withResource(staging, "network-edge-sg", INGRESS_RULE, "edge-https-v6", {
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv6: "::/0",
          securityGroupId: outputOf(staging, "network-edge-sg"),
        });
        s = mutate(
          s,
          "network-app-sg",
          addIngress({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.30.0.0/16"] }),
        );
        assert.deepEqual(await shape.run(s, INGRESS), []);
      });
    });

    describe(`no-database-egress (${shape.name})`, () => {
      it("rejects egress anywhere from the database group", async () => {
        const v = await shape.run(
          mutate(
            staging,
            "db-sg",
            (p) =>
              void (p.egress = [
                { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "Outbound" },
              ]),
          ),
          EGRESS,
        );
        assert.deepEqual(facts(v), [
          'db-sg: `db-sg` (aws:ec2/securityGroup:SecurityGroup), the security group of the database `db-instance`, allows egress: `egress[0]` (all traffic, "Outbound").',
        ]);
        const two = await shape.run(
          mutate(
            staging,
            "db-sg",
            (p) =>
              void (p.egress = [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                { protocol: "udp", fromPort: 53, toPort: 53, cidrBlocks: ["10.30.0.0/16"] },
              ]),
          ),
          EGRESS,
        );
        assert.match(facts(two)[0], /allows egress: `egress\[0\]` \(tcp 443\), `egress\[1\]` \(udp 53\)\.$/);
      });

      it("rejects a standalone egress rule on the database group, and a database on the VPC's default group", async () => {
        const s = withResource(production, "db-sg", EGRESS_RULE, "db-out", {
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "0.0.0.0/0",
          securityGroupId: outputOf(production, "db-sg"),
        });
        assert.deepEqual(facts(await shape.run(s, EGRESS)), [
          `db-out: \`db-out\` (${EGRESS_RULE}) adds egress (tcp 443) to \`db-sg\` (aws:ec2/securityGroup:SecurityGroup), the security group of the database \`db-instance\`.`,
        ]);
        const v = await shape.run(
          mutate(staging, "db-instance", (p) => void (p.vpcSecurityGroupIds = [])),
          EGRESS,
        );
        assert.deepEqual(facts(v), [
          "db-instance: `db-instance` (aws:rds/instance:Instance) names no `vpcSecurityGroupIds`, so it gets the VPC's default security group, which allows all egress (and ingress from everything else in it).",
        ]);
      });

      it("holds the VPC's default group to no egress when a database names it", async () => {
        let s = withResource(staging, "db-sg", DEFAULT_GROUP, "network-default-sg", {
          ingress: [],
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        });
        assert.deepEqual(await shape.run(s, EGRESS), [], "a default group no database names may send out");
        const id = outputOf(s, "network-default-sg");
        s = mutate(s, "db-instance", (p) => void (p.vpcSecurityGroupIds = [id]));
        assert.deepEqual(facts(await shape.run(s, EGRESS)), [
          `network-default-sg: \`network-default-sg\` (${DEFAULT_GROUP}), the security group of the database \`db-instance\`, allows egress: \`egress[0]\` (all traffic).`,
        ]);
      });

      it("leaves the app tasks' own egress alone: only the database's group is held to none", async () => {
        assert.ok(
          staging.resources.some(
            (r) => r.name === "network-app-sg" && JSON.stringify(r.inputs.egress).includes("0.0.0.0/0"),
          ),
        );
        const s = withResource(staging, "network-app-sg", EGRESS_RULE, "app-out", {
          ipProtocol: "-1",
          cidrIpv4: "0.0.0.0/0",
          securityGroupId: outputOf(staging, "network-app-sg"),
        });
        assert.deepEqual(await shape.run(s, EGRESS), []);
      });
    });
  }

  describe("no-database-egress, on the database, its group and the app's group", () => {
    let few: StackSnapshot;
    before(() => {
      few = narrow(staging, ["db-instance", "db-sg", "network-app-sg"]);
    });
    const egressTo = (cidr: string) => (p: Record<string, unknown>) =>
      void (p.egress = [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [cidr] }]);

    it("rejects egress from the database's group with only these resources in the stack", async () => {
      assert.deepEqual(
        (await rejected(mutate(few, "db-sg", egressTo("0.0.0.0/0")), EGRESS)).map((v) => v.resourceName),
        ["db-sg"],
      );
    });

    it("holds a group to no egress only when a database names it: a proxy's group may send out", async () => {
      // The app's group allows all egress; an RDS proxy naming it, as a database would, is no database.
      const s = withResource(few, "db-instance", "aws:rds/proxy:Proxy", "db-proxy", {
        vpcSecurityGroupIds: [outputOf(few, "network-app-sg")],
      });
      assert.deepEqual(await rejected(s, EGRESS), []);
    });

    it("reads egress only from security groups, not from another resource a database names", async () => {
      const acl = mutate(retyped(few, "db-sg", "aws:ec2/networkAcl:NetworkAcl"), "db-sg", egressTo("0.0.0.0/0"));
      assert.deepEqual(await rejected(acl, EGRESS), []);
    });

    it("describes a rule with no protocol by its ports, not as all traffic", async () => {
      const s = mutate(
        few,
        "db-sg",
        (p) => void (p.egress = [{ fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] }]),
      );
      assert.deepEqual(
        facts(await rejected(s, EGRESS)).map((m) => /allows egress: (.*)\.$/.exec(m)?.[1]),
        ["`egress[0]` ( 443)"],
      );
    });
  });

  describe("how a rule is read", () => {
    it("reads protocols by name or number, ports as numbers or text, and shows what is missing", async () => {
      const rules = [
        { protocol: "6", fromPort: "22", toPort: "22", cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "17", fromPort: 53, toPort: 53, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "ALL", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 1024, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "icmp", fromPort: " ", toPort: Number.NaN, cidrBlocks: ["0.0.0.0/0"], description: "" },
        {
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: ["10.0.0.0/8", " 0.0.0.0/0 "],
          ipv6CidrBlocks: ["0::0/0", "::/0"],
        },
      ];
      const v = await ingressFacts(mutate(staging, "network-app-sg", addIngress(...rules)));
      assert.deepEqual(
        v.map((m) =>
          /`ingress\[\d\]` \(([^)]*)\) is open to the whole internet \(([^)]*)\)/.exec(m)?.slice(1).join(" | "),
        ),
        [
          "tcp 22 | 0.0.0.0/0",
          "udp 53 | 0.0.0.0/0",
          "all traffic | 0.0.0.0/0",
          "tcp 1024-? | 0.0.0.0/0",
          "tcp ?-22 | 0.0.0.0/0",
          "icmp ? | 0.0.0.0/0",
          "tcp 22 |  0.0.0.0/0 , 0::0/0, ::/0",
        ],
      );
    });

    it("takes any run of zeros after the slash for a /0, and a prefix that only begins with zero for none", async () => {
      const few = narrow(staging, ["network-app-sg"]);
      const v = await ingressFacts(
        mutate(
          few,
          "network-app-sg",
          addIngress(
            { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/00", "10.0.0.0/08"] },
            { protocol: "tcp", fromPort: 23, toPort: 23, ipv6CidrBlocks: ["fd00::/08"] },
          ),
        ),
      );
      assert.deepEqual(
        v.map((m) =>
          /`ingress\[\d\]` \(([^)]*)\) is open to the whole internet \(([^)]*)\)/.exec(m)?.slice(1).join(" | "),
        ),
        ["tcp 22 | 0.0.0.0/00"],
      );
    });

    it("excuses only one web port per TCP rule on the load balancer's group", async () => {
      const v = await ingressFacts(
        mutate(
          staging,
          "network-edge-sg",
          addIngress(
            { protocol: "tcp", fromPort: 443, cidrBlocks: ["0.0.0.0/0"] },
            { protocol: "tcp", fromPort: 80, toPort: 80, ipv6CidrBlocks: ["::/0"] },
          ),
        ),
      );
      assert.deepEqual(
        v.map((m) => /`ingress\[\d\]` \([^)]*\)/.exec(m)?.[0]),
        ["`ingress[2]` (tcp 443-?)"],
      );
    });

    it("takes a group that nothing uses, or only a load balancer's other properties use, for an ordinary group", async () => {
      let s = mutate(staging, "web-alb", (p) => void (p.securityGroups = []));
      s = withoutDependencies(s, "web-alb");
      assert.deepEqual(
        (await ingressFacts(s)).map((m) => m.endsWith(NOT_LB)),
        [true, true],
      );
      const tagged = mutate(s, "web-alb", (p) => void (p.tags = { edge: outputOf(staging, "network-edge-sg") }));
      assert.deepEqual(
        (await ingressFacts(tagged)).map((m) => m.endsWith(NOT_LB)),
        [true, true],
      );
      // A load balancer that also names its group elsewhere still uses it as its group.
      assert.deepEqual(
        await rejected(
          mutate(staging, "web-alb", (p) => void (p.tags = { edge: outputOf(staging, "network-edge-sg") })),
          INGRESS,
        ),
        [],
      );
    });

    it("skips a rule resource of no direction, and judges an egress rule only for egress", async () => {
      const sg = outputOf(staging, "network-app-sg");
      let s = withResource(staging, "network-app-sg", GROUP_RULE, "app-odd", {
        type: "sideways",
        protocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrBlocks: ["0.0.0.0/0"],
        securityGroupId: sg,
      });
      s = withResource(s, "network-app-sg", GROUP_RULE, "app-egress", {
        type: "egress",
        protocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrBlocks: ["0.0.0.0/0"],
        securityGroupId: sg,
      });
      s = withResource(s, "network-app-sg", EGRESS_RULE, "app-out", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "0.0.0.0/0",
        securityGroupId: sg,
      });
      assert.deepEqual(await rejected(s, INGRESS), []);
    });

    it("finds a standalone rule's group by dependency while its id is unknown (a first deploy)", async () => {
      const s = withResource(
        staging,
        "db-sg",
        GROUP_RULE,
        "db-public",
        {
          type: "ingress",
          protocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrBlocks: ["0.0.0.0/0"],
          securityGroupId: UNKNOWN,
        },
        { securityGroupId: [urnOf(staging, "db-sg")] },
      );
      assert.deepEqual(
        (await ingressFacts(s)).map((m) => m.split(" (tcp")[0]),
        [`db-public: \`db-public\` (${GROUP_RULE}) on \`db-sg\` (aws:ec2/securityGroup:SecurityGroup)`],
      );
    });

    it("knows the load balancer's group by the load balancer's dependency while its value is unknown", async () => {
      const s = mutate(staging, "web-alb", (p) => void (p.securityGroups = UNKNOWN));
      assert.deepEqual(await rejected(s, INGRESS), []);
    });

    it("unwraps a secret inside a list of ranges", async () => {
      const s = mutateDeclared(
        staging,
        "network-app-sg",
        addIngress({
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: ["10.0.0.0/8", { [SECRET_SIG]: SECRET_VALUE, value: "0.0.0.0/0" }],
        }),
      );
      assert.deepEqual(
        (await ingressFacts(s)).map((m) => /is open to the whole internet \(([^)]*)\)/.exec(m)?.[1]),
        ["0.0.0.0/0"],
      );
    });

    it("names no group for a standalone rule on a group outside the stack", async () => {
      const s = withResource(staging, "network-app-sg", INGRESS_RULE, "elsewhere-ssh", {
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "0.0.0.0/0",
        securityGroupId: "sg-0123456789abcdef0",
      });
      assert.deepEqual(await ingressFacts(s), [
        `elsewhere-ssh: \`elsewhere-ssh\` (${INGRESS_RULE}) (tcp 22) is open to the whole internet (0.0.0.0/0): ${NOT_LB}`,
      ]);
    });

    it("judges each rule where it is declared, once: a group's outputs also list its standalone rules", async () => {
      const open = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
      let s = withResource(staging, "network-app-sg", GROUP_RULE, "app-ssh", {
        type: "ingress",
        ...open,
        securityGroupId: outputOf(staging, "network-app-sg"),
      });
      s = mutate(s, "network-app-sg", (p, r) => void (p === r.outputs && addIngress(open)(p)));
      assert.deepEqual(
        (await ingressFacts(s)).map((m) => m.split(":")[0]),
        ["app-ssh"],
      );
      // Without Analyze, the outputs are all there is to read.
      const outputsOnly = violationsOf(await runRules(s, { only: [INGRESS], analyzeResources: false }), INGRESS);
      assert.deepEqual(
        outputsOnly.map((x) => x.resourceName),
        ["network-app-sg", "app-ssh"],
      );
    });

    it("reads no rules from a list unknown until deployment", async () => {
      const unknown = mutate(
        mutate(staging, "network-app-sg", (p) => void (p.ingress = UNKNOWN)),
        "db-sg",
        (p) => void (p.egress = UNKNOWN),
      );
      assert.deepEqual(await rejected(unknown, INGRESS), []);
      assert.deepEqual(await rejected(unknown, EGRESS), []);
    });

    it("reads the outputs where the declaration is unknown, and a secret value as its value", async () => {
      const open = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
      const unknownDeclared = mutate(staging, "network-app-sg", (p, r) =>
        p === r.outputs ? addIngress(open)(p) : void (p.ingress = UNKNOWN),
      );
      assert.deepEqual(
        (await ingressFacts(unknownDeclared)).map((m) => m.split(":")[0]),
        ["network-app-sg"],
      );
      const secret = mutateDeclared(
        staging,
        "network-app-sg",
        addIngress({ ...open, cidrBlocks: { [SECRET_SIG]: SECRET_VALUE, value: ["0.0.0.0/0"] } }),
      );
      assert.deepEqual(
        (await ingressFacts(secret)).map((m) => m.split(":")[0]),
        ["network-app-sg"],
      );
    });
  });

  describe("what a database's group is", () => {
    it("finds the group by its id when the database sends no dependencies, and lists every database on it", async () => {
      const egress = (p: Record<string, unknown>) =>
        void (p.egress = [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]);
      let s = withoutDependencies(mutate(staging, "db-sg", egress), "db-instance");
      assert.deepEqual(
        facts(await rejected(s, EGRESS)).map((m) => m.split(", allows")[0]),
        ["db-sg: `db-sg` (aws:ec2/securityGroup:SecurityGroup), the security group of the database `db-instance`"],
      );
      s = retyped(
        withResource(s, "db-instance", "aws:rds/instance:Instance", "db-replica", {
          vpcSecurityGroupIds: [outputOf(staging, "db-sg")],
        }),
        "db-replica",
        "aws:rds/cluster:Cluster",
      );
      assert.deepEqual(
        facts(await rejected(s, EGRESS)).map((m) => /the database (.*), allows egress/.exec(m)?.[1]),
        ["`db-instance`, `db-replica`"],
      );
    });

    it("links nothing by an id that is unknown or empty on both sides", async () => {
      const open = (p: Record<string, unknown>) =>
        void (p.egress = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]);
      for (const id of [UNKNOWN, ""]) {
        let s = mutate(staging, "db-sg", (p) => void (open(p), (p.id = p.arn = id)));
        s = withoutDependencies(
          mutate(s, "db-instance", (p) => void (p.vpcSecurityGroupIds = id === "" ? [""] : UNKNOWN)),
          "db-instance",
        );
        assert.deepEqual(await rejected(s, EGRESS), [], JSON.stringify(id));
      }
    });

    it("waits for a declaration unknown until deployment when the outputs hold nothing either", async () => {
      const s = mutate(
        staging,
        "db-instance",
        (p, r) => void (p === r.outputs ? delete p.vpcSecurityGroupIds : (p.vpcSecurityGroupIds = UNKNOWN)),
      );
      assert.deepEqual(await rejected(s, EGRESS), []);
    });

    it("holds an Aurora cluster to its own group too, and waits for ids unknown until deployment", async () => {
      const cluster = retyped(
        mutate(staging, "db-instance", (p) => void delete p.vpcSecurityGroupIds),
        "db-instance",
        "aws:rds/cluster:Cluster",
      );
      assert.deepEqual(
        facts(await rejected(cluster, EGRESS)).map((m) => m.split(" names")[0]),
        ["db-instance: `db-instance` (aws:rds/cluster:Cluster)"],
      );
      assert.deepEqual(
        await rejected(
          mutateDeclared(staging, "db-instance", (p) => void (p.vpcSecurityGroupIds = UNKNOWN)),
          EGRESS,
        ),
        [],
      );
    });

    it("rejects a SecurityGroupRule of type egress on the database group, and no ingress rule or rule elsewhere", async () => {
      const sg = outputOf(staging, "db-sg");
      let s = withResource(staging, "db-sg", GROUP_RULE, "db-egress", {
        type: "egress",
        protocol: "-1",
        fromPort: 0,
        toPort: 0,
        cidrBlocks: ["10.30.0.0/16"],
        securityGroupId: sg,
      });
      s = withResource(s, "db-sg", GROUP_RULE, "db-ingress", {
        type: "ingress",
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: ["10.30.0.0/16"],
        securityGroupId: sg,
      });
      s = withResource(s, "db-sg", EGRESS_RULE, "lost-egress", {
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        securityGroupId: "sg-0123456789abcdef0",
      });
      s = withResource(s, "db-sg", GROUP_RULE, "db-odd", {
        type: "sideways",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["0.0.0.0/0"],
        securityGroupId: sg,
      });
      assert.deepEqual(
        facts(await rejected(s, EGRESS)).map((m) => m.split(" to ")[0]),
        [`db-egress: \`db-egress\` (${GROUP_RULE}) adds egress (all traffic)`],
      );
    });
  });
});
