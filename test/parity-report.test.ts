import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CliIo, main } from "../tools/parity/cli";

/**
 * The parity report on hand-written `pulumi stack export` files: staging carries a planted drift (its
 * `jobs` queue retries once, production's five times), production was exported with --show-secrets.
 */

const FIXTURES = path.join(__dirname, "fixtures", "parity");
const STAGING = path.join(FIXTURES, "staging.json");
const PRODUCTION = path.join(FIXTURES, "production.json");
const KNOWN = path.join(FIXTURES, "known-differences.yaml");

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(
  args: readonly string[],
  tty: { isTTY?: boolean; columns?: number } = {},
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), ...tty },
    stderr: { write: (t: string) => (stderr += t) },
    env,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const exportArgs = (staging = STAGING, production = PRODUCTION) => [
  "--staging",
  staging,
  "--production",
  production,
  "--known-differences",
  KNOWN,
];

/** Every secret value the fixtures hold, in the clear (production) or as ciphertext (staging). */
function secretTexts(): string[] {
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "object" && v !== null) {
      const o = v as Record<string, unknown>;
      if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") {
        if (typeof o["plaintext"] === "string") {
          const inner: unknown = JSON.parse(o["plaintext"]);
          texts.push(typeof inner === "string" ? inner : JSON.stringify(inner));
        }
        if (typeof o["ciphertext"] === "string") texts.push(o["ciphertext"]);
      } else Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(readFileSync(STAGING, "utf8")));
  walk(JSON.parse(readFileSync(PRODUCTION, "utf8")));
  return texts;
}

