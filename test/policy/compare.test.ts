import * as assert from "node:assert/strict";
import {
  ComparableResource,
  comparePrints,
  envVarPath,
  judge,
  printStack,
  ResourcePrint,
  showValue,
  underUnknown,
} from "../../policy/engine/compare";
import { elementPrefixes, pathWithin } from "../../policy/engine/elements";
import { UNKNOWN_VALUE } from "../../policy/engine/flatten";
import type { KnownDifference } from "../../policy/engine/known-differences";
import { lockPrints, ParityLock } from "../../policy/engine/lock";

/**
 * compare.ts on hand-made prints: what each rule of the comparison decides, without running a program.
 * (contract.test.ts compares whole hand-made stacks; lock.test.ts the real program's.)
 */

const QUEUE = "aws:sqs/queue:Queue";
const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const FUNCTION = "aws:lambda/function:Function";

function print(key: string, fields: Partial<ResourcePrint> = {}): ResourcePrint {
  return { key, type: QUEUE, component: "(stack)", protect: false, properties: {}, env: {}, ...fields };
}

const prints = (...ps: ResourcePrint[]) => new Map(ps.map((p) => [p.key, p]));
const known = (fields: Partial<KnownDifference>): KnownDifference => ({
  id: "kd",
  what: "w",
  why: "y",
  howToTestSafely: "h",
  ...fields,
});

/** The one property diff of a resource compared with its counterpart. */
function diffAt(staging: ResourcePrint, production: ResourcePrint, path: string, kd: KnownDifference[] = []) {
  const found = comparePrints(prints(staging), prints(production), kd).properties.filter((d) => d.path === path);
  assert.equal(found.length, 1, JSON.stringify(found));
  return found[0];
}

