import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { main as parityMain } from "../../tools/parity/cli";
import { parsePolicyCli, runPolicy, UsageError } from "../../tools/policy";
import { main as smokeMain } from "../../tools/smoke";
import { pack } from "../policy/harness";
import { projectTempDir } from "../policy/temp-file";
import { previewInProcess, toolInOwnProcess } from "../preview-cli";
import { startTrickleServer, type TrickleServer } from "./trickle-server";

/**
 * Inputs a careless or hostile user would try (issue 20), each through its entry point under a
 * deadline: a clear message, exit 2 (1 for a verdict), no secret or foreign file content in any
 * output, no raw control character, no hang. The list, with the behaviour of each, is
 * docs/hostile-input.md. The CLIs run in this process where the suite already runs them so (the
 * preview, the policy CLI, the parity report, smoke); parity:lock runs in its own, with a kill timer.
 */

const ROOT = path.resolve(__dirname, "../..");
const STAGING_EXPORT = path.join(ROOT, "test", "fixtures", "deployed", "staging.export.json");
const STAGING_FILE = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");
const ESC = String.fromCharCode(27);
/** What must never reach any output: a password from a URL, /etc/passwd's first line, a raw escape. */
const FORBIDDEN = ["hunter2", "root:x:0:0", ESC];

/** Rejects when `work` is not done within `ms`: a hang fails the test instead of the run. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms: it hangs`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function assertClean(output: string, what: string): void {
  for (const bad of FORBIDDEN)
    assert.ok(!output.includes(bad), `${what} shows ${JSON.stringify(bad)}: ${output.slice(0, 400)}`);
}

function capture(): { text: string; write(chunk: string): boolean } {
  const out = { text: "", write: (chunk: string) => ((out.text += chunk), true) };
  return out;
}

async function parity(argv: string[]): Promise<{ code: number; output: string }> {
  const [stdout, stderr] = [capture(), capture()];
  const code = await within(
    30_000,
    `npm run parity -- ${argv.join(" ")}`,
    parityMain(argv, { stdout, stderr, env: {} }),
  );
  return { code, output: stdout.text + stderr.text };
}

async function preview(argv: string[]): Promise<{ code: number | null; output: string }> {
  const run = await within(60_000, `npm run preview -- ${argv.join(" ")}`, previewInProcess(argv));
  return { code: run.code, output: run.stdout + run.stderr };
}

async function policyError(config: unknown): Promise<string> {
  const dir = projectTempDir("hostile-");
  const configFile = path.join(dir, "policy-config.json");
  fs.writeFileSync(configFile, typeof config === "string" ? config : JSON.stringify(config));
  const [result] = await within(
    60_000,
    "npm run policy",
    runPolicy(
      {
        exports: [STAGING_EXPORT],
        json: false,
        packDir: path.join(ROOT, "policy"),
        policyConfigFile: configFile,
        providersInStack: true,
      },
      pack,
    ),
  );
  assert.ok(result.error, `expected an error, got ${result.verdicts?.length} verdicts`);
  assertClean(result.error.message, "npm run policy");
  return result.error.message;
}

function stackFile(text: string): string {
  const file = path.join(projectTempDir("hostile-"), "Pulumi.staging.yaml");
  fs.writeFileSync(file, text);
  return file;
}

/** Billion laughs: nine aliases of nine aliases, six deep (531,441 leaves from a few hundred bytes). */
const ALIAS_BOMB = [
  "a: &a [x, x, x, x, x, x, x, x, x]",
  ...["b", "c", "d", "e", "f", "g"].map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdefg"[i]}`).join(", ")}]`),
].join("\n");