describe("parity report on pulumi stack export files", () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "parity-report-"));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** The staging fixture with one edit applied, written to a temp file. */
  function stagingWith(
    edit: (doc: { deployment: { resources: Record<string, unknown>[] } }) => void,
    name: string,
  ): string {
    const doc = JSON.parse(readFileSync(STAGING, "utf8"));
    edit(doc);
    const file = path.join(tmp, name);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  }

  const jobsQueue = (doc: { deployment: { resources: Record<string, unknown>[] } }) =>
    doc.deployment.resources.find((r) => String(r["urn"]).endsWith("::jobs-jobs")) as {
      inputs: Record<string, unknown>;
    };

  it("finds the planted drift, names the property and both values, and exits 1", async () => {
    const { code, stdout } = await run([...exportArgs(), "--width", "120"]);
    assert.equal(code, 1);
    const divergentSection = stdout.slice(stdout.indexOf("DIVERGENT"), stdout.indexOf("Every resource"));
    assert.match(divergentSection, /jobs-jobs \(sqs\.Queue\)/);
    assert.match(divergentSection, /redrivePolicy\.maxReceiveCount\n\s+staging:\s+1\n\s+production: 5/);
    assert.match(divergentSection, /known-differences\.yaml/);
    // Divergent first: the drift is the first resource of the side-by-side table too.
    const table = stdout.slice(stdout.indexOf("Every resource"));
    assert.match(table.split("\n")[2], /jobs-jobs/);
  });

  it("exits 0 for the same pair once the drift is fixed", async () => {
    const fixed = stagingWith((doc) => {
      const q = jobsQueue(doc);
      q.inputs["redrivePolicy"] = String(q.inputs["redrivePolicy"]).replace(
        '"maxReceiveCount":1',
        '"maxReceiveCount":5',
      );
    }, "staging-fixed.json");
    const { code, stdout, stderr } = await run(exportArgs(fixed));
    assert.equal(stderr, "");
    assert.equal(code, 0, stdout);
    assert.doesNotMatch(stdout, /DIVERGENT/);
    assert.match(stdout, /staging matches production's structure/);
  });

  it("shows every resource in both stacks, sizing as sizing and the seeded account as declared", async () => {
    const { stdout } = await run([...exportArgs(), "--format", "json"]);
    const doc = JSON.parse(stdout);
    const keys = doc.resources.map((r: { resourceKey: string }) => r.resourceKey);
    assert.ok(keys.includes("parity:components:Database$aws:rds/instance:Instance::database-instance"));
    const instance = doc.resources.find((r: { resourceKey: string }) => r.resourceKey.endsWith("::database-instance"));
    const instanceClass = instance.properties.find((p: { path: string }) => p.path === "instanceClass");
    assert.deepEqual(
      [instanceClass.class, instanceClass.staging, instanceClass.production],
      ["sizing", "db.t4g.micro", "db.r7g.large"],
    );
    assert.deepEqual(
      doc.presence.map((p: { resourceKey: string; onlyIn: string; class: string; declaredBy: string }) => [
        p.resourceKey.split("::").pop(),
        p.onlyIn,
        p.class,
        p.declaredBy,
      ]),
      [["auth-seed-admin", "staging", "declared", "seeded-accounts"]],
    );
  });

  it("refuses an export saved with a byte-order mark, as the Pulumi CLI's JSON decoder does (pkg/cmd/pulumi/stack/stack_import.go)", async () => {
    const file = path.join(tmp, "bom.json");
    writeFileSync(file, `\uFEFF${readFileSync(STAGING, "utf8")}`);
    const { code, stderr } = await run(exportArgs(file));
    assert.match(
      stderr,
      /bom\.json` starts with a UTF-8 byte-order mark, which the Pulumi CLI's JSON decoder refuses.*\nFix: write the file with `pulumi stack export --file FILE`/,
    );
    assert.equal(code, 2);
  });

  it("calls out a resource missing from staging as divergent", async () => {
    const missing = stagingWith((doc) => {
      doc.deployment.resources = doc.deployment.resources.filter((r) => !String(r["urn"]).endsWith("::jobs-mail-dlq"));
    }, "staging-no-dlq.json");
    const { code, stdout } = await run([...exportArgs(missing), "--width", "200"]);
    assert.equal(code, 1);
    assert.match(stdout, /✗ divergent\s+jobs › jobs-mail-dlq \(sqs\.Queue\) only in production; not declared/);
  });

  it("puts the env var sets of every service side by side and flags a key missing from one stack", async () => {
    const dropped = stagingWith((doc) => {
      const task = doc.deployment.resources.find((r) => String(r["urn"]).endsWith("::web-task")) as {
        inputs: Record<string, unknown>;
      };
      const defs = JSON.parse(String(task.inputs["containerDefinitions"]));
      defs[0].environment = defs[0].environment.filter((e: { name: string }) => e.name !== "TZ");
      task.inputs["containerDefinitions"] = JSON.stringify(defs);
    }, "staging-no-tz.json");
    const { code, stdout } = await run([...exportArgs(dropped), "--format", "json"]);
    assert.equal(code, 1);
    const env = JSON.parse(stdout).env as {
      service: string;
      key: string;
      staging?: string;
      production?: string;
      class: string;
    }[];
    const tz = env.find((e) => e.key === "TZ");
    assert.deepEqual(
      [tz?.service, tz?.staging, tz?.production, tz?.class],
      ["web-task/web", undefined, "UTC", "divergent"],
    );
    const payments = env.find((e) => e.key === "PAYMENTS_MODE");
    assert.deepEqual([payments?.staging, payments?.production, payments?.class], ["test", "live", "declared"]);
    // The missing key is called out with the divergences, not only deep in the env table.
    const terminal = (await run([...exportArgs(dropped), "--width", "120"])).stdout;
    assert.match(
      terminal.slice(0, terminal.indexOf("Every resource")),
      /✗ env TZ of web-task\/web: staging \(missing\), production UTC\n\s+fix: give both stacks the same keys/,
    );
    const markdown = (await run([...exportArgs(dropped), "--format", "markdown"])).stdout;
    assert.match(
      markdown,
      /### 🔴 Divergent environment variables \(1\)[^#]*\| web-task\/web \| `TZ` \| \*\(missing\)\* \| `UTC` \|/,
    );
  });

  it("never prints a secret, in any format", async () => {
    const secrets = secretTexts();
    assert.ok(
      secrets.some((s) => s.startsWith("production-Sup3r-S3cret")),
      "the production fixture holds plaintext secrets",
    );
    for (const format of ["terminal", "markdown", "json"]) {
      const { stdout, stderr } = await run([...exportArgs(), "--format", format, "--width", "400"]);
      for (const secret of secrets) {
        assert.ok(
          !stdout.includes(secret) && !stderr.includes(secret),
          `${format} output leaks ${secret.slice(0, 12)}…`,
        );
      }
      assert.match(stdout, /\[secret\]/, `${format} shows where the secrets are`);
    }
  });

  describe("terminal output", () => {
    for (const width of [40, 72, 100, 160]) {
      it(`fits ${width} columns`, async () => {
        const { stdout } = await run([...exportArgs(), "--width", String(width)]);
        const over = stdout.split("\n").filter((line) => [...line].length > width);
        assert.deepEqual(over, []);
      });
    }

    it("reads top-down: the verdict first, then what diverges with both values and the fix, then what each declaration covers", async () => {
      const { stdout } = await run([...exportArgs(), "--width", "100"]);
      const lines = stdout.split("\n");
      const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
      const verdict = at(/^✗ staging diverges from production: 1 difference\(s\) must be fixed/);
      assert.ok(verdict > 0 && verdict < 12, `the verdict follows the header and its secrets note (line ${verdict})`);
      const order = [
        verdict,
        at(/^DIVERGENT/),
        at(/^ {6}staging: +1$/),
        at(/^ {6}fix: /),
        at(/^Declared differences \(4 declarations/),
        at(/^ {6}only in one stack: auth-seed-admin$/),
        at(/^Totals/),
        at(/^Every resource and property/),
      ];
      assert.ok(
        order.every((n) => n >= 0),
        `every section is present: ${order.join(", ")}`,
      );
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
        "sections in reading order",
      );
    });

    it("wraps long values within their column instead of cutting them", async () => {
      const { stdout } = await run([...exportArgs(), "--width", "72"]);
      assert.doesNotMatch(stdout, /…/);
      const joined = stdout.replace(/\s+/g, "");
      assert.ok(
        joined.includes("arn:aws:sqs:us-east-1:210987654321:parity-staging-jobs-dlq") || joined.includes("{account}"),
        "a long value appears whole, if wrapped",
      );
    });

    it("takes the terminal's width when none is given", async () => {
      const { stdout } = await run(exportArgs(), { columns: 64 });
      const lines = stdout.split("\n");
      assert.ok(lines.every((l) => [...l].length <= 64));
      assert.ok(
        lines.some((l) => [...l].length > 56),
        "and uses it",
      );
    });

    it("is coloured only on a TTY, and never with NO_COLOR", async () => {
      const ansi = String.fromCharCode(27);
      assert.ok((await run(exportArgs(), { isTTY: true })).stdout.includes(`${ansi}[`));
      assert.ok(!(await run(exportArgs(), { isTTY: false })).stdout.includes(ansi));
      assert.ok(!(await run(exportArgs(), { isTTY: true }, { NO_COLOR: "1" })).stdout.includes(ansi));
    });
  });

  describe("--format markdown", () => {
    it("is a PR comment: verdict, summary table, divergent details, env table, folded full listing", async () => {
      const { code, stdout } = await run([...exportArgs(), "--format", "markdown"]);
      assert.equal(code, 1);
      const lines = stdout.split("\n");
      assert.equal(lines[0], "## Parity report: staging vs production");
      assert.match(stdout, /\*\*🔴 1 divergent\*\*/);
      assert.match(
        stdout,
        /\| class \| properties \| resources in one stack \| env vars \|\n\| --- \| ---: \| ---: \| ---: \|\n\| 🔴 divergent \| 1 \| 0 \| 0 \|/,
      );
      assert.match(
        stdout,
        /### 🔴 Divergent properties \(1\)\n\n\| resource \| type \| property \| staging \| production \| fix \|/,
      );
      assert.match(stdout, /\| jobs › jobs-jobs \| sqs\.Queue \| `redrivePolicy\.maxReceiveCount` \| `1` \| `5` \|/);
      assert.match(stdout, /<details><summary>Environment variables \(\d+; same keys in both stacks\)<\/summary>/);
      assert.match(
        stdout,
        /<details><summary>Every resource and property \(\d+ resources, \d+ properties\)<\/summary>/,
      );
      // Every table row has as many cells as its header: escaped pipes do not split cells.
      const tables = stdout.split(/\n\n/).filter((block) => block.startsWith("|"));
      for (const t of tables) {
        const rows = t.split("\n").map((r) => r.replace(/\\\|/g, "").split("|").length);
        assert.ok(
          rows.every((n) => n === rows[0]),
          `ragged table:\n${t.slice(0, 300)}`,
        );
      }
    });

    it("stays under GitHub's comment limit by leaving out matches, and says so", async () => {
      const { renderMarkdown } = await import("../tools/parity/render-markdown");
      const { stdout } = await run([...exportArgs(), "--format", "json"]);
      const report = JSON.parse(stdout);
      const full = renderMarkdown(report);
      const limit = Math.floor(full.length * 0.6);
      const small = renderMarkdown(report, limit);
      assert.ok(small.length <= limit, `${small.length} characters for a limit of ${limit}`);
      assert.match(small, /\d+ matching properties left out to fit a comment/);
      assert.match(small, /redrivePolicy\.maxReceiveCount/);
    });
  });

  describe("--format json", () => {
    it("carries the verdict, totals per class and per component, and the exit code", async () => {
      const { code, stdout } = await run([...exportArgs(), "--format", "json"]);
      const doc = JSON.parse(stdout);
      assert.equal(doc.version, 1);
      assert.equal(doc.exitCode, code);
      assert.equal(doc.divergent, true);
      assert.deepEqual(
        { ...doc.source.staging, notes: undefined },
        { stack: "staging", file: STAGING, notes: undefined },
      );
      assert.match(
        doc.source.staging.notes.join("\n"),
        /^8 export secrets redacted/,
        "why its ciphertexts are not compared by value",
      );
      assert.equal(doc.totals.properties.divergent, 1);
      const jobs = doc.totals.components.find((c: { component: string }) => c.component === "jobs");
      assert.equal(jobs.properties.divergent, 1);
      assert.equal(jobs.resources, 5, "four queues and their component");
      const perComponent = doc.totals.components.reduce(
        (n: number, c: { properties: Record<string, number> }) =>
          n + Object.values(c.properties).reduce((a, b) => a + b, 0),
        0,
      );
      const perClass = Object.values(doc.totals.properties as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.equal(perComponent, perClass);
    });
  });

  describe("bad input exits 2 with a message naming the file and the fix", () => {
    const cases: [string, () => string[], RegExp][] = [
      [
        "a missing file",
        () => exportArgs(path.join(tmp, "nope.json")),
        /The staging export `.*nope\.json` cannot be read \(it does not exist\)\.\nFix: check the path/,
      ],
      [
        "a file that is not JSON",
        () => exportArgs(writeTmp("not-json.json", "{ version: 3")),
        /staging export `.*not-json\.json` is not JSON \(.*\)\.\nFix: pass the file `pulumi stack export --file FILE` wrote, unedited/,
      ],
      [
        "a newer deployment version",
        () =>
          exportArgs(
            STAGING,
            writeTmp("v5.json", JSON.stringify({ version: 5, deployment: { manifest: {}, resources: [] } })),
          ),
        /production export `.*v5\.json` has deployment version 5: it was written by a newer Pulumi CLI .*\nFix: update this repository's tools/,
      ],
      [
        "something that is not an export",
        () => exportArgs(writeTmp("preview.json", JSON.stringify({ steps: [] }))),
        /is not a `pulumi stack export` file: it needs top-level `version` and `deployment`/,
      ],
      [
        "resources that are not a list",
        () =>
          exportArgs(
            writeTmp(
              "obj.json",
              JSON.stringify({
                version: 3,
                deployment: { manifest: { time: "", magic: "", version: "" }, resources: {} },
              }),
            ),
          ),
        /has a `deployment\.resources` that is not a list/,
      ],
      [
        "a never-deployed stack",
        () =>
          exportArgs(
            writeTmp(
              "empty.json",
              JSON.stringify({ version: 3, deployment: { manifest: { time: "", magic: "", version: "" } } }),
            ),
          ),
        /holds no resources.*\nFix: deploy the staging stack first/,
      ],
      [
        "a resource without a URN",
        () =>
          exportArgs(
            writeTmp(
              "nourn.json",
              JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [{ type: "x" }] } }),
            ),
          ),
        /has an entry resources\[0\] without a string `urn`/,
      ],
      ["the same stack twice", () => exportArgs(PRODUCTION, PRODUCTION), /Both exports are of stack `production`/],
      [
        "one export file without the other",
        () => ["--staging", STAGING],
        /--production is missing: export files are compared in pairs/,
      ],
      [
        "one offline stack compared with itself",
        () => ["--production-stack", "staging"],
        /--staging-stack and --production-stack are both `staging`.*\nFix: name two different stacks/,
      ],
      [
        "an unknown offline stack",
        () => ["--staging-stack", "qa"],
        /Unknown stack `qa` \(from --staging-stack\): there is no Pulumi\.qa\.yaml .*\nFix: use one of `production`, `staging`/,
      ],
      [
        "an unknown format",
        () => [...exportArgs(), "--format", "html"],
        /Unknown --format `html`\.\nFix: use --format terminal, --format markdown or --format json/,
      ],
      [
        "an unknown flag",
        () => ["--stagging", STAGING],
        /Unknown option '--stagging'.*\nFix: see `npm run parity -- --help`/,
      ],
      [
        "a broken known-differences file",
        () => [
          "--staging",
          STAGING,
          "--production",
          PRODUCTION,
          "--known-differences",
          writeTmp("kd.yaml", "differences: 3\n"),
        ],
        /kd\.yaml: expected a top-level `differences:` list/,
      ],
    ];
    function writeTmp(name: string, text: string): string {
      const file = path.join(tmp, name);
      writeFileSync(file, text);
      return file;
    }
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const { code, stdout, stderr } = await run(args());
        assert.equal(code, 2, stderr);
        assert.equal(stdout, "");
        assert.match(stderr, message);
        assert.doesNotMatch(stderr, /internal error|\n\s+at /, "a message, not a stack trace");
      });
    }
  });
});
