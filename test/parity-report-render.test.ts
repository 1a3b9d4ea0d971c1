import * as assert from "node:assert/strict";
import type {
  ComparableResource,
  EnvDiff,
  PresenceDiff,
  PropertyDiff,
  StackComparison,
} from "../policy/engine/compare";
import {
  buildReport,
  declarationCoverage,
  modelText,
  resourcesInBoth,
  shortType,
  type ParityReport,
  type ReportSource,
} from "../tools/parity/report-model";
import { codeCell, renderMarkdown } from "../tools/parity/render-markdown";
import { renderTerminal, terminalWidth, wantsColor } from "../tools/parity/render-terminal";
import { renderStagingNotes, sizingRows } from "../tools/parity/staging-notes";
import { fitColumns, padEnd, truncate, wrap, wrapHanging, wrapPath } from "../tools/parity/text-layout";

/**
 * The renderers on small hand-built comparisons: what a reviewer relies on in each format (which rows
 * show, the markers for divergent and declared differences, secrets masked, columns aligned, the
 * output held to its width or size), without running a program or reading an export.
 */

const EXPORTS: ReportSource = {
  kind: "export",
  project: "parity",
  staging: { stack: "stg", file: "stg.json" },
  production: { stack: "prd", file: "prd.json" },
};

const QUEUE = {
  resourceKey: "parity:components:Jobs$aws:sqs/queue:Queue::jobs-jobs",
  resourceType: "aws:sqs/queue:Queue",
  component: "jobs",
};
const DB = {
  resourceKey: "parity:components:Database$aws:rds/instance:Instance::db-instance",
  resourceType: "aws:rds/instance:Instance",
  component: "database",
};

const prop = (
  resource: typeof QUEUE,
  path: string,
  cls: PropertyDiff["class"],
  staging: unknown,
  production: unknown,
  extra: Partial<PropertyDiff> = {},
): PropertyDiff => ({
  ...resource,
  path,
  class: cls,
  staging,
  production,
  ...extra,
});
const envVar = (
  key: string,
  cls: EnvDiff["class"],
  staging: string | undefined,
  production: string | undefined,
  extra: Partial<EnvDiff> = {},
): EnvDiff => ({
  service: "web-task/web",
  key,
  class: cls,
  staging,
  production,
  secret: false,
  ...extra,
});
const onlyIn = (
  name: string,
  where: PresenceDiff["onlyIn"],
  cls: PresenceDiff["class"],
  declaredBy?: string,
): PresenceDiff => ({
  resourceKey: `parity:components:Jobs$aws:sqs/queue:Queue::${name}`,
  resourceType: "aws:sqs/queue:Queue",
  component: "jobs",
  onlyIn: where,
  class: cls,
  ...(declaredBy ? { declaredBy } : {}),
});

function report(parts: Partial<StackComparison>, source: ReportSource = EXPORTS): ParityReport {
  return buildReport(source, { properties: [], presence: [], env: [], ...parts });
}

/** A report with a bit of everything: one divergent property, sizing, a declared property, env vars and presence. */
function mixed(): ParityReport {
  return report({
    properties: [
      prop(QUEUE, "redrivePolicy.maxReceiveCount", "divergent", 1, 5),
      prop(QUEUE, "visibilityTimeoutSeconds", "match", 30, 30),
      prop(DB, "instanceClass", "sizing", "db.t4g.micro", "db.r7g.large"),
      prop(DB, "allocatedStorage", "declared", 20, 100, { declaredBy: "small-disk" }),
    ],
    env: [
      envVar("TZ", "divergent", undefined, "UTC"),
      envVar("PAYMENTS_MODE", "declared", "test", "live", { declaredBy: "payments-sandbox" }),
      envVar("API_KEY", "match", "[secret]", "[secret]", { secret: true }),
    ],
    presence: [
      onlyIn("jobs-mail-dlq", "production", "divergent"),
      onlyIn("auth-seed-admin", "staging", "declared", "seeded-accounts"),
    ],
  });
}

const plain = (r: ParityReport, width = 100) => renderTerminal(r, { width, color: false });
const linesOf = (text: string) => text.split("\n");
/** The lines from the one starting with `title` up to the next blank line. */
function section(text: string, title: string): string[] {
  const lines = linesOf(text);
  const start = lines.findIndex((l) => l.startsWith(title));
  assert.ok(start >= 0, `no section ${title}:\n${text}`);
  const end = lines.indexOf("", start);
  return lines.slice(start, end === -1 ? undefined : end);
}

/**
 * Each row cut at the columns where the header's words start: a value that is not aligned with its
 * header is cut apart (or runs into its neighbour) and fails the comparison.
 */
function cells(header: string, rows: readonly string[]): string[][] {
  const starts = [...header.matchAll(/(?:^| {2})(\S)/g)].map((m) => (m.index ?? 0) + m[0].length - 1);
  return rows.map((row) =>
    starts.map((start, i) => {
      assert.ok(
        start === 0 || row.length <= start || row[start - 1] === " ",
        `a cell runs into column ${i} of:\n${header}\n${row}`,
      );
      return row.slice(start, starts[i + 1]).trim();
    }),
  );
}