describe("hostile input: every entry point answers clearly, leaks nothing and never hangs", function () {
  this.timeout(120_000);

  describe("known-differences.yaml", () => {
    let starry: string;
    let bomb: string;
    before(() => {
      const dir = projectTempDir("hostile-kd-");
      starry = path.join(dir, "known-differences.yaml");
      fs.writeFileSync(
        starry,
        `differences:\n  - {id: stars, what: w, why: y, howToTestSafely: h, resources: ["db-*"], properties: ["**********Q"]}\n`,
      );
      bomb = path.join(dir, "bomb.yaml");
      fs.writeFileSync(bomb, `${ALIAS_BOMB}\ndifferences: []\n`);
    });

    it("a run of stars (`**********Q`) is refused at once by parity and notes, not matched for minutes", async () => {
      for (const argv of [
        ["--known-differences", starry],
        ["--check-notes", "--known-differences", starry],
      ]) {
        const run = await parity(argv);
        assert.equal(run.code, 2, run.output);
        assert.match(
          run.output,
          /entry 1 \(`stars`\): `properties` pattern "\*\*\*\*\*\*\*\*\*\*Q" has 10 `\*`, more than 8\. Fix: /,
        );
      }
    });

    it("the same file through the pack: npm run policy and the preview exit 2 naming it", async () => {
      const relative = path.relative(ROOT, starry);
      assert.match(
        await policyError({ "stack-parity": { knownDifferencesFile: relative } }),
        /known-differences\.yaml has 1 problem:\n {2}- entry 1 \(`stars`\): `properties` pattern .* has 10 `\*`/,
      );
      const config = path.join(path.dirname(starry), "preview-config.json");
      fs.writeFileSync(config, JSON.stringify({ "stack-parity": { knownDifferencesFile: relative } }));
      const run = await preview(["--stack", "staging", "--policy-pack-config", config]);
      assert.equal(run.code, 2, run.output);
      assert.match(run.output, /has 10 `\*`, more than 8/);
    });

    it("an alias bomb is refused by name, without expanding it", async () => {
      const run = await parity(["--known-differences", bomb]);
      assert.equal(run.code, 2, run.output);
      assert.match(run.output, /bomb\.yaml: not valid YAML \(too many aliases: a YAML alias bomb, refused\)/);
    });
  });

  describe("the policy pack's own files", () => {
    it("`lockFile: /etc/passwd`, a `..` escape and a symlink out are refused before reading, naming the key", async () => {
      assert.match(
        await policyError({ "stack-parity": { lockFile: "/etc/passwd" } }),
        /policy config `lockFile` "\/etc\/passwd" is outside the project \(.*\): the pack reads only the project's own files\. Fix: /,
      );
      assert.match(
        await policyError({ "stack-parity": { lockFile: "../../../../etc/passwd" } }),
        /`lockFile` "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" is outside the project/,
      );
      const link = path.join(projectTempDir("hostile-link-"), "known-differences.yaml");
      fs.symlinkSync("/etc/passwd", link);
      assert.match(
        await policyError({ "stack-parity": { knownDifferencesFile: path.relative(ROOT, link) } }),
        /`knownDifferencesFile` .* is a link to a file outside the project/,
      );
    });

    it("a policy config or an export that is not JSON is named with the place, never its first bytes", async () => {
      const message = await policyError("root:x:0:0:root:/root:/bin/bash\n");
      assert.match(message, /is not valid JSON \(syntax error\); it maps policy names/);
      const [result] = await within(
        30_000,
        "npm run policy",
        runPolicy(
          { exports: ["/etc/passwd"], json: false, packDir: path.join(ROOT, "policy"), providersInStack: true },
          pack,
        ),
      );
      assert.equal(result.error?.kind, "export");
      assertClean(result.error?.message ?? "", "npm run policy --stack-export /etc/passwd");
    });
  });

  describe("stack files and values", () => {
    it("an alias bomb in Pulumi.<stack>.yaml is refused by the parser, and the preview exits 2", async () => {
      const run = await preview([
        "--stack",
        "staging",
        "--stack-file",
        stackFile(`${ALIAS_BOMB}\n${STAGING_FILE}`),
        "--no-policy",
      ]);
      assert.equal(run.code, 2, run.output);
      assert.match(run.output, /is not valid YAML: .*(alias|resource exhaustion)/i);
    });

    it("a 200,000-character value is quoted cut, with its length; a stack file over 4 MiB is refused unread", async () => {
      const long = await preview([
        "--stack",
        "staging",
        "--stack-file",
        stackFile(
          STAGING_FILE.replace("parity:domain: staging.app.example.com", `parity:domain: ${"a".repeat(200_000)}`),
        ),
        "--no-policy",
      ]);
      assert.equal(long.code, 2, long.output.slice(0, 400));
      assert.match(
        long.output,
        /`parity:domain` is "a{120}…" \(200000 characters\): it is not a lower-case DNS name\./,
      );
      assert.ok(long.output.length < 5_000, `${long.output.length} characters of output`);
      const huge = await preview([
        "--stack",
        "staging",
        "--stack-file",
        stackFile(`${STAGING_FILE}#${"x".repeat(4 * 1024 * 1024)}\n`),
        "--no-policy",
      ]);
      assert.equal(huge.code, 2);
      assert.match(
        huge.output,
        /Pulumi\.staging\.yaml is 419\d+ bytes, more than the 4194304 a project or stack file may hold/,
      );
    });

    it("an ANSI escape in a value reaches the terminal escaped, never raw", async () => {
      const run = await preview([
        "--stack",
        "staging",
        "--stack-file",
        stackFile(
          STAGING_FILE.replace(
            "parity:domain: staging.app.example.com",
            'parity:domain: "\\e[2J\\e[31mstaging.app.example.com"',
          ),
        ),
        "--no-policy",
      ]);
      assert.equal(run.code, 2, run.output);
      assert.match(
        run.output,
        /`parity:domain` is "\\u001b\[2[jJ]\\u001b\[31mstaging\.app\.example\.com": it is not a lower-case DNS name/,
      );
      assertClean(run.output, "the preview");
    });
  });

  describe("stack names", () => {
    const cases: [string[], RegExp][] = [
      [["--stack", ""], /--stack "": a stack name may not be empty\. Fix: use one of `production`, `staging`\./],
      [
        ["--stack", "x/../../tmp/y"],
        /--stack "x\/\.\.\/\.\.\/tmp\/y": a stack name may only contain letters, digits, hyphens, underscores or periods: invalid character "\/" at position 1/,
      ],
      [["--stack", "staging", "--stack", "staging"], /--stack "staging" is given twice\. Fix: name each stack once\./],
      [["--stack", `${ESC}[31mred`], /--stack "\\u001b\[31mred": .* invalid character "\\u001b" at position 0/],
      [
        ["--stack", "qa"],
        /--stack "qa": the project has no Pulumi\.qa\.yaml in .*\. Fix: use one of `production`, `staging`, or create Pulumi\.qa\.yaml/,
      ],
    ];
    for (const [argv, message] of cases) {
      it(`preview ${JSON.stringify(argv).replace(ESC, "ESC")}: exit 2 before anything runs`, async () => {
        const run = await preview(argv);
        assert.equal(run.code, 2, run.output);
        assert.match(run.output, message);
        assertClean(run.output, "the preview");
      });
    }

    it("npm run policy and npm run parity hold their stack flags to the same rule", async () => {
      assert.throws(
        () => parsePolicyCli(["--stack-export", STAGING_EXPORT, "--stack", "x/../y"]),
        (e: Error) => e instanceof UsageError && /^--stack "x\/\.\.\/y": a stack name may only contain/.test(e.message),
      );
      const run = await parity(["--staging-stack", "../../tmp/y"]);
      assert.equal(run.code, 2, run.output);
      assert.match(run.output, /^parity: --staging-stack "\.\.\/\.\.\/tmp\/y": a stack name may only contain/);
    });
  });

  describe("npm run smoke", () => {
    let trickle: TrickleServer;
    before(async () => {
      trickle = await startTrickleServer(100, 20);
    });
    after(() => trickle?.close());

    const host = "staging.app.example.com";
    const smoke = async (argv: string[]) => {
      const [stdout, stderr] = [capture(), capture()];
      const started = Date.now();
      const code = await within(20_000, `npm run smoke -- ${argv.join(" ")}`, smokeMain(argv, stdout, stderr));
      return { code, output: stdout.text + stderr.text, seconds: (Date.now() - started) / 1000 };
    };
    const toTrickle = () => [
      "--connect-to",
      `${host}:80:127.0.0.1:${trickle.port}`,
      "--connect-to",
      `${host}:443:127.0.0.1:${trickle.port}`,
    ];

    it("a server trickling a byte at a time is cut off by --check-deadline, and the whole run by --deadline", async () => {
      const check = await smoke(["--base-url", `https://${host}`, ...toTrickle(), "--check-deadline", "1"]);
      assert.equal(check.code, 1);
      assert.match(
        check.output,
        /FAIL https-redirect +GET http:\/\/staging\.app\.example\.com\/healthz: no complete answer within 1 s \(--check-deadline\)/,
      );
      assert.ok(check.seconds < 5, `${check.seconds} s`);
      const run = await smoke(["--base-url", `https://${host}`, ...toTrickle(), "--deadline", "1"]);
      assert.equal(run.code, 1);
      assert.match(run.output, /FAIL https-redirect .*: stopped: the run's deadline passed \(--deadline\)/);
      assert.ok(run.seconds < 5, `${run.seconds} s`);
    });

    it("credentials in --base-url are refused, and no message shows them", async () => {
      for (const url of [
        "https://:hunter2@host.example.com",
        "https://admin:hunter2@host.example.com",
        "http://admin:hunter2@host.example.com/x",
      ]) {
        const run = await smoke(["--base-url", url]);
        assert.equal(run.code, 2, run.output);
        assert.match(run.output, /--base-url carries credentials \(user:password@ before the host; not shown here\)/);
        assertClean(run.output, "smoke");
      }
      const unparsable = await smoke(["--base-url", "ht tp://admin:hunter2@host"]);
      assert.equal(unparsable.code, 2);
      assert.match(unparsable.output, /--base-url "ht tp:\/\/<credentials removed>@host" is not a URL/);
      assertClean(unparsable.output, "smoke");
    });
  });

  it("npm run parity:lock with a bad flag exits 2 with its usage, escaped, in its own process", async () => {
    const run = await toolInOwnProcess("write-lock", [`--${ESC}[2Jx`], process.env, 30_000);
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 2, output);
    assert.match(output, /Unknown option '--\\u001b\[2Jx'[\s\S]*usage: npm run parity:lock/);
    assertClean(output, "parity:lock");
  });

  // A cyclic parent chain once looped synchronously in componentOf, where no in-process deadline can
  // interrupt it: each entry point runs in its own process under a kill timer. The export reader
  // refuses the cycle first (a parent must come before its child: VerifyIntegrity in
  // pkg/resource/deploy/snapshot.go); test/conformance/exports.test.ts pins the message.
  it("a cyclic parent chain in an export: npm run policy and npm run parity exit 2 naming it, in their own processes", async () => {
    const fixture = JSON.parse(
      fs.readFileSync(path.join(ROOT, "test", "fixtures", "deployed", "staging.export.json"), "utf8"),
    ) as { deployment: { resources: { urn: string; type: string; parent?: string }[] } };
    const [a, b] = fixture.deployment.resources.filter((r) => r.type.startsWith("parity:components:"));
    a.parent = b.urn;
    b.parent = a.urn;
    const file = path.join(projectTempDir("cyclic-"), "cyclic.export.json");
    fs.writeFileSync(file, JSON.stringify(fixture));
    for (const [script, args] of [
      ["policy", ["--stack-export", file]],
      [
        "parity-report",
        ["--staging", file, "--production", path.join(ROOT, "test", "fixtures", "deployed", "production.export.json")],
      ],
    ] as const) {
      const run = await toolInOwnProcess(script, [...args], process.env, 60_000);
      const [code, output] = [run.code, run.stdout + run.stderr];
      assert.equal(code, 2, `${script}: ${output}`);
      assert.match(
        output,
        new RegExp(`whose parent ${b.urn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} comes after it`),
        script,
      );
      assertClean(output, script);
    }
  });
});
