import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { CHECK_NAMES, type CheckName } from "../tools/smoke/checks";
import { parseSmokeArgs } from "../tools/smoke/options";
import { runSmoke, runSmokeUntilPass } from "../tools/smoke/run";
import { main } from "../tools/smoke";
import { correctApp, startApp, type AppBehaviour, type RunningApp } from "./fixtures/smoke/app-server";
import { makeTestCertificates, type TestCertificates } from "./fixtures/smoke/certificates";

const host = "staging.app.example.com";
const repoRoot = path.resolve(__dirname, "..");

describe("smoke test against a local deployment", () => {
  let certs: TestCertificates;
  let app: RunningApp;

  before(async () => {
    certs = makeTestCertificates(host, "other.example.net");
    app = await startApp(certs);
  });
  after(async () => {
    await app?.close();
    if (certs) fs.rmSync(certs.dir, { recursive: true, force: true });
  });

  const args = (...extra: string[]) => [
    "--base-url",
    `https://${host}`,
    "--ca",
    certs.caFile,
    "--timeout",
    "5000",
    "--connect-to",
    `${host}:80:127.0.0.1:${app.httpPort}`,
    "--connect-to",
    `${host}:443:127.0.0.1:${app.httpsPort}`,
    ...extra,
  ];
  const failedChecks = async (behaviour: AppBehaviour, ...extra: string[]) => {
    app.use(behaviour);
    const results = await runSmoke(parseSmokeArgs(args(...extra)));
    return { failed: results.filter((r) => !r.ok).map((r) => r.name), results };
  };

  it("passes every check against a correct deployment", async () => {
    const { failed, results } = await failedChecks(correctApp);
    assert.deepEqual(failed, [], JSON.stringify(results, null, 2));
    assert.deepEqual(
      results.map((r) => r.name),
      [...CHECK_NAMES],
    );
    assert.match(
      results.find((r) => r.name === "https-redirect")?.detail ?? "",
      /301 https:\/\/staging\.app\.example\.com\/healthz$/,
    );
  });

  const variants: [string, Partial<AppBehaviour>, CheckName[]][] = [
    ["plain HTTP serves the app instead of redirecting", { redirectStatus: null }, ["https-redirect"]],
    ["a temporary 302 redirect", { redirectStatus: 302 }, ["https-redirect"]],
    ["a 303 redirect", { redirectStatus: 303 }, ["https-redirect"]],
    ["a temporary 307 redirect", { redirectStatus: 307 }, ["https-redirect"]],
    [
      "a permanent redirect that stays on plain http://",
      { redirectLocation: "http://{host}{path}" },
      ["https-redirect"],
    ],
    [
      "a permanent redirect to another host",
      { redirectLocation: "https://evil.example.net{path}" },
      ["https-redirect"],
    ],
    ["no Strict-Transport-Security header", { hsts: null }, ["hsts"]],
    ["HSTS with a max-age other than the configured one", { hsts: "max-age=300" }, ["hsts"]],
    ["a certificate for another host", { certificate: "wrong-host" }, ["tls-certificate"]],
    ["the auth callback answering 404", { callbackStatus: 404 }, ["auth-callback"]],
    ["the auth callback answering 500", { callbackStatus: 500 }, ["auth-callback"]],
    ["the auth callback answering 502", { callbackStatus: 502 }, ["auth-callback"]],
    [
      "a session cookie without Secure",
      { setCookie: ["session=s; Path=/; HttpOnly; SameSite=Lax"] },
      ["session-cookies"],
    ],
    [
      "a session cookie with the wrong SameSite",
      { setCookie: ["session=s; Path=/; Secure; SameSite=None"] },
      ["session-cookies"],
    ],
    ["a session cookie without SameSite", { setCookie: ["session=s; Path=/; Secure"] }, ["session-cookies"]],
    ["no cookie at all", { setCookie: [] }, ["session-cookies"]],
    ["CORS reflecting any origin", { cors: "reflect-any" }, ["cors-refused"]],
    ["CORS answering with a wildcard", { cors: "wildcard" }, ["cors-allowed", "cors-refused"]],
    ["CORS refusing the configured origin", { allowedOrigins: ["https://app.example.com"] }, ["cors-allowed"]],
    ["/healthz answering 500", { healthStatus: 500 }, ["healthz"]],
  ];
  for (const [title, change, expected] of variants) {
    it(`fails ${expected.join(" and ")} on ${title}`, async () => {
      const { failed, results } = await failedChecks({ ...correctApp, ...change });
      assert.deepEqual(failed, expected, JSON.stringify(results, null, 2));
    });
  }

  it("accepts a permanent 308 redirect as it does a 301", async () => {
    const { failed, results } = await failedChecks({ ...correctApp, redirectStatus: 308 });
    assert.deepEqual(failed, [], JSON.stringify(results, null, 2));
    assert.match(
      results.find((r) => r.name === "https-redirect")?.detail ?? "",
      /308 https:\/\/staging\.app\.example\.com\/healthz$/,
    );
  });

  it("names the host in the certificate failure", async () => {
    const { results } = await failedChecks({ ...correctApp, certificate: "wrong-host" });
    const detail = results.find((r) => r.name === "tls-certificate")?.detail ?? "";
    assert.match(detail, /staging\.app\.example\.com/);
    assert.match(detail, /DNS:other\.example\.net/);
    const caveated = results.filter((r) => r.detail.includes("TLS not verified")).map((r) => r.name);
    assert.deepEqual(
      caveated,
      CHECK_NAMES.filter((n) => n !== "tls-certificate" && n !== "https-redirect"),
    );
  });

  it("fails the certificate check when the CA is not trusted (system CAs only)", async () => {
    app.use(correctApp);
    const options = parseSmokeArgs(args().filter((arg, i, all) => arg !== "--ca" && all[i - 1] !== "--ca"));
    const failed = (await runSmoke(options)).filter((r) => !r.ok).map((r) => r.name);
    assert.deepEqual(failed, ["tls-certificate"]);
  });

  it("fails the redirect check when nothing listens on plain HTTP", async () => {
    const closedPort = await freePort();
    const { results } = await failedChecks(correctApp, "--connect-to", `${host}:80:127.0.0.1:${closedPort}`);
    const redirect = results.find((r) => r.name === "https-redirect");
    assert.equal(redirect?.ok, false);
    assert.match(redirect?.detail ?? "", /connection refused/);
  });

  it("suggests --cookie-path only when it was not given", async () => {
    const without = (await failedChecks({ ...correctApp, setCookie: [] })).results.find(
      (r) => r.name === "session-cookies",
    );
    assert.match(without?.detail ?? "", /pass --cookie-path with a page that starts a session/);
    const given = (await failedChecks({ ...correctApp, setCookie: [] }, "--cookie-path", "/login")).results.find(
      (r) => r.name === "session-cookies",
    );
    assert.match(
      given?.detail ?? "",
      /no Set-Cookie on \/, \/auth\/callback, \/healthz, \/login; the --cookie-path page must start a session\./,
    );
  });

  it("expects the SameSite it is told to", async () => {
    const { failed } = await failedChecks(correctApp, "--expect-samesite", "strict");
    assert.deepEqual(failed, ["session-cookies"]);
  });

  it("checks every --cors-origin it is given", async () => {
    const { failed } = await failedChecks(
      correctApp,
      "--cors-origin",
      `https://${host}`,
      "--cors-origin",
      "https://admin.example.com",
    );
    assert.deepEqual(failed, ["cors-allowed"]);
  });

  it("with --wait, retries until a deployment still rolling out becomes healthy", async () => {
    app.use({ ...correctApp, healthStatus: 503 });
    const rollout = setTimeout(() => app.use(correctApp), 300);
    const retried: string[][] = [];
    const results = await runSmokeUntilPass(parseSmokeArgs(args("--wait", "10", "--retry-every", "1")), (failed) =>
      retried.push(failed.map((r) => r.name)),
    );
    clearTimeout(rollout);
    assert.deepEqual(
      results.filter((r) => !r.ok),
      [],
    );
    assert.deepEqual(retried, [["healthz"]]);
  });

  it("with --wait, gives up when time runs out and reports the last attempt", async () => {
    app.use({ ...correctApp, healthStatus: 503 });
    let attempts = 1;
    const results = await runSmokeUntilPass(
      parseSmokeArgs(args("--wait", "2", "--retry-every", "1")),
      () => attempts++,
    );
    assert.equal(attempts, 2);
    assert.deepEqual(
      results.filter((r) => !r.ok).map((r) => r.name),
      ["healthz"],
    );
  });

  describe("the npm run smoke command", () => {
    type Run = { status: number | null; stdout: string; stderr: string };
    // Exactly what `npm run smoke` runs. Asynchronous on purpose: the servers under test share this
    // process's event loop.
    const inOwnProcess = (argv: string[]) =>
      new Promise<Run>((resolve) => {
        const child = execFile(
          process.execPath,
          ["-r", "ts-node/register/transpile-only", "tools/smoke.ts", ...argv],
          { cwd: repoRoot, encoding: "utf8", timeout: 60_000 },
          (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
        );
      });
    // The command's `main` in this process, its output captured; one case above runs it for real.
    const smoke = async (argv: string[]): Promise<Run> => {
      const out = { stdout: "", stderr: "" };
      const status = await main(
        argv,
        { write: (c: string) => (out.stdout += c) },
        { write: (c: string) => (out.stderr += c) },
      );
      return { status, ...out };
    };

    it("prints one ok line per check and exits 0 on a correct deployment (in its own process)", async () => {
      app.use(correctApp);
      const run = await inOwnProcess(args());
      assert.equal(run.status, 0, run.stdout + run.stderr);
      const lines = run.stdout.trim().split("\n");
      assert.deepEqual(
        lines.slice(0, -1).map((l) => l.split(/\s+/).slice(0, 2).join(" ")),
        CHECK_NAMES.map((n) => `ok ${n}`),
      );
      assert.match(lines[lines.length - 1], /all 8 checks ok/);
    });

    it("prints FAIL naming the check and exits 1 on a broken deployment", async () => {
      app.use({ ...correctApp, healthStatus: 500 });
      const run = await smoke(args());
      assert.equal(run.status, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /^FAIL healthz +https:\/\/staging\.app\.example\.com\/healthz answered 500/m);
      assert.equal(run.stdout.match(/^FAIL/gm)?.length, 1);
    });

    for (const [title, endpoint, refusal] of [
      ["a closed HTTPS port", async () => `127.0.0.1:${await freePort()}`, /connection refused by 127\.0\.0\.1:\d+/],
      [
        "a plain-HTTP server on the HTTPS port",
        async () => `127.0.0.1:${app.httpPort}`,
        /127\.0\.0\.1:\d+ does not speak TLS \(a plain-HTTP server on the HTTPS port\?\)/,
      ],
    ] as const) {
      it(`against ${title}, says once what failed to connect and skips the checks that need it`, async () => {
        app.use(correctApp);
        const port = await endpoint();
        const run = await smoke([...args(), "--connect-to", `${host}:443:${port}`]);
        assert.equal(run.status, 1, run.stdout + run.stderr);
        const lines = run.stdout.trim().split("\n");
        assert.match(lines.find((l) => l.startsWith("FAIL tls-certificate")) ?? "", refusal);
        assert.match(run.stdout, /^ok {3}https-redirect/m, "the plain-HTTP check still runs");
        assert.deepEqual(
          lines.filter((l) => l.startsWith("skip")),
          [
            "skip hsts, auth-callback, session-cookies, cors-allowed, cors-refused, healthz: not run: no HTTPS connection to staging.app.example.com (see tls-certificate)",
          ],
        );
        assert.equal(run.stdout.match(/connection refused|does not speak TLS/g)?.length, 1, "the failure is said once");
        assert.doesNotMatch(run.stdout, /SSL routines|ssl3_|openssl|--cookie-path/i);
        assert.match(lines[lines.length - 1], /1 of 8 checks failed, 6 not run$/);
      });
    }

    it("exits 2 naming the option on a bad command line", async () => {
      const run = await smoke(["--base-url", "http://staging.app.example.com"]);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /--base-url http:\/\/staging\.app\.example\.com must be https:\/\//);
    });
  });
});

describe("smoke test options", () => {
  const base = ["--base-url", "https://staging.app.example.com"];

  it("defaults its expectations to what the program deploys", async () => {
    const { structuralDefaults } = await import("../config/settings");
    const { AUTH_CALLBACK_PATH } = await import("../components/app-environment");
    const { HEALTH_CHECK_PATH } = await import("../components/https-endpoint");
    const options = parseSmokeArgs(base);
    assert.equal(options.expectSameSite, structuralDefaults.cookieSameSite);
    assert.equal(options.hstsMaxAgeSeconds, structuralDefaults.hstsMaxAgeSeconds);
    assert.equal(options.callbackPath, AUTH_CALLBACK_PATH);
    assert.equal(options.healthPath, HEALTH_CHECK_PATH);
    assert.deepEqual(options.corsOrigins, ["https://staging.app.example.com"]);
  });

  const rejects: [string, string[], RegExp][] = [
    ["a missing --base-url", [], /--base-url is required.*pulumi stack output baseUrl/],
    ["a base URL with a path", ["--base-url", "https://staging.app.example.com/app"], /origin only/],
    [
      "an unknown SameSite",
      [...base, "--expect-samesite", "loose"],
      /--expect-samesite is "loose": it must be lax, strict or none/,
    ],
    ["a non-numeric max-age", [...base, "--hsts-max-age", "1y"], /--hsts-max-age "1y" must be a positive whole number/],
    [
      "a --wait that is not a number of seconds",
      [...base, "--wait", "5m"],
      /--wait "5m" must be a positive whole number/,
    ],
    [
      "an unreadable CA file",
      [...base, "--ca", "/nonexistent/ca.pem"],
      /--ca \/nonexistent\/ca\.pem cannot be read \(ENOENT\)/,
    ],
    ["a malformed --connect-to", [...base, "--connect-to", "staging:443"], /HOST:PORT:ADDRESS:PORT/],
    [
      "a CORS origin with a path",
      [...base, "--cors-origin", "https://app.example.com/x"],
      /--cors-origin .* is not an origin/,
    ],
    [
      "a refused origin that is also allowed",
      [...base, "--refused-origin", "https://staging.app.example.com"],
      /also a --cors-origin/,
    ],
    ["an unknown option", [...base, "--insecure"], /Unknown option '--insecure'/],
  ];
  for (const [title, argv, message] of rejects) {
    it(`rejects ${title}`, () => {
      assert.throws(
        () => parseSmokeArgs(argv),
        (error: Error) => error.name === "SmokeUsageError" && message.test(error.message),
      );
    });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