describe("parity report text layout", () => {
  const esc = String.fromCharCode(27);

  it("truncates to the width, the ellipsis counted in it", () => {
    assert.equal(truncate("abc", 3), "abc");
    assert.equal(truncate("abcd", 3), "ab…");
    assert.equal(truncate("abcd", 1), "…");
    assert.equal(truncate("abcd", 0), "");
    assert.equal(truncate("𝔸𝔹ℂ", 2), "𝔸…", "an astral character is one column");
  });

  it("wraps each paragraph, dropping the spaces a break falls on", () => {
    assert.deepEqual(wrap("one two  three\nfour", 8), ["one two", "three", "four"]);
    assert.deepEqual(wrap("ab   cd", 3), ["ab", "cd"]);
    assert.deepEqual(wrap("", 5), [""]);
    assert.deepEqual(wrap("anything", 0), [""]);
  });

  it("wraps by visible width: colour codes take no room", () => {
    const red = `${esc}[31mred${esc}[0m`;
    assert.deepEqual(wrap(`${red} ${red}`, 7), [`${red} ${red}`]);
  });

  it("breaks a word wider than the line, then carries on after it", () => {
    assert.deepEqual(wrap("a bcdefgh i", 3), ["a", "bcd", "efg", "h i"]);
    assert.deepEqual(wrap("ab abc", 3), ["ab", "abc"], "a word exactly as wide as the line is not broken");
  });

  it("wraps a path before its segments, splitting only a segment wider than the line", () => {
    assert.deepEqual(wrapPath("a.b[0].c", 5), ["a.b", "[0].c"]);
    assert.deepEqual(wrapPath("a.b[0].c", 4), ["a.b", "[0]", ".c"]);
    assert.deepEqual(wrapPath("abcdefgh.i", 3), ["abc", "def", "gh", ".i"]);
    assert.deepEqual(wrapPath("short", 10), ["short"]);
  });

  it("hangs continuation lines under the text, leaving at least ten columns for it", () => {
    assert.deepEqual(wrapHanging("aaaa bbbb cccc dddd", 9, 2), ["aaaa bbbb", "cccc dddd"], "narrow: no hang");
    assert.deepEqual(wrapHanging("aaaa bbbb cccc dddd eeee", 14, 3), ["aaaa bbbb cccc", "   dddd eeee"]);
    assert.deepEqual(
      wrapHanging("aaaa bbbb cccc dddd", 12, 6),
      ["aaaa bbbb", "  cccc dddd"],
      "the hang shrinks to keep ten columns",
    );
    assert.deepEqual(wrapHanging("fits", 10, 4), ["fits"]);
    assert.deepEqual(
      wrapHanging("aaaa bbbb cccc dddd eeee ffff", 12, 2),
      ["aaaa bbbb", "  cccc dddd", "  eeee ffff"],
      "the continuation re-wrapped as one text",
    );
  });

  it("pads to the visible width", () => {
    assert.equal(padEnd(`${esc}[1mab${esc}[0m`, 4), `${esc}[1mab${esc}[0m  `);
    assert.equal(padEnd("abcdef", 4), "abcdef");
  });

  it("shares the free columns among flexible columns, the remainder to the first ones", () => {
    assert.deepEqual(fitColumns(30, [4, null, null], [4, 50, 50], 2), [4, 11, 11]);
    assert.deepEqual(fitColumns(31, [4, null, null], [4, 50, 50], 2), [4, 12, 11]);
    assert.deepEqual(fitColumns(40, [null, null, null], [30, 30, 30], 1), [13, 13, 12]);
  });

  it("gives a narrow column what it needs, at least the minimum, and the rest to the wide ones", () => {
    assert.deepEqual(fitColumns(60, [null, null], [3, 100], 2), [8, 50]);
    assert.deepEqual(fitColumns(60, [null, null], [3, 100], 2, 2), [3, 55]);
    assert.deepEqual(fitColumns(60, [null, null, null], [3, 20, 100], 2), [8, 20, 28]);
    assert.deepEqual(
      fitColumns(21, [null, null], [10, 100], 0),
      [10, 11],
      "a column needing exactly its share takes it, the rest goes on",
    );
  });

  it("shrinks the minimum rather than overflow a narrow line", () => {
    assert.deepEqual(fitColumns(20, [10, null, null], [10, 30, 30], 2), [10, 3, 3]);
    assert.deepEqual(fitColumns(10, [10, null], [10, 30], 2), [10, 1]);
  });
});

