import * as assert from "node:assert/strict";
import { compareStacks, ComparableResource } from "../../policy/engine/compare";
import {
  checkDeclarationScope,
  coverageOf,
  declaresEnv,
  declaresPresence,
  declaresProperty,
  globMatches,
  KnownDifference,
  loadKnownDifferences,
  parseKnownDifferences,
  ScopedResource,
  securityKind,
} from "../../policy/engine/known-differences";
import { tempFile } from "./temp-file";

/**
 * A declaration covers exactly what it says and nothing more: a value that may differ is not a key
 * that may be missing, and a resource glob matches whole names only.
 */

const entry = (fields: Partial<KnownDifference>): KnownDifference => ({
  id: "entry",
  what: "w",
  why: "y",
  howToTestSafely: "h",
  ...fields,
});

function task(stack: string, env: Record<string, string>): ComparableResource {
  return {
    urn: `urn:pulumi:${stack}::parity::aws:ecs/taskDefinition:TaskDefinition::web-task`,
    type: "aws:ecs/taskDefinition:TaskDefinition",
    inputs: {
      containerDefinitions: JSON.stringify([
        { name: "app", environment: Object.entries(env).map(([name, value]) => ({ name, value })) },
      ]),
    },
  };
}

const nat = (name: string): ComparableResource => ({
  urn: `urn:pulumi:production::parity::aws:ec2/natGateway:NatGateway::${name}`,
  type: "aws:ec2/natGateway:NatGateway",
  inputs: { connectivityType: "public" },
});

describe("known differences cover only what they declare", () => {
  it("an env entry without `onlyIn` lets PAYMENTS_MODE's value differ, but not staging drop the key", () => {
    const known = [entry({ id: "payments-sandbox", env: ["PAYMENTS_MODE"] })];
    const production = [task("production", { PAYMENTS_MODE: "live", TZ: "UTC" })];
    const valueDiffers = compareStacks([task("staging", { PAYMENTS_MODE: "test", TZ: "UTC" })], production, known);
    assert.deepEqual(
      valueDiffers.env.map((e) => [e.key, e.class, e.declaredBy]),
      [
        ["PAYMENTS_MODE", "declared", "payments-sandbox"],
        ["TZ", "match", undefined],
      ],
    );
    const dropped = compareStacks([task("staging", { TZ: "UTC" })], production, known);
    assert.deepEqual(
      dropped.env.map((e) => [e.key, e.class, e.declaredBy]),
      [
        ["PAYMENTS_MODE", "divergent", undefined],
        ["TZ", "match", undefined],
      ],
    );
  });

  it("a resource glob matches whole names: `network-nat-1` does not cover `network-nat-10`", () => {
    const known = [entry({ id: "single-nat-gateway", resources: ["network-nat-1"], onlyIn: "production" })];
    const cmp = compareStacks([], [nat("network-nat-1"), nat("network-nat-10")], known);
    assert.deepEqual(
      cmp.presence.map((p) => [p.resourceKey.split("::").pop(), p.class]),
      [
        ["network-nat-1", "declared"],
        ["network-nat-10", "divergent"],
      ],
    );
    assert.equal(globMatches("nat-1", "network-nat-1"), false, "a glob is anchored at the start too");
    assert.equal(globMatches("network-*", "network-nat-10"), true);
  });

  it("a glob is `*` over literal text, matched without backtracking: a run of stars over a long path is instant", () => {
    const cases: [string, string, boolean][] = [
      ["", "", true],
      ["", "a", false],
      ["*", "", true],
      ["a*b*c", "abc", true],
      ["a*b*c", "aXbYc", true],
      ["a*b*c", "aXbY", false],
      ["*.x", "a.x.x", true],
      ["a.b", "aXb", false],
      ["tags[*]", "tags[x]", true],
      ["**x", "x", true],
      ["a**", "a", true],
      ["*ab", "aab", true],
      ["a*a*a", "aa", false],
      ["?", "a", false],
    ];
    for (const [pattern, text, expected] of cases)
      assert.equal(globMatches(pattern, text), expected, `${pattern} vs ${text}`);
    const started = process.hrtime.bigint();
    assert.equal(globMatches("**********Q", "a".repeat(5000)), false);
    assert.equal(globMatches("*a*a*a*a*a*a*a*b", "a".repeat(5000)), false);
    // A RegExp of the same pattern takes minutes on this text; a linear matcher takes well under a second.
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000, "matched in under a second");
  });
});

