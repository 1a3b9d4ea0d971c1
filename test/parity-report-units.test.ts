import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { compareStacks } from "../policy/engine/compare";
import { loadKnownDifferences } from "../policy/engine/known-differences";
import { SECRET_SIG, SECRET_VALUE, UNKNOWN } from "../tools/simulator/snapshot";
import { applyNotes } from "../tools/parity/cli";
import { parseOptions } from "../tools/parity/options";
import { formatValue } from "../tools/parity/format-value";
import { codeCell, renderMarkdown } from "../tools/parity/render-markdown";
import { buildReport } from "../tools/parity/report-model";
import { SecretMasker, containsSecret, redact } from "../tools/parity/secrets";
import { buildParityReport } from "../tools/parity/sources";
import { parseStackExport, parseUrn } from "../tools/parity/stack-export";
import { renderStagingNotes } from "../tools/parity/staging-notes";
import { fitColumns, truncate, visibleWidth, wrap, wrapPath } from "../tools/parity/text-layout";

const FIXTURES = path.join(__dirname, "fixtures", "parity");

describe("parity report building blocks", () => {
  describe("SecretMasker", () => {
    const masker = new SecretMasker(Buffer.alloc(32, 7));
    const wire = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });

    it("replaces every secret encoding with a fingerprint, keeping the secret marker", () => {
      const masked = masker.mask({
        a: wire("hunter2"),
        b: { [SECRET_SIG]: SECRET_VALUE, plaintext: JSON.stringify("hunter2") },
        c: { [SECRET_SIG]: SECRET_VALUE, ciphertext: "v1:abc:def" },
        nested: [{ d: wire({ password: "hunter2" }) }],
      }) as Record<string, unknown>;
      assert.ok(!JSON.stringify(masked).includes("hunter2"));
      assert.ok(!JSON.stringify(masked).includes("v1:abc:def"));
      assert.ok(containsSecret(masked["a"]) && containsSecret(masked["nested"]));
      // The same value gives the same fingerprint whichever way it was encoded: sharing stays visible.
      assert.deepEqual(masked["a"], masked["b"]);
      assert.notDeepEqual(masked["a"], masked["c"]);
    });

    it("masks a stack export's secret inputs as it reads them, before anything can print them", () => {
      const urn = "urn:pulumi:staging::parity::aws:rds/instance:Instance::db-instance";
      const password = { [SECRET_SIG]: SECRET_VALUE, plaintext: JSON.stringify("hunter2") };
      const doc = {
        version: 3,
        deployment: {
          manifest: {},
          resources: [{ urn, type: "aws:rds/instance:Instance", inputs: { password, engine: "postgres" } }],
        },
      };
      const [read] = parseStackExport(doc, "staging.json", "staging", masker).resources;
      assert.ok(
        !JSON.stringify(read.inputs).includes("hunter2"),
        "the export's plaintext secret reached the comparison",
      );
      assert.deepEqual(read.inputs, { password: masker.mask(password), engine: "postgres" });
    });

    it("keys fingerprints per run, so they cannot be compared across runs", () => {
      const other = new SecretMasker(Buffer.alloc(32, 8));
      assert.notDeepEqual(masker.mask(wire("x")), other.mask(wire("x")));
    });

    it("leaves assets, archives and plain values alone", () => {
      const asset = { [SECRET_SIG]: "c44067f5952c0a294b673a41bacd8c17", hash: "abc", text: "body" };
      assert.deepEqual(masker.mask({ asset, n: 1, s: "x" }), { asset, n: 1, s: "x" });
    });

    it("redacts fingerprints and wrappers to [secret] for display", () => {
      const token = (masker.mask(wire("x")) as { value: string }).value;
      assert.equal(redact(`postgres://app:${token}@db`), "postgres://app:[secret]@db");
      assert.equal(redact(wire("x")), "[secret]");
      assert.equal(formatValue({ k: wire("x") }), '{"k":"[secret]"}');
    });
  });

  describe("formatValue", () => {
    it("says absent, unknown and empty instead of printing nothing", () => {
      assert.equal(formatValue(undefined), "(absent)");
      assert.equal(formatValue(UNKNOWN), "(unknown until deployed)");
      assert.equal(formatValue(""), '""');
      assert.equal(formatValue([UNKNOWN]), '["(unknown)"]');
      assert.equal(formatValue(5), "5");
    });
  });

  describe("text layout", () => {
    it("truncates to the column with an ellipsis, counting characters not bytes", () => {
      assert.equal(truncate("abcdef", 4), "abc…");
      assert.equal(truncate("ab", 4), "ab");
      assert.equal(visibleWidth("›…✓"), 3);
      assert.equal(visibleWidth(`${String.fromCharCode(27)}[31mred${String.fromCharCode(27)}[0m`), 3);
    });

    it("wraps at spaces, and mid-word only when a word is wider than the line", () => {
      assert.deepEqual(wrap("one two three", 7), ["one two", "three"]);
      assert.deepEqual(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    });

    it("wraps property paths at segment boundaries", () => {
      assert.deepEqual(wrapPath("redrivePolicy.maxReceiveCount", 16), ["redrivePolicy", ".maxReceiveCount"]);
      assert.deepEqual(wrapPath('tags["parity:environment"]', 10), ["tags", '["parity:e', "nvironment", '"]']);
    });

    it("fits columns into the width, giving narrow content only what it needs", () => {
      for (const total of [30, 60, 100, 200]) {
        const widths = fitColumns(total, [9, null, null, null], [9, 40, 5, 80], 2);
        assert.ok(widths.reduce((a, b) => a + b, 0) + 6 <= total, `${widths} in ${total}`);
      }
      assert.deepEqual(fitColumns(100, [9, null, null], [9, 5, 200], 2), [9, 8, 79]);
    });
  });

  describe("markdown cells", () => {
    it("escape pipes and fence backticks so a value cannot break the table", () => {
      assert.equal(codeCell("a|b"), "`a\\|b`");
      assert.equal(codeCell("x`y"), "``x`y``");
      assert.equal(codeCell("line1\nline2"), "`line1<br>line2`");
    });
  });

  it("parses URNs into stack and project, refusing what is not one", () => {
    assert.deepEqual(parseUrn("urn:pulumi:staging::parity::parity:components:Database$aws:rds/instance:Instance::db"), {
      stack: "staging",
      project: "parity",
    });
    assert.equal(parseUrn("arn:aws:s3:::bucket"), undefined);
    assert.equal(parseUrn("urn:pulumi:::parity::t::n"), undefined);
  });

  describe("staging notes", () => {
    it("are deterministic and list every declared difference and the measured sizing", async () => {
      const args = [
        "--staging",
        path.join(FIXTURES, "staging.json"),
        "--production",
        path.join(FIXTURES, "production.json"),
      ];
      const knownFile = path.join(FIXTURES, "known-differences.yaml");
      const known = loadKnownDifferences(knownFile);
      // Two runs, two masking keys: the notes must not depend on either.
      const first = renderStagingNotes(
        known,
        await buildParityReport(parseOptions([...args, "--known-differences", knownFile]), process.cwd()),
      );
      const second = renderStagingNotes(
        known,
        await buildParityReport(parseOptions([...args, "--known-differences", knownFile]), process.cwd()),
      );
      assert.equal(first, second);
      for (const k of known) assert.ok(first.includes(`- **Id:** \`${k.id}\``), k.id);
      assert.match(
        first,
        /\| database \| database-instance \(rds\.Instance\) \| `instanceClass` \| db\.t4g\.micro \| db\.r7g\.large \|/,
      );
      assert.match(first, /\| web-task\/web \| environment variable \| `WORKER_CONCURRENCY` \| 2 \| 8 \|/);
      assert.doesNotMatch(first, /maxReceiveCount/, "a divergence is not a sizing difference");
      assert.doesNotMatch(first, /Sup3r-S3cret/);
    });
  });
});

