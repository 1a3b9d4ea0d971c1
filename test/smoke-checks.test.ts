import * as assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import {
  CHECK_NAMES,
  HTTPS_CHECKS,
  judge,
  type CheckName,
  type CheckResult,
  type HttpsProbes,
  type Probes,
} from "../tools/smoke/checks";
import type { CertificateObservation, Observation } from "../tools/smoke/transport";

/**
 * The smoke checks judged on plain data: what each check concludes from what the requests saw, and
 * what its detail line tells the person reading a failed deploy. test/smoke.test.ts drives the same
 * checks through real sockets; these pin the verdicts and messages without a server.
 */

const BASE = "https://staging.app.example.com";
const expected = {
  baseUrl: new URL(BASE),
  expectSameSite: "lax",
  hstsMaxAgeSeconds: 31536000,
  healthPath: "/healthz",
} as const;
const ORIGIN = BASE;
const EVIL = "https://evil.example.net";

const seen = (url: string, status: number, headers: IncomingHttpHeaders = {}, method = "GET"): Observation => ({
  method,
  url,
  status,
  headers,
});
const noAnswer = (url: string, error?: string, method = "GET"): Observation => ({
  method,
  url,
  headers: {},
  ...(error === undefined ? {} : { error }),
});
const preflight = (origin: string, status: number, allowed?: string | string[]) => ({
  origin,
  observation: seen(
    `${BASE}/api`,
    status,
    allowed === undefined ? {} : { "access-control-allow-origin": allowed as string },
    "OPTIONS",
  ),
});

const trusted: CertificateObservation = {
  host: "staging.app.example.com",
  connected: true,
  authorized: true,
  altNames: "DNS:staging.app.example.com",
  validTo: "Dec 31 2030",
};
const cookies = ["session=s; Path=/; HttpOnly; Secure; SameSite=Lax", "csrf=t; Path=/; Secure; SameSite=Lax"];
const goodHttps = (): HttpsProbes => ({
  home: seen(`${BASE}/`, 200, {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "set-cookie": cookies,
  }),
  callback: seen(`${BASE}/auth/callback`, 302, { location: "https://idp.example.com/authorize" }),
  health: seen(`${BASE}/healthz`, 200),
  corsAllowed: [preflight(ORIGIN, 204, ORIGIN)],
  corsRefused: preflight(EVIL, 403),
});
const goodProbes = (): Probes => ({
  certificate: trusted,
  plainHttp: seen("http://staging.app.example.com/healthz", 301, {
    location: "https://staging.app.example.com:443/healthz",
  }),
  https: goodHttps(),
});

/** Judges the correct deployment with one part replaced, and returns the named check's result. */
function check(
  name: CheckName,
  change: { plainHttp?: Observation; certificate?: CertificateObservation; https?: Partial<HttpsProbes> } = {},
): CheckResult {
  const good = goodProbes();
  const probes: Probes = {
    certificate: change.certificate ?? good.certificate,
    plainHttp: change.plainHttp ?? good.plainHttp,
    https: { ...goodHttps(), ...change.https },
  };
  const result = judge(probes, expected).find((r) => r.name === name);
  assert.ok(result, `no ${name} result`);
  return result;
}
const redirect = (status: number, location?: string) =>
  check("https-redirect", {
    plainHttp: seen("http://staging.app.example.com/healthz", status, location === undefined ? {} : { location }),
  });