describe("known-differences.yaml: each problem named with its fix", () => {
  const ok = { id: "a", what: "w", why: "y", howToTestSafely: "h", env: ["X"] };
  const FIELDS = "Fix: use only `id`, `what`, `why`, `howToTestSafely`, `resources`, `properties`, `env`, `onlyIn`.";
  // [what is wrong, the entry, the problem line the file's reader sees]
  const cases: [string, unknown, string][] = [
    ["a text instead of an entry", "x", "entry 1: expected a mapping with id, what, why and howToTestSafely."],
    ["an empty entry", null, "entry 1: expected a mapping with id, what, why and howToTestSafely."],
    ["a list instead of an entry", [ok], "entry 1: expected a mapping with id, what, why and howToTestSafely."],
    [
      "no id",
      { ...ok, id: undefined },
      "entry 1: `id` is required and must be a non-empty text. Fix: say a kebab-case id, e.g. `payments-sandbox`.",
    ],
    [
      "a blank what",
      { ...ok, what: "  " },
      "entry 1 (`a`): `what` is required and must be a non-empty text. Fix: say what differs between staging and production.",
    ],
    [
      "no why",
      { ...ok, why: undefined },
      "entry 1 (`a`): `why` is required and must be a non-empty text. Fix: say why the difference is acceptable (cost or risk).",
    ],
    [
      "no howToTestSafely",
      { ...ok, howToTestSafely: undefined },
      "entry 1 (`a`): `howToTestSafely` is required and must be a non-empty text. Fix: say how to test the production behaviour safely.",
    ],
    [
      "an id that is not kebab-case",
      { ...ok, id: "Bad_id" },
      "entry 1 (`Bad_id`): `id` must be kebab-case (e.g. `payments-sandbox`).",
    ],
    [
      "an id with a trailing dash",
      { ...ok, id: "bad-" },
      "entry 1 (`bad-`): `id` must be kebab-case (e.g. `payments-sandbox`).",
    ],
    ["an unknown field", { ...ok, colour: "red" }, `entry 1 (\`a\`): unknown field \`colour\`. ${FIELDS}`],
    ["an empty env list", { ...ok, env: [] }, "entry 1 (`a`): `env` must be a non-empty list of patterns."],
    ["env as a text", { ...ok, env: "X" }, "entry 1 (`a`): `env` must be a non-empty list of patterns."],
    [
      "an empty pattern",
      { ...ok, env: [""] },
      'entry 1 (`a`): `env` pattern "" matches every env var. Fix: name the env vars that differ (e.g. `PAYMENTS_MODE`).',
    ],
    [
      "a pattern that is not a text",
      { ...ok, resources: [1] },
      "entry 1 (`a`): `resources` must be a non-empty list of patterns.",
    ],
    [
      "onlyIn naming no stack",
      { ...ok, resources: ["r"], onlyIn: "both" },
      "entry 1 (`a`): `onlyIn` must be `staging` or `production`.",
    ],
    [
      "an entry that declares nothing",
      { ...ok, env: undefined },
      "entry 1 (`a`): declares nothing. Fix: list the `resources`, `properties` or `env` keys that differ.",
    ],
  ];
  for (const [title, entry, line] of cases) {
    it(`refuses ${title}`, () => {
      const doc = { differences: [JSON.parse(JSON.stringify(entry) ?? "null")] };
      assert.throws(
        () => parseKnownDifferences(doc, "kd.yaml"),
        (e: Error) => {
          assert.equal(e.message, `kd.yaml has 1 problem:\n  - ${line}`);
          return true;
        },
      );
    });
  }

  it("counts several problems in one message, and accepts each valid onlyIn", () => {
    assert.throws(
      () =>
        parseKnownDifferences(
          {
            differences: [
              { ...ok, why: "" },
              { ...ok, id: "b", what: "" },
            ],
          },
          "kd.yaml",
        ),
      (e: Error) => {
        assert.deepEqual(
          e.message.split("\n").map((l) => l.slice(0, 32)),
          ["kd.yaml has 2 problems:", "  - entry 1 (`a`): `why` is requ", "  - entry 2 (`b`): `what` is req"],
        );
        return true;
      },
    );
    for (const onlyIn of ["staging", "production"]) {
      assert.equal(
        parseKnownDifferences({ differences: [{ ...ok, resources: ["r"], onlyIn }] }, "kd.yaml")[0].onlyIn,
        onlyIn,
      );
    }
  });
});