describe("npm run notes / --check-notes", () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "parity-notes-"));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  function io() {
    const out = { stdout: "", stderr: "" };
    return {
      out,
      io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } },
    };
  }

  it("writes the notes, then finds them fresh", () => {
    const file = path.join(tmp, "notes.md");
    const w = io();
    assert.equal(applyNotes("write", "# notes\n", file, false, w.io), 0);
    assert.equal(readFileSync(file, "utf8"), "# notes\n");
    const c = io();
    assert.equal(applyNotes("check", "# notes\n", file, false, c.io), 0);
    assert.match(c.out.stdout, /is up to date/);
  });

  it("exits 1 naming the file and the fix when the notes are stale or missing", () => {
    const file = path.join(tmp, "stale.md");
    writeFileSync(file, "# old notes\n");
    const stale = io();
    assert.equal(applyNotes("check", "# new notes\n", file, false, stale.io), 1);
    assert.match(
      stale.out.stderr,
      /stale\.md is stale: it no longer matches known-differences\.yaml and the programs\.\nFix: run `npm run notes`/,
    );
    assert.equal(readFileSync(file, "utf8"), "# old notes\n", "checking never writes");
    const missing = io();
    assert.equal(applyNotes("check", "# notes\n", path.join(tmp, "none.md"), false, missing.io), 1);
    assert.match(missing.out.stderr, /none\.md is stale: it does not exist/);
  });

  it("warns when staging also diverges, since the notes list only declared and sizing differences", () => {
    const w = io();
    assert.equal(applyNotes("write", "# notes\n", path.join(tmp, "w.md"), true, w.io), 0);
    assert.match(w.out.stderr, /divergent properties, which the notes do not list/);
  });

  it("shows a list element only staging has as divergent, every leaf with the element's fix", () => {
    const SG = "aws:ec2/securityGroup:SecurityGroup";
    const sg = (stack: string, ingress: unknown[]) => [
      { urn: `urn:pulumi:${stack}::parity::${SG}::db-sg`, type: SG, inputs: { ingress } },
    ];
    const rule = { protocol: "tcp", fromPort: 5432, toPort: 5432, description: "From app tasks" };
    const open = { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"], description: "Anywhere" };
    const source = {
      kind: "program" as const,
      project: "parity",
      staging: { stack: "staging" },
      production: { stack: "production" },
    };
    const report = buildReport(source, compareStacks(sg("staging", [rule, open]), sg("production", [rule]), []));
    assert.equal(report.divergent, true);
    const added = report.resources[0].properties.filter((p) => p.path.startsWith("ingress[1]"));
    assert.deepEqual(
      added.map((p) => p.class),
      ["divergent", "divergent", "divergent", "divergent", "divergent"],
    );
    assert.equal(report.totals.properties.divergent, 5);
    assert.ok(
      added.every((p) =>
        /^Remove list element `ingress\[1\]` from `aws:ec2\/securityGroup:SecurityGroup::db-sg`/.test(p.fix ?? ""),
      ),
    );
    assert.match(
      renderMarkdown(report),
      /Divergent properties \(5\)[\s\S]*ingress\[1\]\.cidrBlocks[\s\S]*Remove list element/,
    );
  });
});