describe("smoke checks judged on what the requests saw", () => {
  it("passes every check, in the order they print, on a correct deployment", () => {
    const results = judge(goodProbes(), expected);
    assert.deepEqual(
      results.map((r) => r.name),
      [...CHECK_NAMES],
    );
    assert.deepEqual(
      results.filter((r) => !r.ok),
      [],
    );
    assert.ok(results.every((r) => r.skipped === undefined));
  });

  describe("without an HTTPS connection", () => {
    const certificate: CertificateObservation = {
      host: "staging.app.example.com",
      connected: false,
      authorized: false,
      error: "connection refused by 127.0.0.1:443",
    };
    const results = () => judge({ certificate, plainHttp: goodProbes().plainHttp }, expected);

    it("still judges the plain-HTTP redirect, says once why TLS failed, and skips every HTTPS check", () => {
      const byName = new Map(results().map((r) => [r.name, r]));
      assert.deepEqual([...byName.keys()], [...CHECK_NAMES]);
      assert.equal(byName.get("https-redirect")?.ok, true);
      assert.deepEqual(byName.get("tls-certificate"), {
        name: "tls-certificate",
        ok: false,
        detail: "cannot connect over HTTPS to staging.app.example.com: connection refused by 127.0.0.1:443",
      });
      for (const name of HTTPS_CHECKS) {
        assert.deepEqual(byName.get(name), {
          name,
          ok: false,
          skipped: true,
          detail: "not run: no HTTPS connection to staging.app.example.com (see tls-certificate)",
        });
      }
    });

    it("says no TLS handshake happened when the connection gave no reason", () => {
      const { error: _error, ...silent } = certificate;
      const detail = judge({ certificate: silent, plainHttp: goodProbes().plainHttp }, expected).find(
        (r) => r.name === "tls-certificate",
      )?.detail;
      assert.equal(detail, "cannot connect over HTTPS to staging.app.example.com: no TLS handshake");
    });
  });

  describe("https-redirect", () => {
    for (const status of [302, 303, 307]) {
      it(`explains that a ${status} is temporary and names the permanent statuses to use`, () => {
        const result = redirect(status, "https://staging.app.example.com/healthz");
        assert.equal(result.ok, false);
        assert.equal(
          result.detail,
          `http://staging.app.example.com/healthz → ${status} https://staging.app.example.com/healthz: a temporary redirect; browsers keep asking over HTTP. Use 301 or 308 (the listener's HTTP_301).`,
        );
      });
    }

    it("reports a temporary redirect without a Location without printing 'undefined'", () => {
      assert.match(redirect(302).detail, /^http:\/\/staging\.app\.example\.com\/healthz → 302 : a temporary redirect/);
    });

    it("names the status and where it should have redirected when plain HTTP serves the page", () => {
      const result = redirect(200);
      assert.equal(result.ok, false);
      assert.equal(
        result.detail,
        "http://staging.app.example.com/healthz answered 200 instead of redirecting to https://staging.app.example.com/healthz.",
      );
    });

    it("fails a permanent redirect without a Location, saying so", () => {
      assert.deepEqual(redirect(301), {
        name: "https-redirect",
        ok: false,
        detail:
          "http://staging.app.example.com/healthz → 301 (no Location), expected https://staging.app.example.com/healthz.",
      });
    });

    it("fails a permanent redirect elsewhere, naming both the Location and the expected URL", () => {
      assert.equal(
        redirect(308, "https://evil.example.net/healthz").detail,
        "http://staging.app.example.com/healthz → 308 https://evil.example.net/healthz, expected https://staging.app.example.com/healthz.",
      );
    });

    it("resolves a relative Location against the request, so a path-only redirect stays on http://", () => {
      const result = redirect(301, "/healthz");
      assert.equal(result.ok, false);
      assert.match(result.detail, /→ 301 \/healthz, expected https:/);
    });

    it("passes a 301 or 308 to the HTTPS health path, the default port written or not", () => {
      assert.deepEqual(redirect(301, "https://staging.app.example.com:443/healthz"), {
        name: "https-redirect",
        ok: true,
        detail: "http://staging.app.example.com/healthz → 301 https://staging.app.example.com/healthz",
      });
      assert.equal(redirect(308, "https://staging.app.example.com/healthz").ok, true);
    });

    it("reports the transport error when nothing answers on plain HTTP", () => {
      assert.deepEqual(
        check("https-redirect", {
          plainHttp: noAnswer("http://staging.app.example.com/healthz", "connection refused"),
        }),
        {
          name: "https-redirect",
          ok: false,
          detail: "GET http://staging.app.example.com/healthz: connection refused",
        },
      );
      assert.equal(
        check("https-redirect", { plainHttp: noAnswer("http://staging.app.example.com/healthz") }).detail,
        "GET http://staging.app.example.com/healthz: no response",
      );
    });
  });

  describe("hsts", () => {
    const hsts = (value?: string) =>
      check("hsts", {
        https: { home: seen(`${BASE}/`, 200, value === undefined ? {} : { "strict-transport-security": value }) },
      });

    it("finds max-age after other directives and with spaces around '='", () => {
      assert.deepEqual(hsts("includeSubDomains; max-age=31536000"), {
        name: "hsts",
        ok: true,
        detail: "includeSubDomains; max-age=31536000",
      });
      assert.equal(hsts("max-age = 31536000; preload").ok, true);
      assert.equal(hsts('max-age="31536000"').ok, true);
    });

    it("does not take a directive that merely ends in max-age for max-age", () => {
      assert.equal(hsts("x-max-age=31536000").ok, false);
    });

    it("names the header it got and the max-age it expected", () => {
      assert.deepEqual(hsts("max-age=300"), {
        name: "hsts",
        ok: false,
        detail: 'Strict-Transport-Security is "max-age=300", expected max-age=31536000.',
      });
    });

    it("says the header is missing, with the max-age it expected", () => {
      assert.equal(hsts().detail, `${BASE}/ sent no Strict-Transport-Security header (expected max-age=31536000).`);
    });

    it("reports the transport error when the home page did not answer", () => {
      assert.deepEqual(check("hsts", { https: { home: noAnswer(`${BASE}/`, "socket hang up") } }), {
        name: "hsts",
        ok: false,
        detail: `GET ${BASE}/: socket hang up`,
      });
    });
  });

  describe("tls-certificate", () => {
    const certificate = (observation: CertificateObservation) => check("tls-certificate", { certificate: observation });

    it("names the host, the verifier's reason and the names the certificate is for", () => {
      const result = certificate({
        host: "staging.app.example.com",
        connected: true,
        authorized: false,
        error: "Hostname/IP does not match",
        altNames: "DNS:other.example.net",
      });
      assert.deepEqual(result, {
        name: "tls-certificate",
        ok: false,
        detail: "staging.app.example.com: Hostname/IP does not match (certificate for DNS:other.example.net)",
      });
    });

    it("says 'not trusted' when the verifier gave no reason, and leaves out names it does not have", () => {
      assert.equal(
        certificate({ host: "staging.app.example.com", authorized: false }).detail,
        "staging.app.example.com: not trusted",
      );
    });

    it("passes a trusted certificate, naming what it covers and until when", () => {
      assert.deepEqual(certificate(trusted), {
        name: "tls-certificate",
        ok: true,
        detail: "staging.app.example.com: trusted, DNS:staging.app.example.com, valid to Dec 31 2030",
      });
      assert.equal(
        certificate({ host: "h", authorized: true, subject: "CN=h" }).detail,
        "h: trusted, CN=h, valid to ?",
      );
      assert.equal(
        certificate({ host: "h", authorized: true, altNames: "DNS:h", subject: "CN=h" }).detail,
        "h: trusted, DNS:h, valid to ?",
      );
      const bare = certificate({ host: "h", authorized: true });
      assert.equal(bare.ok, true);
      assert.doesNotMatch(bare.detail, /undefined/);
    });
  });

  describe("auth-callback", () => {
    const callback = (observation: Observation) => check("auth-callback", { https: { callback: observation } });

    for (const status of [404, 500, 503]) {
      it(`fails a callback answering ${status}, saying it must be served`, () => {
        assert.deepEqual(callback(seen(`${BASE}/auth/callback`, status)), {
          name: "auth-callback",
          ok: false,
          detail: `${BASE}/auth/callback answered ${status}; the OAuth callback must be served (a 4xx for a missing code is fine).`,
        });
      });
    }

    it("passes a redirect to the identity provider, naming where it goes", () => {
      assert.deepEqual(
        callback(seen(`${BASE}/auth/callback`, 302, { location: "https://idp.example.com/authorize" })),
        {
          name: "auth-callback",
          ok: true,
          detail: `${BASE}/auth/callback answered 302 → https://idp.example.com/authorize`,
        },
      );
    });

    it("passes a 4xx for a missing code, without an arrow when there is no Location", () => {
      assert.deepEqual(callback(seen(`${BASE}/auth/callback`, 400)), {
        name: "auth-callback",
        ok: true,
        detail: `${BASE}/auth/callback answered 400`,
      });
      assert.equal(callback(seen(`${BASE}/auth/callback`, 499)).ok, true);
    });

    it("reports the transport error when the callback did not answer", () => {
      assert.deepEqual(callback(noAnswer(`${BASE}/auth/callback`, "no response within 5000 ms")), {
        name: "auth-callback",
        ok: false,
        detail: `GET ${BASE}/auth/callback: no response within 5000 ms`,
      });
    });
  });

  describe("session-cookies", () => {
    const withCookies = (setCookie: string[] | undefined) =>
      seen(`${BASE}/`, 200, setCookie === undefined ? {} : { "set-cookie": setCookie });

    it("passes, naming each cookie once however many pages set it", () => {
      const result = check("session-cookies", {
        https: { home: withCookies(cookies), health: seen(`${BASE}/healthz`, 200, { "set-cookie": [cookies[0]] }) },
      });
      assert.deepEqual(result, { name: "session-cookies", ok: true, detail: "session, csrf: Secure, SameSite=Lax" });
    });

    it("reads the cookies of the --cookie-path page too", () => {
      const result = check("session-cookies", {
        https: { home: withCookies(undefined), cookiePage: seen(`${BASE}/login`, 200, { "set-cookie": [cookies[0]] }) },
      });
      assert.deepEqual(result, { name: "session-cookies", ok: true, detail: "session: Secure, SameSite=Lax" });
    });

    it("lists every cookie's problem", () => {
      const result = check("session-cookies", {
        https: { home: withCookies(["a=1; SameSite=Lax", "b=2; Secure; SameSite=None"]) },
      });
      assert.deepEqual(result, {
        name: "session-cookies",
        ok: false,
        detail: "a: no Secure attribute; b: SameSite=None, expected SameSite=Lax",
      });
    });

    it("names only the pages that answered when none set a cookie", () => {
      const result = check("session-cookies", {
        https: { home: noAnswer(`${BASE}/`, "reset"), callback: seen(`${BASE}/auth/callback`, 302) },
      });
      assert.deepEqual(result, {
        name: "session-cookies",
        ok: false,
        detail: "no Set-Cookie on /auth/callback, /healthz; pass --cookie-path with a page that starts a session.",
      });
    });

    it("is skipped, not failed, when no page answered", () => {
      const result = check("session-cookies", {
        https: {
          home: noAnswer(`${BASE}/`),
          callback: noAnswer(`${BASE}/auth/callback`),
          health: noAnswer(`${BASE}/healthz`),
        },
      });
      assert.deepEqual(result, {
        name: "session-cookies",
        ok: false,
        skipped: true,
        detail: "not run: no page answered (see healthz and hsts)",
      });
    });
  });

  describe("cors-allowed", () => {
    const allowed = (...preflights: ReturnType<typeof preflight>[]) =>
      check("cors-allowed", { https: { corsAllowed: preflights } });

    it("passes when every configured origin is echoed back, naming them", () => {
      const admin = "https://admin.example.com";
      assert.deepEqual(allowed(preflight(ORIGIN, 204, ORIGIN), preflight(admin, 200, admin)), {
        name: "cors-allowed",
        ok: true,
        detail: `preflight allows ${ORIGIN}, ${admin}`,
      });
    });

    it("fails a wildcard, explaining that credentialed requests refuse it", () => {
      assert.deepEqual(allowed(preflight(ORIGIN, 204, "*")), {
        name: "cors-allowed",
        ok: false,
        detail: `preflight from ${ORIGIN} answered 204 with Access-Control-Allow-Origin * (browsers refuse * for requests that carry cookies)`,
      });
    });

    it("fails a preflight that echoes nothing, and lists every origin that failed", () => {
      const admin = "https://admin.example.com";
      assert.equal(
        allowed(preflight(ORIGIN, 204), preflight(admin, 204, ORIGIN)).detail,
        `preflight from ${ORIGIN} answered 204 with Access-Control-Allow-Origin (none); preflight from ${admin} answered 204 with Access-Control-Allow-Origin ${ORIGIN}`,
      );
    });

    it("fails a preflight answering 3xx or worse even when it echoes the origin", () => {
      for (const status of [300, 404]) {
        const result = allowed(preflight(ORIGIN, status, ORIGIN));
        assert.deepEqual(
          [result.ok, result.detail],
          [false, `preflight from ${ORIGIN} answered ${status} with Access-Control-Allow-Origin ${ORIGIN}`],
          String(status),
        );
      }
      assert.equal(allowed(preflight(ORIGIN, 299, ORIGIN)).ok, true);
    });

    it("reads a repeated Access-Control-Allow-Origin as the list it is, not as the origin", () => {
      const result = allowed(preflight(ORIGIN, 204, [ORIGIN, EVIL]));
      assert.equal(result.ok, false);
      assert.match(result.detail, new RegExp(`Allow-Origin ${ORIGIN}, ${EVIL}$`));
    });

    it("reports the transport error when a preflight did not answer", () => {
      const result = allowed({ origin: ORIGIN, observation: noAnswer(`${BASE}/api`, "connection reset", "OPTIONS") });
      assert.deepEqual(result, { name: "cors-allowed", ok: false, detail: `OPTIONS ${BASE}/api: connection reset` });
    });
  });

  describe("cors-refused", () => {
    const refused = (observation: Observation) =>
      check("cors-refused", { https: { corsRefused: { origin: EVIL, observation } } });
    const answer = (allowedOrigin?: string) =>
      seen(
        `${BASE}/api`,
        200,
        allowedOrigin === undefined ? {} : { "access-control-allow-origin": allowedOrigin },
        "OPTIONS",
      );

    it("fails when the foreign origin is echoed or a wildcard answers, saying what that allows", () => {
      for (const allow of [EVIL, "*"]) {
        assert.deepEqual(refused(answer(allow)), {
          name: "cors-refused",
          ok: false,
          detail: `preflight from ${EVIL} got Access-Control-Allow-Origin ${allow}: any site could call the API with the user's session.`,
        });
      }
    });

    it("passes a refusal, naming the status and the header it got", () => {
      assert.deepEqual(refused(answer()), {
        name: "cors-refused",
        ok: true,
        detail: `preflight from ${EVIL} refused (200, Access-Control-Allow-Origin (none))`,
      });
      assert.equal(
        refused(answer(ORIGIN)).detail,
        `preflight from ${EVIL} refused (200, Access-Control-Allow-Origin ${ORIGIN})`,
      );
    });

    it("reports the transport error when the preflight did not answer", () => {
      assert.deepEqual(refused(noAnswer(`${BASE}/api`, "connection reset", "OPTIONS")), {
        name: "cors-refused",
        ok: false,
        detail: `OPTIONS ${BASE}/api: connection reset`,
      });
    });
  });

  describe("healthz", () => {
    const health = (observation: Observation) => check("healthz", { https: { health: observation } });

    it("passes a 200 and fails anything else, naming the status", () => {
      assert.deepEqual(health(seen(`${BASE}/healthz`, 200)), {
        name: "healthz",
        ok: true,
        detail: `${BASE}/healthz answered 200`,
      });
      assert.deepEqual(health(seen(`${BASE}/healthz`, 204)), {
        name: "healthz",
        ok: false,
        detail: `${BASE}/healthz answered 204, expected 200.`,
      });
    });

    it("reports the transport error when the health check did not answer", () => {
      assert.deepEqual(health(noAnswer(`${BASE}/healthz`, "connection refused")), {
        name: "healthz",
        ok: false,
        detail: `GET ${BASE}/healthz: connection refused`,
      });
    });
  });
});