describe("compare: staging against production or the lock", () => {
  describe("printStack", () => {
    const urn = (name: string, type = QUEUE) => `urn:pulumi:staging::parity::${type}::${name}`;

    it("keeps a component's presence but none of its properties (its children carry them)", () => {
      const p = printStack([
        {
          urn: urn("web", "parity:components:Web"),
          type: "parity:components:Web",
          inputs: { url: "https://x" },
          custom: false,
        },
      ]);
      assert.deepEqual(p.get("parity:components:Web::web")?.properties, {});
    });

    it("files a function's env vars under its logical name, and a container's under task/container", () => {
      const p = printStack([
        { urn: urn("mailer", FUNCTION), type: FUNCTION, inputs: { environment: { variables: { TZ: "UTC" } } } },
        {
          urn: urn("web-task", TASK),
          type: TASK,
          inputs: {
            containerDefinitions: JSON.stringify([{ name: "app", environment: [{ name: "TZ", value: "UTC" }] }]),
          },
        },
      ]);
      assert.deepEqual(p.get(`${FUNCTION}::mailer`)?.env, { mailer: { TZ: { value: "UTC", secret: false } } });
      assert.deepEqual(p.get(`${TASK}::web-task`)?.env, { "web-task/app": { TZ: { value: "UTC", secret: false } } });
    });

    it("records provider defaults only when asked, only where nothing is declared, never for env vars or components", () => {
      const r: ComparableResource = {
        urn: urn("jobs"),
        type: QUEUE,
        inputs: { name: "jobs" },
        providerDefaults: { name: "jobs-123", visibilityTimeoutSeconds: 30, environment: { variables: { TZ: "UTC" } } },
      };
      assert.deepEqual(printStack([r], {}, { providerDefaults: true }).get(`${QUEUE}::jobs`)?.providerDefaults, {
        visibilityTimeoutSeconds: 30,
      });
      assert.ok(
        !("providerDefaults" in (printStack([r]).get(`${QUEUE}::jobs`) as object)),
        "a print for another program's comparison carries no defaults",
      );
      const component = { ...r, custom: false };
      assert.ok(
        !(
          "providerDefaults" in
          (printStack([component], {}, { providerDefaults: true }).get(`${QUEUE}::jobs`) as object)
        ),
      );
      const allDeclared = { ...r, providerDefaults: { name: "jobs-123" } };
      assert.ok(
        !(
          "providerDefaults" in
          (printStack([allDeclared], {}, { providerDefaults: true }).get(`${QUEUE}::jobs`) as object)
        ),
        "no empty defaults map",
      );
    });

    it("marks a print built from outputs only", () => {
      assert.equal(
        printStack([{ urn: urn("jobs"), type: QUEUE, inputs: {}, outputsOnly: true }]).get(`${QUEUE}::jobs`)
          ?.outputsOnly,
        true,
      );
    });

    it("skips the CLI's default providers (`default`, `default_7_0_0`), not a provider merely named like one", () => {
      const providers = ["default", "default_7_0_0", "default-eu"].map((name) => ({
        urn: `urn:pulumi:staging::parity::pulumi:providers:aws::${name}`,
        type: "pulumi:providers:aws",
        inputs: {},
      }));
      assert.deepEqual([...printStack(providers).keys()], ["pulumi:providers:aws::default-eu"]);
    });
  });

  describe("comparePrints", () => {
    it("lists presence, properties and env vars in key and path order", () => {
      const staging = prints(
        print("b", {
          properties: { z: 1, a: 1 },
          env: { "b/y": { K: { value: "1", secret: false } }, "b/x": { K: { value: "1", secret: false } } },
        }),
        print("only-c"),
        print("only-a"),
      );
      const production = prints(print("b", { properties: { m: 1 }, env: {} }));
      const cmp = comparePrints(staging, production, []);
      assert.deepEqual(
        cmp.presence.map((p) => p.resourceKey),
        ["only-a", "only-c"],
      );
      assert.deepEqual(
        cmp.properties.map((p) => p.path),
        ["a", "m", "z"],
      );
      assert.deepEqual(
        cmp.env.map((e) => e.service),
        ["b/x", "b/y"],
      );
    });

    it("compares an outputs-only print at production's paths only", () => {
      const staging = print("q", {
        outputsOnly: true,
        properties: { fifoQueue: false, delaySeconds: 0, providerFilled: "x" },
      });
      const production = print("q", { properties: { delaySeconds: 0 } });
      assert.deepEqual(
        comparePrints(prints(staging), prints(production), []).properties.map((d) => [d.path, d.class]),
        [["delaySeconds", "match"]],
      );
    });

    it("calls a path unknown when the other stack's value above it is unknown until deployment, but identity stays identity", () => {
      const production = print("t", { type: TASK, properties: { "containerDefinitions[name=app]": UNKNOWN_VALUE } });
      const staging = print("t", {
        type: TASK,
        properties: {
          "containerDefinitions[name=app].essential": true,
          "containerDefinitions[name=app].image": "img:1",
        },
      });
      assert.equal(diffAt(staging, production, "containerDefinitions[name=app].essential").class, "unknown");
      assert.equal(diffAt(staging, production, "containerDefinitions[name=app].image").class, "identity");
      // The same holds the other way round.
      assert.equal(diffAt(production, staging, "containerDefinitions[name=app].essential").class, "unknown");
    });

    describe("against the lock, a value production leaves to its provider", () => {
      const locked = (providerDefaults: Record<string, unknown>) =>
        print("q", { properties: { name: "{environment}-jobs" }, providerDefaults });

      it("is a match when it equals the default production's provider filled in", () => {
        assert.equal(
          diffAt(print("q", { properties: { delaySeconds: 0 } }), locked({ delaySeconds: 0 }), "delaySeconds").class,
          "match",
        );
      });

      it("is divergent from that default otherwise, showing the default as production's value", () => {
        const d = diffAt(print("q", { properties: { delaySeconds: 5 } }), locked({ delaySeconds: 0 }), "delaySeconds");
        assert.deepEqual([d.class, d.staging, d.production], ["divergent", 5, 0]);
        assert.match(String(d.fix), /^Set `delaySeconds` of `q` to production's value 0 \(this stack has 5\)/);
      });

      it("is declared when known-differences.yaml declares it", () => {
        const d = diffAt(print("q", { properties: { delaySeconds: 5 } }), locked({ delaySeconds: 0 }), "delaySeconds", [
          known({ id: "slow", properties: ["delaySeconds"] }),
        ]);
        assert.deepEqual([d.class, d.declaredBy], ["declared", "slow"]);
      });

      it("is unknown and unplaced when the lock knows no default for it, unless it is empty", () => {
        const d = diffAt(print("q", { properties: { delaySeconds: 5 } }), locked({}), "delaySeconds");
        assert.deepEqual([d.class, d.unplaced], ["unknown", true]);
        assert.equal(
          diffAt(print("q", { properties: { delaySeconds: 0 } }), locked({}), "delaySeconds").class,
          "match",
        );
      });

      it("is unplaced for a simulated path too (the lock records those as well)", () => {
        const tag = 'tags["parity:mode"]';
        const d = diffAt(print("q", { properties: { [tag]: "test" } }), locked({}), tag);
        assert.deepEqual([d.class, d.unplaced], ["unknown", true]);
      });

      it("is left to the usual rules when the path is not locked (sizing), unknown, or the print is not the lock's", () => {
        const service = (desiredCount: unknown) =>
          print("s", { type: "aws:ecs/service:Service", properties: { desiredCount } });
        assert.equal(
          diffAt(service(2), { ...service(2), properties: {}, providerDefaults: {} }, "desiredCount").class,
          "sizing",
        );
        assert.equal(
          diffAt(print("q", { properties: { delaySeconds: UNKNOWN_VALUE } }), locked({}), "delaySeconds").class,
          "unknown",
        );
        assert.equal(
          diffAt(print("q", { properties: { delaySeconds: UNKNOWN_VALUE } }), locked({}), "delaySeconds").unplaced,
          undefined,
        );
        assert.equal(
          diffAt(print("q", { properties: { delaySeconds: 5 } }), print("q"), "delaySeconds").class,
          "divergent",
        );
      });

      it("compares a path production declares the usual way, whatever the defaults", () => {
        const production = print("q", { properties: { delaySeconds: 5 }, providerDefaults: { delaySeconds: 0 } });
        assert.equal(
          diffAt(print("q", { properties: { delaySeconds: 5 } }), production, "delaySeconds").class,
          "match",
        );
      });
    });

    describe("a list element only one side has", () => {
      const SG = "aws:ec2/securityGroup:SecurityGroup";
      const group = (properties: Record<string, unknown>, fields: Partial<ResourcePrint> = {}) =>
        print("sg", { type: SG, properties, ...fields });
      const rule = (i: number, port: number) => ({
        [`ingress[${i}].fromPort`]: port,
        [`ingress[${i}].toPort`]: port,
        [`ingress[${i}].protocol`]: "tcp",
        [`ingress[${i}].cidrBlocks`]: ["0.0.0.0/0"],
      });

      it("is an addition: every leaf of it divergent, the identity ones too, naming the element and the fix", () => {
        const cmp = comparePrints(
          prints(group({ ...rule(0, 443), ...rule(1, 22) })),
          prints(group(rule(0, 443), { providerDefaults: {} })),
          [],
        );
        const added = cmp.properties.filter((d) => d.path.startsWith("ingress[1]"));
        assert.deepEqual(
          added.map((d) => [d.path, d.class]),
          [
            ["ingress[1].cidrBlocks", "divergent"],
            ["ingress[1].fromPort", "divergent"],
            ["ingress[1].protocol", "divergent"],
            ["ingress[1].toPort", "divergent"],
          ],
        );
        assert.ok(
          added.every((d) => d.element?.path === "ingress[1]" && d.element.onlyIn === "staging" && !d.unplaced),
        );
        assert.match(
          String(added[0].fix),
          /^Remove list element `ingress\[1\]` from `sg` \(production has no such element\), or add it to production too/,
        );
        assert.ok(
          cmp.properties
            .filter((d) => d.path.startsWith("ingress[0]"))
            .every((d) => d.element === undefined && d.class !== "divergent"),
        );
      });

      it("is an addition in a list production has empty (`egress: []`), whose empty leaf still matches", () => {
        const cmp = comparePrints(
          prints(group({ "egress[0].protocol": "-1", "egress[0].cidrBlocks": ["0.0.0.0/0"] })),
          prints(group({ egress: [] }, { providerDefaults: {} })),
          [],
        );
        assert.deepEqual(
          cmp.properties.map((d) => [d.path, d.class, d.element?.path]),
          [
            ["egress", "match", undefined],
            ["egress[0].cidrBlocks", "divergent", "egress[0]"],
            ["egress[0].protocol", "divergent", "egress[0]"],
          ],
        );
      });

      it("is a removal when production has it and this stack does not, even where its leaves are empty", () => {
        const production = group({ ...rule(0, 443), "ingress[1].fromPort": 80, "ingress[1].self": false });
        const cmp = comparePrints(prints(group(rule(0, 443))), prints(production), []);
        assert.deepEqual(
          cmp.properties.filter((d) => d.element).map((d) => [d.path, d.class, d.element?.onlyIn]),
          [
            ["ingress[1].fromPort", "divergent", "production"],
            ["ingress[1].self", "divergent", "production"],
          ],
        );
        assert.match(
          String(cmp.properties.find((d) => d.element)?.fix),
          /^Add list element `ingress\[1\]` to `sg` as production has it/,
        );
      });

      it("is judged at the outermost element the other side lacks (a sidecar, not its port mapping)", () => {
        const staging = print("t", {
          type: TASK,
          properties: {
            "containerDefinitions[name=app].essential": true,
            "containerDefinitions[name=app].portMappings[1].containerPort": 9090,
            "containerDefinitions[name=sidecar].portMappings[0].containerPort": 2000,
            "containerDefinitions[name=sidecar].name": "sidecar",
          },
        });
        const production = print("t", {
          type: TASK,
          properties: { "containerDefinitions[name=app].essential": true },
          providerDefaults: {},
        });
        const cmp = comparePrints(prints(staging), prints(production), []);
        assert.deepEqual(
          cmp.properties.filter((d) => d.element).map((d) => [d.path, d.element?.path]),
          [
            [
              "containerDefinitions[name=app].portMappings[1].containerPort",
              "containerDefinitions[name=app].portMappings[1]",
            ],
            ["containerDefinitions[name=sidecar].name", "containerDefinitions[name=sidecar]"],
            ["containerDefinitions[name=sidecar].portMappings[0].containerPort", "containerDefinitions[name=sidecar]"],
          ],
        );
      });

      it("counts production's element as present when only its provider defaults or env vars show it", () => {
        const staging = print("t", { type: TASK, properties: { "containerDefinitions[name=app].essential": true } });
        const byDefaults = print("t", {
          type: TASK,
          properties: {},
          providerDefaults: { "containerDefinitions[name=app].essential": true },
        });
        const byEnv = print("t", {
          type: TASK,
          properties: {},
          env: { "t/app": { TZ: { value: "UTC", secret: false } } },
          providerDefaults: {},
        });
        for (const production of [byDefaults, byEnv])
          assert.equal(diffAt(staging, production, "containerDefinitions[name=app].essential").element, undefined);
      });

      it("is not an element verdict for an element of names and references only (the lock records none of it)", () => {
        const ROUTES = "aws:ec2/routeTable:RouteTable";
        const staging = print("rt", {
          type: ROUTES,
          properties: { "routes[0].cidrBlock": "0.0.0.0/0", "routes[0].gatewayId": "{ref:igw.id}" },
        });
        const d = diffAt(staging, print("rt", { type: ROUTES, providerDefaults: {} }), "routes[0].cidrBlock");
        assert.deepEqual([d.class, d.element], ["identity", undefined]);
      });

      it("is declared when known-differences.yaml declares the element (or the leaf), never on a security type, and unknown beneath an unknown value", () => {
        const PARAMS = "aws:rds/parameterGroup:ParameterGroup";
        const params = (names: string[], fields: Partial<ResourcePrint> = {}) =>
          print("pg", {
            type: PARAMS,
            properties: Object.fromEntries(names.map((n) => [`parameters[name=${n}].value`, "1"])),
            ...fields,
          });
        const declared = diffAt(
          params(["timezone", "log_lock_waits"]),
          params(["timezone"], { providerDefaults: {} }),
          "parameters[name=log_lock_waits].value",
          [known({ id: "locks", properties: ["parameters[name=log_lock_waits]*"] })],
        );
        assert.deepEqual(
          [declared.class, declared.declaredBy, declared.element?.path],
          ["declared", "locks", "parameters[name=log_lock_waits]"],
        );
        // A security group's rules are security: the same declaration excuses nothing there.
        const staging = group({ ...rule(0, 443), ...rule(1, 22) });
        const production = group(rule(0, 443), { providerDefaults: {} });
        const d = diffAt(staging, production, "ingress[1].fromPort", [
          known({ id: "ssh", properties: ["ingress[1]*"] }),
        ]);
        assert.deepEqual([d.class, d.declaredBy, d.element?.path], ["divergent", undefined, "ingress[1]"]);
        const unknownTask = print("t", { type: TASK, properties: { containerDefinitions: UNKNOWN_VALUE } });
        const withSidecar = print("t", {
          type: TASK,
          properties: {
            "containerDefinitions[name=sidecar].name": "sidecar",
            "containerDefinitions[name=sidecar].image": "img:1",
          },
        });
        const at = (path: string) => diffAt(withSidecar, unknownTask, path);
        assert.deepEqual(
          [at("containerDefinitions[name=sidecar].name").class, at("containerDefinitions[name=sidecar].name").element],
          ["unknown", undefined],
        );
        assert.deepEqual(
          [
            at("containerDefinitions[name=sidecar].image").class,
            at("containerDefinitions[name=sidecar].image").element,
          ],
          ["identity", undefined],
          "an identity leaf stays identity",
        );
      });

      it("marks the env vars of a container only one side has with that element, added or removed", () => {
        const staging = print("t", {
          type: TASK,
          properties: { "containerDefinitions[name=sidecar].name": "sidecar" },
          env: { "t/sidecar": { MODE: { value: "x", secret: false } } },
        });
        const empty = print("t", { type: TASK, providerDefaults: {} });
        const [added] = comparePrints(prints(staging), prints(empty), []).env;
        assert.deepEqual(
          [added.class, added.element],
          ["divergent", { path: "containerDefinitions[name=sidecar]", onlyIn: "staging" }],
        );
        const [removed] = comparePrints(prints(empty), prints(staging), []).env;
        assert.deepEqual(
          [removed.class, removed.element],
          ["divergent", { path: "containerDefinitions[name=sidecar]", onlyIn: "production" }],
        );
      });

      it("is an addition when the element is a leaf itself (`settings[name]` entries)", () => {
        const CLUSTER = "aws:ecs/cluster:Cluster";
        const cluster = (properties: Record<string, unknown>) =>
          print("c", { type: CLUSTER, properties, providerDefaults: {} });
        const d = diffAt(
          cluster({ "settings[containerInsights]": "enabled", "settings[extra]": "on" }),
          cluster({ "settings[containerInsights]": "enabled" }),
          "settings[extra]",
        );
        assert.deepEqual([d.class, d.element?.path, d.unplaced], ["divergent", "settings[extra]", undefined]);
      });

      it("is a divergence in staging against production's program too (npm run parity)", () => {
        const d = diffAt(
          group({ ...rule(0, 443), ...rule(1, 22) }),
          group({ ...rule(0, 443) }),
          "ingress[1].cidrBlocks",
        );
        assert.deepEqual([d.class, d.element?.path], ["divergent", "ingress[1]"]);
      });
    });

    describe("env vars", () => {
      const task = (env: ResourcePrint["env"], properties: Record<string, unknown> = {}) =>
        print("t", { type: TASK, env, properties });
      const v = (value: unknown, secret = false) => ({ value, secret });

      it("shows both values: strings as they are, other values as JSON, secrets masked, unrecorded ones said so", () => {
        const cmp = comparePrints(
          prints(task({ "t/app": { A: v("x"), B: v(5), C: v("[secret]", true), D: v("1") } })),
          prints(task({ "t/app": { A: v("y"), B: v(6), C: v("[secret]", true), D: v(null) } })),
          [],
        );
        assert.deepEqual(
          cmp.env.map((e) => [e.key, e.staging, e.production]),
          [
            ["A", "x", "y"],
            ["B", "5", "6"],
            ["C", "[secret]", "[secret]"],
            ["D", "1", "(not recorded)"],
          ],
        );
      });

      it("never shows a secret's value, even from a print that carries it", () => {
        const cmp = comparePrints(
          prints(task({ "t/app": { SIGNING_KEY: v("hunter2", true) } })),
          prints(task({ "t/app": { SIGNING_KEY: v("hunter3", true) } })),
          [],
        );
        assert.deepEqual([cmp.env[0].staging, cmp.env[0].production], ["[secret]", "[secret]"]);
      });

      it("declares a key present in one stack only by an env entry for that stack", () => {
        const staging = prints(task({ "t/app": { DEBUG: v("1") } }));
        const production = prints(task({ "t/app": {} }));
        const verdict = (onlyIn: "staging" | "production") =>
          comparePrints(staging, production, [known({ env: ["DEBUG"], resources: ["t"], onlyIn })]).env[0].class;
        assert.deepEqual([verdict("staging"), verdict("production")], ["declared", "divergent"]);
        const missingInStaging = comparePrints(production, staging, [
          known({ env: ["DEBUG"], resources: ["t"], onlyIn: "production" }),
        ]).env[0];
        assert.deepEqual(
          [missingInStaging.class, missingInStaging.declaredBy, missingInStaging.staging, missingInStaging.production],
          ["declared", "kd", undefined, "1"],
        );
      });

      it("keeps a match a match even where an entry would declare a difference", () => {
        const env = { "t/app": { PAYMENTS_MODE: v("test") } };
        assert.equal(
          comparePrints(prints(task(env)), prints(task(env)), [known({ env: ["PAYMENTS_MODE"] })]).env[0].class,
          "match",
        );
      });

      it("calls a key unknown when the other stack's container or function environment is unknown until deployment", () => {
        const staging = prints(task({ "t/app": { DEBUG: v("1") } }));
        const production = prints(task({}, { "containerDefinitions[name=app]": UNKNOWN_VALUE }));
        assert.equal(comparePrints(staging, production, []).env[0].class, "unknown");
        const fn = (env: ResourcePrint["env"], properties: Record<string, unknown> = {}) =>
          print("mailer", { type: FUNCTION, env, properties });
        assert.equal(
          comparePrints(prints(fn({ mailer: { DEBUG: v("1") } })), prints(fn({}, { environment: UNKNOWN_VALUE })), [])
            .env[0].class,
          "unknown",
        );
      });

      it("addresses a function's env var and a container's plain or secret one by its property path", () => {
        assert.equal(envVarPath("mailer", "TZ", false), "environment.variables.TZ");
        assert.equal(envVarPath("web-task/app", "TZ", false), "containerDefinitions[name=app].environment[TZ]");
        assert.equal(
          envVarPath("web-task/app", "DATABASE_PASSWORD", true),
          "containerDefinitions[name=app].secrets[DATABASE_PASSWORD]",
        );
      });
    });
  });

  describe("judge", () => {
    it("counts a property one side leaves out and the other sets empty as equal, and nothing else", () => {
      assert.equal(judge("structural", "", undefined, true, false), "match");
      assert.equal(judge("structural", undefined, [], false, true), "match");
      assert.equal(judge("structural", "x", undefined, true, false), "divergent");
      assert.equal(judge("structural", "", "x"), "divergent", "both set: an empty value is a value");
    });

    it("says unknown when either side is unknown until deployment, and sizing for a sizing difference", () => {
      assert.equal(judge("structural", "x", UNKNOWN_VALUE), "unknown");
      assert.equal(judge("structural", UNKNOWN_VALUE, "x"), "unknown");
      assert.equal(judge("sizing", 1, 2), "sizing");
      assert.equal(judge("identity", 1, 2), "identity");
    });
  });

  it("underUnknown: only paths strictly beneath an unknown value, at a `.` or `[` boundary", () => {
    const p = print("t", {
      properties: { "containerDefinitions[name=app]": UNKNOWN_VALUE, "containerDefinitions[name=web]": "known" },
    });
    assert.equal(underUnknown(p, "containerDefinitions[name=app].image"), true);
    assert.equal(underUnknown(p, "containerDefinitions[name=app][0]"), true);
    assert.equal(underUnknown(p, "containerDefinitions[name=app]"), false, "the unknown value itself");
    assert.equal(underUnknown(p, "containerDefinitions[name=app]x"), false);
    assert.equal(underUnknown(p, "containerDefinitions[name=web].image"), false, "beneath a known value");
    assert.equal(underUnknown(p, "x.containerDefinitions[name=app]"), false);
  });

  it("showValue: (not set), JSON, and at most 160 characters", () => {
    assert.equal(showValue(undefined), "(not set)");
    assert.equal(showValue("a"), '"a"');
    assert.equal(showValue({ a: 1 }), '{"a":1}');
    const long = showValue("a".repeat(200));
    assert.equal(long, `"${"a".repeat(156)}...`);
    assert.equal(showValue("a".repeat(158)), `"${"a".repeat(158)}"`, "160 characters fit whole");
  });

  it("elementPrefixes: list elements of a path, outermost first; quoted keys are fields", () => {
    assert.deepEqual(elementPrefixes("containerDefinitions[name=app].portMappings[0].containerPort"), [
      "containerDefinitions[name=app]",
      "containerDefinitions[name=app].portMappings[0]",
    ]);
    assert.deepEqual(elementPrefixes('policy.Statement[Sid=Deny].Condition.Bool["aws:SecureTransport"]'), [
      "policy.Statement[Sid=Deny]",
    ]);
    assert.deepEqual(elementPrefixes('tags["a]b\\"c"].x[1]'), ['tags["a]b\\"c"].x[1]']);
    assert.deepEqual(elementPrefixes("settings[containerInsights]"), ["settings[containerInsights]"]);
    assert.deepEqual(elementPrefixes("parameters[name=pg_stat_statements.track].value"), [
      "parameters[name=pg_stat_statements.track]",
    ]);
    assert.deepEqual(elementPrefixes("redrivePolicy.maxReceiveCount"), []);
    // A quoted key may hold brackets and escaped quotes; none of it is an element.
    assert.deepEqual(elementPrefixes('tags["a[0]\\"[1]"].x[2]'), ['tags["a[0]\\"[1]"].x[2]']);
    assert.deepEqual(elementPrefixes('m["[0]"]'), []);
    assert.deepEqual(
      elementPrefixes('m["a[b"]'),
      [],
      "scanning resumes after the key's closing bracket, not inside the key",
    );
    assert.deepEqual(
      elementPrefixes("a[].b[]"),
      ["a[]", "a[].b[]"],
      "an empty selector is an element, and scanning moves past it",
    );
    assert.deepEqual(elementPrefixes('m["a\\"b[1]"]'), [], "an escaped quote does not end the key");
    assert.deepEqual(elementPrefixes('m["a[1]'), [], "nor does the end of an unterminated key make an element");
    assert.deepEqual(elementPrefixes("a[0"), [], "an unclosed selector is no element");
    assert.equal(pathWithin("ingress[2]", "ingress[2].fromPort"), "fromPort");
    assert.equal(
      pathWithin("containerDefinitions[name=app]", "containerDefinitions[name=app].portMappings[0].containerPort"),
      "portMappings[0].containerPort",
    );
    assert.equal(pathWithin("a[0]", "a[0][1]"), "[1]");
    assert.equal(pathWithin("settings[x]", "settings[x]"), "");
  });

  describe("lockPrints", () => {
    const lock = (resources: ParityLock["resources"]): ParityLock => ({
      $comment: "",
      version: 2,
      project: "parity",
      production: {},
      resources,
    });

    it("turns each locked resource into a print, env values as plain values, defaults always present", () => {
      const p = lockPrints(
        lock({
          t: {
            type: TASK,
            component: "web",
            protect: true,
            properties: { a: 1 },
            env: { "t/app": { TZ: "UTC", DATABASE_HOST: null } },
          },
          q: { type: QUEUE, component: "jobs", protect: false, properties: {}, providerDefaults: { delaySeconds: 0 } },
        }),
      );
      assert.deepEqual(p.get("t"), {
        key: "t",
        type: TASK,
        component: "web",
        protect: true,
        properties: { a: 1 },
        env: { "t/app": { TZ: { value: "UTC", secret: false }, DATABASE_HOST: { value: null, secret: false } } },
        providerDefaults: {},
      });
      assert.deepEqual(p.get("q"), {
        key: "q",
        type: QUEUE,
        component: "jobs",
        protect: false,
        properties: {},
        env: {},
        providerDefaults: { delaySeconds: 0 },
      });
    });
  });
});