describe("known differences: which entry declares what, and how far it reaches", () => {
  describe("which entry declares what", () => {
    const QUEUE = "aws:sqs/queue:Queue";

    it("a property differs only on the resources the entry names", () => {
      const known = [
        entry({ id: "modes", env: ["PAYMENTS_MODE"] }),
        entry({ id: "slow-jobs", resources: ["jobs"], properties: ["delaySeconds"] }),
      ];
      assert.equal(declaresProperty(known, `${QUEUE}::jobs`, QUEUE, "delaySeconds")?.id, "slow-jobs");
      assert.equal(declaresProperty(known, `${QUEUE}::mail`, QUEUE, "delaySeconds"), undefined);
      assert.equal(declaresProperty(known, `${QUEUE}::jobs`, QUEUE, "visibilityTimeoutSeconds"), undefined);
    });

    it("a resource exists in one stack only by an entry with that `onlyIn`, never by a property or env entry", () => {
      const props = entry({ id: "slow-jobs", resources: ["jobs"], properties: ["delaySeconds"] });
      const seeded = entry({ id: "seeded", resources: ["jobs"], onlyIn: "staging" });
      assert.equal(declaresPresence([props], `${QUEUE}::jobs`, QUEUE, "staging"), undefined);
      assert.equal(declaresPresence([props, seeded], `${QUEUE}::jobs`, QUEUE, "staging")?.id, "seeded");
      assert.equal(declaresPresence([seeded], `${QUEUE}::jobs`, QUEUE, "production"), undefined);
      // Validation refuses `onlyIn` without `resources`; were one to slip through, it would name nothing.
      assert.equal(
        declaresPresence([entry({ id: "all", onlyIn: "staging" })], `${QUEUE}::jobs`, QUEUE, "staging"),
        undefined,
      );
    });

    it("an env value differs by any entry listing the key among others, one-stack entries included", () => {
      const known = [
        entry({ id: "props", resources: ["jobs"], properties: ["x"] }),
        entry({ id: "modes", env: ["EMAIL_MODE", "PAYMENTS_MODE"] }),
      ];
      assert.equal(declaresEnv(known, "PAYMENTS_MODE")?.id, "modes");
      assert.equal(
        declaresEnv([entry({ id: "debug", env: ["DEBUG"], resources: ["web-task"], onlyIn: "staging" })], "DEBUG")?.id,
        "debug",
      );
    });
  });

  describe("what an entry covers among real resources", () => {
    const r = (name: string, paths: string[], type = "aws:sqs/queue:Queue"): ScopedResource => ({
      key: `${type}::${name}`,
      type,
      paths,
    });

    it("the named resources' matching paths; a one-stack entry its resources; an env-only entry nothing", () => {
      const resources = [r("jobs", ["delaySeconds", "fifoQueue"]), r("mail", ["delaySeconds"])];
      assert.deepEqual(
        [...coverageOf(entry({ resources: ["jobs"], properties: ["delay*"] }), resources)],
        [["aws:sqs/queue:Queue::jobs", ["delaySeconds"]]],
      );
      assert.deepEqual([...coverageOf(entry({ resources: ["jobs"], properties: ["nothing"] }), resources)], []);
      assert.deepEqual(
        [...coverageOf(entry({ resources: ["mail"], onlyIn: "staging" }), resources)],
        [["aws:sqs/queue:Queue::mail", []]],
      );
      assert.deepEqual([...coverageOf(entry({ env: ["DEBUG"] }), resources)], []);
      // One stack only and some properties: it covers the resources whose properties it names.
      assert.deepEqual(
        [...coverageOf(entry({ resources: ["mail"], properties: ["nothing"], onlyIn: "staging" }), resources)],
        [],
      );
    });

    it("refuses an entry covering any property of an IAM resource, which is all security", () => {
      assert.equal(securityKind("description", "aws:iam/role:Role"), "IAM or access rules");
      assert.equal(securityKind("description", "aws:sqs/queue:Queue"), undefined);
      const roles = [r("app-role", ["description"], "aws:iam/role:Role")];
      assert.throws(
        () =>
          checkDeclarationScope(
            [entry({ id: "roles", resources: ["app-role"], properties: ["description"] })],
            roles,
            "kd.yaml",
          ),
        {
          message:
            "kd.yaml has 1 declaration too broad to accept:\n  - `roles`: covers `description` of `aws:iam/role:Role::app-role`, which is IAM or access rules: security settings must match production in every stack. Fix: narrow `resources`/`properties` to what really differs.",
        },
      );
    });

    it("accepts an entry covering six resources, refuses seven naming the first four, and counts every problem", () => {
      const queues = ["a", "b", "c", "d", "e", "f", "g"].map((n) => r(`q-${n}`, ["delaySeconds"]));
      const wide = entry({ id: "wide", resources: ["q-*"], properties: ["delaySeconds"] });
      assert.equal(checkDeclarationScope([wide], queues.slice(0, 6), "kd.yaml").length, 1);
      const blanket =
        "`wide`: covers structural properties of 7 resources (q-a, q-b, q-c, q-d, …), more than 6: a blanket exception hides real drift. Fix: name the resources and properties that differ.";
      assert.throws(() => checkDeclarationScope([wide], queues, "kd.yaml"), {
        message: `kd.yaml has 1 declaration too broad to accept:\n  - ${blanket}`,
      });
      assert.throws(() => checkDeclarationScope([wide, { ...wide, id: "wide2" }], queues, "kd.yaml"), {
        message: `kd.yaml has 2 declarations too broad to accept:\n  - ${blanket}\n  - ${blanket.replace("`wide`", "`wide2`")}`,
      });
      // A one-stack entry names whole resources: its own, larger limit (MAX_ONE_STACK_RESOURCES_PER_DECLARATION).
      assert.equal(
        checkDeclarationScope([entry({ id: "seeded", resources: ["q-*"], onlyIn: "staging" })], queues, "kd.yaml")
          .length,
        1,
      );
    });
  });

  describe("the file's own problems", () => {
    const problems = (fields: Record<string, unknown>) => {
      try {
        parseKnownDifferences({ differences: [{ what: "w", why: "y", howToTestSafely: "h", ...fields }] }, "kd.yaml");
      } catch (e) {
        return (e as Error).message
          .split("\n")
          .slice(1)
          .map((l) => l.replace(/^ {2}- /, ""));
      }
      return [];
    };

    it("names an entry by position when its id is not a text, and says only that about it", () => {
      assert.deepEqual(problems({ id: 7.5, env: ["X"] }), [
        "entry 1: `id` is required and must be a non-empty text. Fix: say a kebab-case id, e.g. `payments-sandbox`.",
      ]);
    });

    it("refuses a pattern list that is not a list of texts, for each field", () => {
      assert.deepEqual(problems({ id: "a", resources: ["r"], properties: "delaySeconds" }), [
        "entry 1 (`a`): `properties` must be a non-empty list of patterns.",
      ]);
      assert.deepEqual(problems({ id: "a", env: ["X", 5] }), [
        "entry 1 (`a`): `env` must be a non-empty list of patterns.",
      ]);
    });

    it("says how a pattern of only stars and spaces matches everything, with an example of what to name", () => {
      assert.deepEqual(problems({ id: "a", resources: [" * "], properties: ["*"] }), [
        'entry 1 (`a`): `resources` pattern " * " matches every resource. Fix: name the resources that differ (e.g. `integrations-payments-*`).',
        'entry 1 (`a`): `properties` pattern "*" matches every property. Fix: name the properties that differ (e.g. `tags["parity:mode"]`).',
      ]);
    });

    it("does not call an entry with only properties empty: it needs resources, and says so", () => {
      assert.deepEqual(problems({ id: "a", properties: ["delaySeconds"] }), [
        "entry 1 (`a`): `properties` without `resources` would excuse those properties on every resource. Fix: add `resources` naming the resources whose properties differ.",
      ]);
    });

    it("bounds every pattern: its length, its stars, how many per field and how many entries per file", () => {
      assert.deepEqual(problems({ id: "a", env: ["**********Q"] }), [
        'entry 1 (`a`): `env` pattern "**********Q" has 10 `*`, more than 8. Fix: one `*` per varying part (e.g. `integrations-payments-*`).',
      ]);
      assert.deepEqual(problems({ id: "a", env: [`X${"y".repeat(300)}`] }), [
        `entry 1 (\`a\`): \`env\` pattern "X${"y".repeat(39)}…" (301 characters) is longer than 200 characters. Fix: a pattern names a resource, property or env var; shorten it.`,
      ]);
      assert.deepEqual(problems({ id: "a", env: Array.from({ length: 51 }, (_, i) => `K${i}`) }), [
        "entry 1 (`a`): `env` lists 51 patterns, more than 50. Fix: name only what differs; split unrelated differences into their own entries.",
      ]);
      assert.deepEqual(problems({ id: "a", env: ["X"], why: "w".repeat(4001) }), [
        "entry 1 (`a`): `why` is 4001 characters, more than 4000. Fix: say it in a few sentences and link to a runbook for the rest.",
      ]);
      const many = Array.from({ length: 201 }, (_, i) => ({
        id: `e${i}`,
        what: "w",
        why: "y",
        howToTestSafely: "h",
        env: [`K${i}`],
      }));
      assert.throws(
        () => parseKnownDifferences({ differences: many }, "kd.yaml"),
        /^Error: kd\.yaml: 201 entries, more than 200\. Fix: /,
      );
      const big = tempFile("known-differences.yaml", `differences: []\n#${"x".repeat(1024 * 1024)}\n`);
      assert.throws(
        () => loadKnownDifferences(big),
        /known-differences\.yaml: 1048594 bytes, more than the 1048576 a known-differences file may hold\. Fix: /,
      );
    });

    it("an alias bomb and a parse error name the place, never the file's text", () => {
      const bomb = [
        "a: &a [x, x, x, x, x, x, x, x, x]",
        ...["b", "c", "d", "e", "f", "g"].map(
          (k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefg"[i]}`).join(", ")}]`,
        ),
      ].join("\n");
      assert.throws(
        () => loadKnownDifferences(tempFile("known-differences.yaml", `${bomb}\ndifferences: []\n`)),
        /: not valid YAML \(too many aliases: a YAML alias bomb, refused\)/,
      );
      assert.throws(
        () => loadKnownDifferences(tempFile("known-differences.yaml", "root:x:0:0:root:/root:/bin/bash\n  bad: [")),
        (e: Error) =>
          /not valid YAML \(line \d+, column \d+: [A-Z_]+\)/.test(e.message) && !e.message.includes("root:x"),
      );
    });

    it("an empty file or invalid YAML says what is wrong, keeping the parser's error", () => {
      assert.throws(
        () => loadKnownDifferences(tempFile("known-differences.yaml", "")),
        /expected a top-level `differences:` list/,
      );
      assert.throws(
        () => loadKnownDifferences(tempFile("known-differences.yaml", "differences: [\n")),
        (e: Error) => /: not valid YAML \(line 2, column 1: /.test(e.message) && e.cause instanceof Error,
      );
      assert.throws(
        () => loadKnownDifferences("/nonexistent/known-differences.yaml"),
        (e: Error) => (e.cause as NodeJS.ErrnoException)?.code === "ENOENT",
      );
    });
  });
});