describe("parity report model", () => {
  it("puts what needs action first: resources by worst class, then component and name; properties by class, then path", () => {
    const r = report({
      properties: [
        prop({ ...DB, resourceKey: "k::b-db" }, "z", "match", 1, 1),
        prop({ ...DB, resourceKey: "k::a-db" }, "z", "match", 1, 1),
        prop({ ...QUEUE, resourceKey: "k::sized", component: "aaa" }, "z", "sizing", 1, 2),
        prop(QUEUE, "b", "unknown", 1, 2),
        prop(QUEUE, "c", "match", 1, 1),
        prop(QUEUE, "a", "unknown", 1, 2),
        prop(DB, "y", "identity", 1, 2),
        prop(DB, "x", "declared", 1, 2, { declaredBy: "d" }),
      ],
    });
    assert.deepEqual(
      r.resources.map((g) => [
        g.component,
        g.resourceKey.split("::").pop(),
        g.worst,
        g.properties.map((p) => p.path).join(","),
      ]),
      [
        ["jobs", "jobs-jobs", "unknown", "a,b,c"],
        ["database", "db-instance", "declared", "x,y"],
        ["aaa", "sized", "sizing", "z"],
        ["database", "a-db", "match", "z"],
        ["database", "b-db", "match", "z"],
      ],
    );
  });

  it("sorts env vars and resources in one stack by class, then by service and key or component and name", () => {
    const r = report({
      env: [
        envVar("B", "match", "1", "1"),
        envVar("A", "match", "1", "1", { service: "z-fn" }),
        envVar("A", "match", "1", "1"),
        envVar("Z", "divergent", "1", "2", { service: "z-fn" }),
      ],
      presence: [
        onlyIn("b", "staging", "declared", "d"),
        { ...onlyIn("c", "staging", "declared", "d"), component: "auth" },
        onlyIn("a", "staging", "declared", "d"),
        onlyIn("z", "production", "divergent"),
      ],
    });
    assert.deepEqual(
      r.env.map((e) => `${e.service} ${e.key}`),
      ["z-fn Z", "web-task/web A", "web-task/web B", "z-fn A"],
    );
    assert.deepEqual(
      r.presence.map((p) => `${p.component} ${p.resourceKey.split("::").pop()}`),
      ["jobs z", "auth c", "jobs a", "jobs b"],
    );
  });

  it("redacts secrets in property and env values before any renderer sees them", () => {
    const fingerprint = "[secret:0123456789abcdef]";
    const r = report({
      properties: [prop(DB, "url", "identity", `postgres://u:${fingerprint}@db`, "x")],
      env: [envVar("K", "match", fingerprint, fingerprint), envVar("M", "divergent", undefined, "v")],
    });
    assert.equal(r.resources[0].properties[0].staging, "postgres://u:[secret]@db");
    assert.deepEqual(
      r.env.map((e) => [e.key, e.staging, e.production]),
      [
        ["M", undefined, "v"],
        ["K", "[secret]", "[secret]"],
      ],
    );
  });

  it("totals per class, per component and presence, and is divergent on any divergence of any kind", () => {
    const r = mixed();
    assert.deepEqual(r.totals.properties, { divergent: 1, unknown: 0, declared: 1, sizing: 1, identity: 0, match: 1 });
    assert.deepEqual(r.totals.presence, { divergent: 1, declared: 1 });
    assert.deepEqual(r.totals.env, { divergent: 1, unknown: 0, declared: 1, sizing: 0, identity: 0, match: 1 });
    assert.deepEqual(r.totals.components, [
      {
        component: "database",
        resources: 1,
        properties: { divergent: 0, unknown: 0, declared: 1, sizing: 1, identity: 0, match: 0 },
        onlyInOneStack: 0,
      },
      {
        component: "jobs",
        resources: 1,
        properties: { divergent: 1, unknown: 0, declared: 0, sizing: 0, identity: 0, match: 1 },
        onlyInOneStack: 2,
      },
    ]);
    assert.equal(r.divergent, true);
    const twoDeclared = report({
      presence: [
        onlyIn("a", "staging", "declared", "d"),
        onlyIn("b", "staging", "declared", "d"),
        onlyIn("c", "staging", "divergent"),
      ],
    });
    assert.deepEqual(twoDeclared.totals.presence, { divergent: 1, declared: 2 });
    assert.equal(report({ properties: [prop(QUEUE, "a", "divergent", 1, 2)] }).divergent, true);
    assert.equal(report({ presence: [onlyIn("a", "staging", "divergent")] }).divergent, true);
    assert.equal(report({ env: [envVar("A", "divergent", "1", "2")] }).divergent, true);
    assert.equal(
      report({
        properties: [prop(QUEUE, "a", "unknown", 1, 2)],
        presence: [onlyIn("a", "staging", "declared", "d")],
        env: [envVar("A", "declared", "1", "2", { declaredBy: "d" })],
      }).divergent,
      false,
    );
  });

  it("lists what each declaration covered, sorted, each resource and service once", () => {
    const r = report({
      properties: [
        prop({ ...DB, resourceKey: "k::db-2" }, "allocatedStorage", "declared", 1, 2, { declaredBy: "small-disk" }),
        prop(DB, "allocatedStorage", "declared", 1, 2, { declaredBy: "small-disk" }),
        prop(DB, "iops", "declared", 1, 2, { declaredBy: "small-disk" }),
        prop(DB, "port", "divergent", 1, 2, { declaredBy: "not-a-declaration" }),
      ],
      env: [
        envVar("MODE", "declared", "a", "b", { declaredBy: "modes" }),
        envVar("MODE", "declared", "a", "b", { declaredBy: "modes", service: "a-fn" }),
      ],
      // Sorted by component first, so the names arrive out of order: seed-b (auth), then seed-a (jobs).
      presence: [
        onlyIn("seed-a", "staging", "declared", "accounts"),
        { ...onlyIn("seed-b", "staging", "declared", "accounts"), component: "auth" },
        onlyIn("x", "staging", "divergent"),
      ],
    });
    assert.deepEqual(declarationCoverage(r), [
      { id: "accounts", onlyIn: ["seed-a", "seed-b"], properties: [], env: [] },
      { id: "modes", onlyIn: [], properties: [], env: [{ key: "MODE", services: ["a-fn", "web-task/web"] }] },
      {
        id: "small-disk",
        onlyIn: [],
        properties: [
          { path: "allocatedStorage", resources: ["db-2", "db-instance"] },
          { path: "iops", resources: ["db-instance"] },
        ],
        env: [],
      },
    ]);
  });

  it("shortens types to what tells resources apart", () => {
    assert.equal(shortType("aws:rds/instance:Instance"), "rds.Instance");
    assert.equal(shortType("aws:s3:Bucket"), "s3.Bucket");
    assert.equal(shortType("pulumi:providers:aws"), "provider.aws");
    assert.equal(shortType("random:index/randomPassword:RandomPassword"), "random.RandomPassword");
    assert.equal(shortType("tls:index:PrivateKey"), "tls.PrivateKey");
    assert.equal(shortType("parity:components:Database"), "parity.components.Database");
    assert.equal(shortType("pulumi:pulumi:Stack"), "pulumi.pulumi.Stack");
    assert.equal(shortType("not-a-type"), "not-a-type");
  });

  it("describes the provider model only for the offline programs", () => {
    const program = (model?: ReportSource["model"]): ReportSource => ({
      kind: "program",
      project: "p",
      staging: { stack: "s" },
      production: { stack: "p" },
      model,
    });
    assert.equal(
      modelText(program({ scenario: "update", seed: "ab12" })),
      "provider model: update of a deployed stack, seed ab12 (rerun with --scenario update --seed ab12)",
    );
    assert.equal(
      modelText(program({ scenario: "create", seed: "ab12" })),
      "provider model: first deploy (create), seed ab12 (rerun with --scenario create --seed ab12)",
    );
    assert.equal(modelText(program({ seed: "ab12" })), undefined);
    assert.equal(modelText(program()), undefined);
    assert.equal(modelText({ ...EXPORTS, model: { scenario: "update", seed: "ab12" } }), undefined);
  });

  it("lists the resources both stacks have, under their top-level component, without the stack itself", () => {
    const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::parity::${type}::${name}`;
    const stackOf = (stack: string): ComparableResource[] => {
      const root = urn(stack, "pulumi:pulumi:Stack", `parity-${stack}`);
      const jobs = urn(stack, "parity:components:Jobs", "jobs");
      return [
        { urn: root, type: "pulumi:pulumi:Stack", inputs: {} },
        { urn: jobs, type: "parity:components:Jobs", inputs: {}, parent: root },
        {
          urn: urn(stack, "parity:components:Jobs$aws:sqs/queue:Queue", "jobs-jobs"),
          type: "aws:sqs/queue:Queue",
          inputs: {},
          parent: jobs,
        },
        { urn: urn(stack, "aws:s3/bucket:Bucket", "loose"), type: "aws:s3/bucket:Bucket", inputs: {}, parent: root },
        ...(stack === "staging"
          ? [
              {
                urn: urn(stack, "aws:s3/bucket:Bucket", "staging-only"),
                type: "aws:s3/bucket:Bucket",
                inputs: {},
                parent: root,
              },
            ]
          : []),
      ];
    };
    assert.deepEqual(resourcesInBoth(stackOf("staging"), stackOf("production")), [
      { resourceKey: "parity:components:Jobs::jobs", resourceType: "parity:components:Jobs", component: "jobs" },
      {
        resourceKey: "parity:components:Jobs$aws:sqs/queue:Queue::jobs-jobs",
        resourceType: "aws:sqs/queue:Queue",
        component: "jobs",
      },
      { resourceKey: "aws:s3/bucket:Bucket::loose", resourceType: "aws:s3/bucket:Bucket", component: "(stack)" },
    ]);
  });
});

describe("parity report renderers on hand-built comparisons", () => {
  describe("terminal", () => {
    it("names both sides and where each came from", () => {
      const out = linesOf(plain(mixed()));
      assert.equal(out[0], "Parity report: stg vs prd (project parity)");
      assert.equal(out[1], "  staging    = stg.json (stack stg, from pulumi stack export)");
      assert.equal(out[2], "  production = prd.json (stack prd, from pulumi stack export)");
      const program = linesOf(
        plain(
          report(
            {},
            {
              kind: "program",
              project: "parity",
              staging: { stack: "staging" },
              production: { stack: "production" },
              model: { scenario: "create", seed: "8f3a" },
            },
          ),
        ),
      );
      assert.deepEqual(program.slice(1, 4), [
        "  staging    = stack staging, this repo's program run offline",
        "  production = stack production, this repo's program run offline",
        "  provider model: first deploy (create), seed 8f3a (rerun with --scenario create --seed 8f3a)",
      ]);
    });

    it("counts every divergence in the verdict: properties, resources in one stack and env vars", () => {
      assert.match(
        plain(mixed(), 140),
        /^✗ staging diverges from production: 3 difference\(s\) must be fixed or declared in known-differences\.yaml\.$/m,
      );
      const fine = plain(report({ properties: [prop(DB, "instanceClass", "sizing", "a", "b")] }));
      assert.match(
        fine,
        /^✓ staging matches production's structure; every difference is sizing, identity or declared\.$/m,
      );
      assert.doesNotMatch(fine, /DIVERGENT|✗/);
    });

    it("lists each divergent property with both values aligned under their labels and the fix", () => {
      const lines = section(plain(mixed()), "DIVERGENT");
      assert.deepEqual(lines.slice(0, 5), [
        "DIVERGENT: 1 property and 1 env var(s) must match production",
        "  ✗ jobs › jobs-jobs (sqs.Queue)",
        "    redrivePolicy.maxReceiveCount",
        "      staging:    1",
        "      production: 5",
      ]);
      assert.equal(
        lines[5],
        "      fix: make staging's value production's, or declare the difference in known-differences.yaml",
      );
      const withFix = plain(
        report({
          properties: [
            prop(QUEUE, "a", "divergent", 1, 2, { fix: "raise  the\n retry count" }),
            prop(QUEUE, "b", "divergent", 1, 2),
          ],
        }),
      );
      assert.match(withFix, /^DIVERGENT: 2 properties must match production$/m);
      assert.match(withFix, /^ {6}fix: raise the retry count$/m);
    });

    it("wraps a long divergent value under its label, not the margin", () => {
      const long = "x".repeat(70);
      const lines = section(
        plain(report({ properties: [prop(QUEUE, "policy", "divergent", long, "short")] }), 60),
        "DIVERGENT",
      );
      const at = lines.findIndex((l) => l.startsWith("      staging:    x"));
      assert.equal(lines[at], `      staging:    ${"x".repeat(60 - 18)}`);
      assert.equal(lines[at + 1], `                  ${"x".repeat(70 - 42)}`);
      assert.equal(lines[at + 2], "      production: short");
    });

    it("calls out a divergent env var, masking a secret and naming a missing key's fix", () => {
      const r = report({
        env: [
          envVar("TZ", "divergent", undefined, "UTC"),
          envVar("API_KEY", "divergent", "[secret]", "[secret]", { secret: true }),
          envVar("MODE", "divergent", "a", "b"),
        ],
      });
      const lines = section(plain(r), "DIVERGENT");
      assert.equal(lines[0], "DIVERGENT: 3 env var(s) must match production");
      const entry = (key: string) =>
        lines.slice(
          lines.findIndex((l) => l.includes(`env ${key} `)),
          lines.findIndex((l) => l.includes(`env ${key} `)) + 2,
        );
      assert.deepEqual(entry("TZ"), [
        "  ✗ env TZ of web-task/web: staging (missing), production UTC",
        "      fix: give both stacks the same keys, or declare the key in known-differences.yaml (env)",
      ]);
      assert.deepEqual(entry("API_KEY"), [
        "  ✗ env API_KEY of web-task/web: staging [secret], production [secret]",
        "      fix: make staging's value production's, or declare the key in known-differences.yaml (env)",
      ]);
      assert.deepEqual(entry("MODE")[0], "  ✗ env MODE of web-task/web: staging a, production b");
    });

    it("lists only undeclared resources in one stack as needing action, counting the declared ones below", () => {
      const lines = section(plain(mixed(), 120), "Resources in one stack only");
      assert.deepEqual(lines, [
        "Resources in one stack only, not declared (1; 1 more declared, below)",
        "  ✗ divergent jobs › jobs-mail-dlq (sqs.Queue) only in production; not declared: add it to the other stack or declare it",
      ]);
      const onlyDeclared = plain(
        report({ presence: [onlyIn("auth-seed-admin", "staging", "declared", "seeded-accounts")] }),
      );
      assert.doesNotMatch(onlyDeclared, /Resources in one stack only/);
      assert.match(
        plain(report({ presence: [onlyIn("x", "staging", "divergent")] })),
        /^Resources in one stack only, not declared \(1\)$/m,
      );
    });

    it("says what each declaration covered: resources in one stack, properties and env keys", () => {
      const lines = section(plain(mixed(), 120), "Declared differences");
      assert.deepEqual(lines, [
        "Declared differences (3 declarations in known-differences.yaml; why: docs/staging-notes.md)",
        "  ~ payments-sandbox",
        "      env: PAYMENTS_MODE of web-task/web",
        "  ~ seeded-accounts",
        "      only in one stack: auth-seed-admin",
        "  ~ small-disk",
        "      properties: allocatedStorage of db-instance",
      ]);
      assert.doesNotMatch(plain(report({ properties: [prop(DB, "a", "sizing", 1, 2)] })), /Declared differences/);
    });

    it("totals per class and per component in a grid whose columns line up", () => {
      const lines = section(plain(mixed()), "Totals");
      assert.equal(lines[1], "  properties: divergent 1 · unknown 0 · declared 1 · sizing 1 · identity 0 · match 1");
      assert.equal(lines[2], "  one stack only: divergent 1 · declared 1");
      assert.equal(lines[3], "  env vars: divergent 1 · unknown 0 · declared 1 · sizing 0 · identity 0 · match 1");
      const grid = lines.slice(4);
      assert.match(grid[0], /^component +resources +divergent +unknown +declared +sizing +identity +match +one stack$/);
      const database = grid.find((l) => l.startsWith("database"));
      const jobs = grid.find((l) => l.startsWith("jobs"));
      assert.ok(database && jobs, grid.join("\n"));
      // Each count sits right under its header's first letter.
      for (const [header, value] of [
        ["resources", ["1", "1"]],
        ["declared", ["1", "0"]],
        ["one stack", ["0", "2"]],
      ] as const) {
        const column = grid[0].indexOf(header);
        assert.deepEqual([database[column], jobs[column]], value, header);
      }
      assert.doesNotMatch(
        plain(report({ properties: [prop(DB, "a", "sizing", 1, 2)] })),
        /env vars:/,
        "no env line without env vars",
      );
    });

    it("says the per-component totals in a line each when the grid does not fit", () => {
      const text = section(
        plain(
          report({ properties: [prop(DB, "instanceClass", "sizing", "a", "b"), prop(DB, "port", "match", 1, 1)] }),
          40,
        ),
        "Totals",
      ).join("\n");
      assert.doesNotMatch(text, /component +resources/);
      assert.match(text.replace(/\s+/g, " "), /database: 1 resources; sizing 1 · match 1; one stack only 0/);
      const empty = section(plain(report({ presence: [onlyIn("x", "staging", "divergent")] }), 40), "Totals").join(
        "\n",
      );
      assert.match(empty.replace(/\s+/g, " "), /jobs: 0 resources; no properties; one stack only 1/);
    });

    it("puts env vars side by side, secrets masked, a missing key and an empty value spelled out", () => {
      const r = report({
        env: [
          envVar("API_KEY", "match", "[secret:0123456789abcdef]", "[secret:0123456789abcdef]", { secret: true }),
          envVar("TZ", "divergent", undefined, "UTC"),
          envVar("PREFIX", "match", "", ""),
        ],
      });
      const lines = section(plain(r), "Environment variables");
      assert.equal(
        lines[0],
        "Environment variables of 1 service(s): keys must match, values may differ (secrets masked)",
      );
      assert.ok(
        lines.slice(1).every((l) => l.length < 60),
        `short values are not padded out to the terminal's width:\n${lines.join("\n")}`,
      );
      assert.match(
        plain(report({ env: [envVar("A", "match", "1", "1"), envVar("A", "match", "1", "1", { service: "worker" })] })),
        /^Environment variables of 2 service\(s\)/m,
      );
      assert.deepEqual(cells(lines[1], lines.slice(1)), [
        ["class", "service", "key", "stg", "prd"],
        ["divergent", "web-task/web", "TZ", "(missing)", "UTC"],
        ["match", "web-task/web", "API_KEY", "[secret]", "[secret]"],
        ["match", "web-task/web", "PREFIX", '""', '""'],
      ]);
      assert.doesNotMatch(plain(report({ properties: [prop(DB, "a", "match", 1, 1)] })), /Environment variables/);
    });

    it("lists every resource with its worst class and every property under it, values in aligned columns", () => {
      const lines = section(plain(mixed()), "Every resource and property");
      assert.equal(lines[0], "Every resource and property, side by side (2 resources, 4 properties)");
      assert.equal(lines[2], "✗ jobs › jobs-jobs (sqs.Queue)", "the divergent resource first, marked");
      assert.equal(lines[5], "~ database › db-instance (rds.Instance)", "then the declared one");
      assert.deepEqual(cells(lines[1], [lines[1], ...lines.slice(3, 5), ...lines.slice(6)]), [
        ["class", "property", "stg", "prd"],
        ["divergent", "redrivePolicy.maxReceiveCount", "1", "5"],
        ["match", "visibilityTimeoutSeconds", "30", "30"],
        ["declared", "allocatedStorage", "20", "100"],
        ["", "declared by small-disk", "", ""],
        ["sizing", "instanceClass", "db.t4g.micro", "db.r7g.large"],
      ]);
      // Properties are indented under their resource; the declaration hangs under the property.
      assert.equal(lines[3].indexOf("redrivePolicy"), lines[1].indexOf("property") + 2);
      assert.equal(lines[7].indexOf("declared by"), lines[1].indexOf("property") + 4);
    });

    it("keeps a value of several lines in its column, one line per row", () => {
      const pem = "-----BEGIN-----\nabc\n-----END-----";
      const lines = section(
        plain(report({ properties: [prop(QUEUE, "pem", "match", pem, pem), prop(QUEUE, "zz", "match", 1, 1)] })),
        "Every resource and property",
      );
      assert.deepEqual(cells(lines[1], [lines[1], ...lines.slice(3)]), [
        ["class", "property", "stg", "prd"],
        ["match", "pem", "-----BEGIN-----", "-----BEGIN-----"],
        ["", "", "abc", "abc"],
        ["", "", "-----END-----", "-----END-----"],
        ["match", "zz", "1", "1"],
      ]);
    });

    it("shows 'declared by' only under a declared property", () => {
      const out = plain(
        report({
          properties: [
            prop(QUEUE, "a", "divergent", 1, 2, { declaredBy: "covers-something-else" }),
            prop(QUEUE, "b", "declared", 1, 2, { declaredBy: "small-disk" }),
          ],
        }),
      );
      assert.deepEqual(
        linesOf(out)
          .filter((l) => l.includes("declared by"))
          .map((l) => l.trim()),
        ["declared by small-disk"],
      );
    });

    it("wraps a long resource title under itself, not under the marker", () => {
      const long = { ...QUEUE, resourceKey: `k::${"a-very-long-queue-name-".repeat(3)}end` };
      const lines = section(
        plain(report({ properties: [prop(long, "x", "divergent", 1, 2)] }), 40),
        "Every resource and property",
      );
      const title = lines.slice(
        lines.findIndex((l) => l.startsWith("✗ jobs ›")),
        lines.findIndex((l) => l.startsWith("divergent")),
      );
      assert.ok(title.length > 1, lines.join("\n"));
      assert.ok(
        title.slice(1).every((l) => /^ {2}\S/.test(l)),
        title.join("\n"),
      );
      assert.equal(title.join("").replace(/^✗|\s+/g, ""), `jobs›${"a-very-long-queue-name-".repeat(3)}end(sqs.Queue)`);
    });

    it("lists a resource with nothing to compare, saying so", () => {
      const r = buildReport(EXPORTS, { properties: [], presence: [], env: [] }, [
        { resourceKey: "parity:components:Jobs::jobs", resourceType: "parity:components:Jobs", component: "jobs" },
      ]);
      const lines = section(plain(r), "Every resource and property");
      assert.equal(lines[0], "Every resource and property, side by side (1 resources, 0 properties)");
      assert.equal(lines[2], "= jobs › jobs (parity.components.Jobs): no properties to compare");
    });

    it("wraps a long property path between its segments, within its column", () => {
      const path = "containers[name=web].healthCheck.command[1].interval";
      const out = linesOf(plain(report({ properties: [prop(QUEUE, path, "divergent", 1, 2)] }), 60));
      const header = out.findIndex((l) => /^class +property +stg +prd$/.test(l));
      const [stg, prd] = [out[header].indexOf("stg"), out[header].indexOf("prd")];
      const rows = out.slice(header + 2).filter((l) => l !== "");
      assert.deepEqual(
        rows.map((l) => [l.slice(0, stg).trim(), l.slice(stg, prd).trim(), l.slice(prd).trim()]),
        [
          ["divergent    containers", "1", "2"],
          ["[name=web]", "", ""],
          [".healthCheck", "", ""],
          [".command[1]", "", ""],
          [".interval", "", ""],
        ],
      );
      assert.ok(
        rows.slice(1).every((l) => l.startsWith(" ".repeat(13))),
        "continuations stay in the path column, indented like the path",
      );
    });

    it("never prints wider than asked, and never narrower than 40 columns", () => {
      const long = prop(
        QUEUE,
        "policy",
        "divergent",
        "y".repeat(300),
        { statement: "z".repeat(200) },
        { fix: "w ".repeat(80) },
      );
      for (const width of [40, 57, 80]) {
        const over = linesOf(
          plain(
            report({ properties: [long], env: [envVar("K".repeat(60), "divergent", "v".repeat(90), undefined)] }),
            width,
          ),
        ).filter((l) => [...l].length > width);
        assert.deepEqual(over, [], String(width));
      }
      const tiny = linesOf(plain(mixed(), 10));
      assert.ok(tiny.every((l) => [...l].length <= 40));
      assert.ok(
        tiny.some((l) => [...l].length > 30),
        "a 10-column request gets 40-column lines",
      );
    });

    it("writes only well-formed colour codes, in every section", () => {
      const coloured = renderTerminal(mixed(), { width: 100, color: true });
      // Built from the escape's code point, as tools/parity/text-layout.ts does.
      const esc = String.fromCharCode(27);
      const escape = (pattern: string) => new RegExp(`${esc}\\[${pattern}m`, "g");
      const codes = coloured.match(escape("[^m]*")) ?? [];
      assert.ok(codes.length > 20);
      assert.deepEqual(
        codes.filter((c) => c.replace(escape("[0-9;]+"), "") !== ""),
        [],
        "a style without an SGR code",
      );
      assert.equal(coloured.replace(escape("[0-9;]+"), ""), plain(mixed()), "colour changes nothing else");
    });

    it("ends with exactly one newline", () => {
      const out = plain(mixed());
      assert.ok(out.endsWith("\n") && !out.endsWith("\n\n") && !out.startsWith("\n"), JSON.stringify(out.slice(-20)));
    });

    it("hangs a wrapped fix under its text", () => {
      const fix = "raise the retry count of the queue to the count production uses, then redeploy";
      const lines = section(
        plain(report({ properties: [prop(QUEUE, "a", "divergent", 1, 2, { fix })] }), 60),
        "DIVERGENT",
      );
      const at = lines.findIndex((l) => l.startsWith("      fix: "));
      assert.match(lines[at + 1], /^ {8}\S/, lines.join("\n"));
    });

    it("colours the class column and the markers, and nothing when colour is off", () => {
      const esc = String.fromCharCode(27);
      const coloured = renderTerminal(mixed(), { width: 100, color: true });
      assert.ok(coloured.includes(`${esc}[31;1mdivergent${esc}[0m`), "the divergent class is bold red");
      assert.ok(coloured.includes(`${esc}[36mdeclared ${esc}[0m`), "the declared class is cyan");
      assert.ok(coloured.includes(`${esc}[31;1m✗${esc}[0m ${esc}[1mjobs › jobs-jobs (sqs.Queue)${esc}[0m`));
      assert.ok(!plain(mixed()).includes(esc));
    });
  });

  describe("terminal width and colour", () => {
    it("uses the terminal's columns, or 100 when there is no terminal", () => {
      assert.equal(terminalWidth({ columns: 64 }), 64);
      assert.equal(terminalWidth({}), 100);
      assert.equal(terminalWidth({ columns: 0 }), 100);
    });

    it("colours only a TTY, and not when NO_COLOR is set or TERM is dumb", () => {
      assert.equal(wantsColor({ isTTY: true }, {}), true);
      assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: "" }), true, "an empty NO_COLOR is unset");
      assert.equal(wantsColor({ isTTY: true }, { NO_COLOR: "1" }), false);
      assert.equal(wantsColor({ isTTY: true }, { TERM: "dumb" }), false);
      assert.equal(wantsColor({ isTTY: true }, { TERM: "xterm" }), true);
      assert.equal(wantsColor({}, {}), false);
    });
  });

  describe("markdown", () => {
    const md = (r: ParityReport, limit?: number) => renderMarkdown(r, limit);
    /** The table that follows the line `title` (up to the next blank line after it starts). */
    function table(text: string, title: string): string[] {
      const lines = linesOf(text);
      const at = lines.indexOf(title);
      assert.ok(at >= 0, `no ${title} in:\n${text}`);
      const start = lines.findIndex((l, i) => i > at && l.startsWith("|"));
      const end = lines.findIndex((l, i) => i > start && !l.startsWith("|"));
      return lines.slice(start, end);
    }

    it("names both sides, where each came from, and the verdict with the divergent count", () => {
      const lines = linesOf(md(mixed()));
      assert.deepEqual(lines.slice(0, 5), [
        "## Parity report: stg vs prd",
        "",
        "Staging: `stg.json` (stack `stg`, `pulumi stack export`) · Production: `prd.json` (stack `prd`, `pulumi stack export`)",
        "",
        "**🔴 3 divergent** — each must match production: fix it, or declare it in `known-differences.yaml`.",
      ]);
      const program = md(
        report(
          {},
          {
            kind: "program",
            project: "parity",
            staging: { stack: "staging" },
            production: { stack: "production" },
            model: { scenario: "update", seed: "8f3a" },
          },
        ),
      );
      assert.equal(
        linesOf(program)[2],
        "Staging: stack `staging` (program run offline) · Production: stack `production` (program run offline) · provider model: update of a deployed stack, seed 8f3a (rerun with --scenario update --seed 8f3a)",
      );
      assert.equal(linesOf(program)[4], "**✅ No divergence** — every difference is sizing, identity or declared.");
    });

    it("totals each class, with resources in one stack counted only where they can be", () => {
      assert.deepEqual(
        table(
          md(mixed()),
          "**🔴 3 divergent** — each must match production: fix it, or declare it in `known-differences.yaml`.",
        ),
        [
          "| class | properties | resources in one stack | env vars |",
          "| --- | ---: | ---: | ---: |",
          "| 🔴 divergent | 1 | 1 | 1 |",
          "| 🟡 unknown | 0 |  | 0 |",
          "| 🔵 declared | 1 | 1 | 1 |",
          "| ⚪ sizing | 1 |  | 0 |",
          "| ⚪ identity | 0 |  | 0 |",
          "| ✅ match | 1 |  | 1 |",
        ],
      );
    });

    it("shows the per-component totals open for a few components and folded for many", () => {
      const few = md(mixed());
      assert.deepEqual(table(few, "**Per component (2)**"), [
        "| component | resources | divergent | unknown | declared | sizing | identity | match | one stack only |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| database | 1 | 0 | 0 | 1 | 1 | 0 | 0 | 0 |",
        "| jobs | 1 | 1 | 0 | 0 | 0 | 0 | 1 | 2 |",
      ]);
      const components = (n: number) =>
        report({
          properties: Array.from({ length: n }, (_, i) =>
            prop({ ...QUEUE, resourceKey: `k::q${i}`, component: `c${i}` }, "x", "match", 1, 1),
          ),
        });
      assert.match(md(components(10)), /^\*\*Per component \(10\)\*\*$/m);
      assert.match(md(components(11)), /^<details><summary>Per component \(11\)<\/summary>$/m);
    });

    it("tables each divergent property with both values and its fix", () => {
      const r = report({
        properties: [
          prop(QUEUE, "redrivePolicy.maxReceiveCount", "divergent", 1, 5),
          prop(QUEUE, "name", "divergent", "a|b", "c", { fix: "\n rename  it\n now\n" }),
        ],
      });
      assert.deepEqual(table(md(r), "### 🔴 Divergent properties (2)"), [
        "| resource | type | property | stg | prd | fix |",
        "| --- | --- | --- | --- | --- | --- |",
        "| jobs › jobs-jobs | sqs.Queue | `name` | `a\\|b` | `c` | rename it now |",
        "| jobs › jobs-jobs | sqs.Queue | `redrivePolicy.maxReceiveCount` | `1` | `5` | align staging with production, or declare it in known-differences.yaml |",
      ]);
      assert.doesNotMatch(md(report({ properties: [prop(QUEUE, "a", "sizing", 1, 2)] })), /Divergent/);
    });

    it("tables each divergent env var, secrets masked and a missing key marked", () => {
      const r = report({
        env: [
          envVar("TZ", "divergent", undefined, "UTC"),
          envVar("API_KEY", "divergent", "[secret:0123456789abcdef]", "x", { secret: true }),
        ],
      });
      const lines = table(md(r), "### 🔴 Divergent environment variables (2)");
      assert.deepEqual(lines, [
        "| service | key | stg | prd |",
        "| --- | --- | --- | --- |",
        "| web-task/web | `API_KEY` | `[secret]` | `[secret]` |",
        "| web-task/web | `TZ` | *(missing)* | `UTC` |",
      ]);
    });

    it("lists resources in one stack open while any is undeclared, folded when many are all declared", () => {
      assert.deepEqual(table(md(mixed()), "### Resources in one stack only (2)"), [
        "| class | resource | type | only in | declared by |",
        "| --- | --- | --- | --- | --- |",
        "| 🔴 divergent | jobs › jobs-mail-dlq | sqs.Queue | production | — |",
        "| 🔵 declared | jobs › auth-seed-admin | sqs.Queue | staging | seeded-accounts |",
      ]);
      const many = (cls: PresenceDiff["class"]) =>
        report({
          presence: Array.from({ length: 11 }, (_, i) =>
            onlyIn(`seed-${String(i).padStart(2, "0")}`, "staging", i === 0 ? cls : "declared", "seeded-accounts"),
          ),
        });
      assert.match(
        md(many("declared")),
        /^<details><summary>Resources in one stack only \(11\), all declared<\/summary>$/m,
      );
      assert.match(md(many("divergent")), /^### Resources in one stack only \(11\)$/m);
      assert.doesNotMatch(md(report({})), /Resources in one stack only/);
    });

    it("says what each declaration covered, with a dash where it covered nothing of a kind", () => {
      assert.deepEqual(table(md(mixed()), "**🔵 What each declaration covers (3)**"), [
        "| declaration | only in one stack | properties | env vars |",
        "| --- | --- | --- | --- |",
        "| `payments-sandbox` | — | — | `PAYMENTS_MODE` of web-task/web |",
        "| `seeded-accounts` | auth-seed-admin | — | — |",
        "| `small-disk` | — | `allocatedStorage` of db-instance | — |",
      ]);
      assert.doesNotMatch(
        md(report({ properties: [prop(QUEUE, "a", "sizing", 1, 2)] })),
        /What each declaration covers/,
      );
    });

    it("has no declared-differences table without declared properties", () => {
      assert.doesNotMatch(
        md(
          report({
            properties: [prop(QUEUE, "a", "sizing", 1, 2)],
            presence: [onlyIn("s", "staging", "declared", "d")],
          }),
        ),
        /Declared differences/,
      );
    });

    it("tables the declared properties with the declaration that allows each", () => {
      assert.deepEqual(table(md(mixed()), "**🔵 Declared differences (1) — see docs/staging-notes.md**"), [
        "| resource | property | stg | prd | declared by |",
        "| --- | --- | --- | --- | --- |",
        "| database › db-instance | `allocatedStorage` | `20` | `100` | small-disk |",
      ]);
    });

    it("tables every env var, counting keys missing from one stack in the title", () => {
      const text = md(mixed());
      assert.deepEqual(table(text, "**Environment variables (3; 1 key(s) missing from one stack)**"), [
        "| class | service | key | stg | prd |",
        "| --- | --- | --- | --- | --- |",
        "| 🔴 divergent | web-task/web | `TZ` | *(missing)* | `UTC` |",
        "| 🔵 declared | web-task/web | `PAYMENTS_MODE` | `test` | `live` |",
        "| ✅ match | web-task/web | `API_KEY` | `[secret]` | `[secret]` |",
      ]);
      assert.match(
        md(report({ env: [envVar("TZ", "match", "UTC", "UTC")] })),
        /^\*\*Environment variables \(1; same keys in both stacks\)\*\*$/m,
      );
      assert.doesNotMatch(md(report({})), /Environment variables/);
    });

    it("folds the declared, coverage and env tables past ten rows, not at ten", () => {
      const sized = (n: number) =>
        md(
          report({
            properties: Array.from({ length: n }, (_, i) =>
              prop(DB, `p${i}`, "declared", 1, 2, { declaredBy: `d${i}` }),
            ),
            env: Array.from({ length: n }, (_, i) => envVar(`K${i}`, "match", "1", "1")),
          }),
        );
      const open = sized(10);
      assert.match(open, /^\*\*🔵 Declared differences \(10\) — see docs\/staging-notes\.md\*\*$/m);
      assert.match(open, /^\*\*🔵 What each declaration covers \(10\)\*\*$/m);
      assert.match(open, /^\*\*Environment variables \(10; same keys in both stacks\)\*\*$/m);
      const folded = sized(11);
      assert.match(
        folded,
        /^<details><summary>🔵 Declared differences \(11\) — see docs\/staging-notes\.md<\/summary>$/m,
      );
      assert.match(folded, /^<details><summary>🔵 What each declaration covers \(11\)<\/summary>$/m);
      assert.match(folded, /^<details><summary>Environment variables \(11; same keys in both stacks\)<\/summary>$/m);
    });

    it("folds the full listing, every property with its class", () => {
      const lines = linesOf(md(mixed()));
      const at = lines.indexOf("<details><summary>Every resource and property (2 resources, 4 properties)</summary>");
      assert.ok(at > 0);
      assert.deepEqual(lines.slice(at + 2, at + 8), [
        "| class | resource | property | stg | prd |",
        "| --- | --- | --- | --- | --- |",
        "| 🔴 divergent | jobs › jobs-jobs | `redrivePolicy.maxReceiveCount` | `1` | `5` |",
        "| ✅ match | jobs › jobs-jobs | `visibilityTimeoutSeconds` | `30` | `30` |",
        "| 🔵 declared | database › db-instance | `allocatedStorage` | `20` | `100` |",
        "| ⚪ sizing | database › db-instance | `instanceClass` | `db.t4g.micro` | `db.r7g.large` |",
      ]);
    });

    describe("held to the comment limit", () => {
      const big = () =>
        report({
          properties: [
            prop(QUEUE, "redrivePolicy.maxReceiveCount", "divergent", 1, 5),
            ...Array.from({ length: 200 }, (_, i) =>
              prop(DB, `tags.t${String(i).padStart(3, "0")}`, "match", "v".repeat(40), "v".repeat(40)),
            ),
            ...Array.from({ length: 20 }, (_, i) => prop(DB, `size${i}`, "sizing", i, i + 1)),
          ],
        });

      it("leaves out the matches first, saying how many", () => {
        const full = md(big());
        const limit = full.length - 1;
        const small = md(big(), limit);
        assert.ok(small.length <= limit, `${small.length} > ${limit}`);
        assert.match(
          small,
          /^_200 matching properties left out to fit a comment; `npm run parity` prints them all\._$/m,
        );
        assert.match(small, /`size19`/);
        assert.doesNotMatch(small, /`tags\.t000`/);
        assert.equal(md(big(), full.length), full, "a report that fits is left whole");
      });

      it("then the per-property table, keeping the divergent rows", () => {
        const limit = 2000;
        const small = md(big(), limit);
        assert.ok(small.length <= limit, `${small.length} > ${limit}`);
        assert.match(
          small,
          /_The per-property table does not fit a 2000-character comment: run `npm run parity` for it\._\n$/,
        );
        assert.match(small, /`redrivePolicy\.maxReceiveCount`/);
        assert.doesNotMatch(small, /`size19`/);
      });

      it("then cuts at a line end and says where", () => {
        for (const limit of [1000, 600, 200]) {
          const small = md(big(), limit);
          assert.ok(small.length <= limit, `${small.length} > ${limit}`);
          assert.match(
            small,
            new RegExp(`\\n\\n_Cut at ${limit} characters: run \`npm run parity\` for the whole report\\._\\n$`),
          );
          assert.ok(
            md(big()).startsWith(small.slice(0, small.indexOf("\n\n_Cut at"))),
            "the kept part is the report's start, whole lines",
          );
        }
        // Too small a limit for the report's first line: the note alone, not the whole report.
        assert.equal(md(big(), 50), "\n\n_Cut at 50 characters: run `npm run parity` for the whole report._\n");
      });
    });

    it("puts a value in a code span cut to 120 characters, padding a value that starts or ends with a backtick", () => {
      assert.equal(codeCell("x".repeat(200)), `\`${"x".repeat(119)}…\``);
      assert.equal(codeCell("`a"), "`` `a ``");
      assert.equal(codeCell("a`"), "`` a` ``");
      assert.equal(codeCell("a\\b"), "`a\\\\b`");
    });
  });

  describe("staging notes", () => {
    it("list measured sizing of properties and env vars, but not secrets or equal values", () => {
      const r = report({
        properties: [
          prop(DB, "instanceClass", "sizing", "db.t4g.micro", "db.r7g.large"),
          prop(DB, "port", "sizing", 5432, 5432),
        ],
        env: [
          envVar("WORKERS", "sizing", "2", "8"),
          envVar("POOL", "sizing", "[secret]", "[secret]", { secret: true }),
          envVar("SAME", "sizing", "1", "1"),
          envVar("MODE", "declared", "a", "b"),
        ],
      });
      assert.deepEqual(sizingRows(r), [
        {
          component: "database",
          resource: "db-instance",
          type: "rds.Instance",
          property: "instanceClass",
          staging: "db.t4g.micro",
          production: "db.r7g.large",
        },
        {
          component: "web-task/web",
          resource: "environment variable",
          type: "",
          property: "WORKERS",
          staging: "2",
          production: "8",
        },
      ]);
      const notes = renderStagingNotes([], r);
      assert.match(notes, /^\| component \| resource \| property \| stg \| prd \|$/m);
      assert.match(notes, /^\| web-task\/web \| environment variable \| `WORKERS` \| 2 \| 8 \|$/m);
      assert.match(
        notes,
        /^\| database \| db-instance \(rds\.Instance\) \| `instanceClass` \| db\.t4g\.micro \| db\.r7g\.large \|$/m,
      );
    });

    it("say so when staging is production's size", () => {
      const notes = renderStagingNotes([], report({ properties: [prop(DB, "instanceClass", "match", "a", "a")] }));
      assert.match(
        notes,
        /^## Sizing differences \(0\)\n\nMeasured from the two programs: staging is smaller, never shaped differently\.\n\n_No sizing differences: staging is production's size\._\n$/m,
      );
    });
  });
});
