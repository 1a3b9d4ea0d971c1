import { capitalize, cookieProblem, parseSetCookie } from "./cookies";
import type { SmokeOptions } from "./options";
import type { CertificateObservation, Observation } from "./transport";

/** Everything the smoke test fetched; the checks below only judge it, so they can be tested on plain data. */
export interface Probes {
  readonly certificate: CertificateObservation;
  /** `GET http://<host><health path>`: must redirect permanently to the same path over HTTPS. */
  readonly plainHttp: Observation;
  /** Undefined when no TLS connection could be made: the HTTPS checks cannot run. */
  readonly https?: HttpsProbes;
}

/** What the HTTPS requests saw, once a TLS connection works. */
export interface HttpsProbes {
  readonly home: Observation;
  readonly callback: Observation;
  readonly health: Observation;
  readonly cookiePage?: Observation;
  /** One preflight per origin the app must allow. */
  readonly corsAllowed: readonly Preflight[];
  readonly corsRefused: Preflight;
}

/** A CORS preflight and the origin it claimed to come from. */
export interface Preflight {
  readonly origin: string;
  readonly observation: Observation;
}

export interface CheckResult {
  readonly name: CheckName;
  readonly ok: boolean;
  readonly detail: string;
  /** Not run: what it needs failed first (the detail says which check to read). */
  readonly skipped?: true;
}

export const CHECK_NAMES = [
  "https-redirect",
  "hsts",
  "tls-certificate",
  "auth-callback",
  "session-cookies",
  "cors-allowed",
  "cors-refused",
  "healthz",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

type Expectations = Pick<SmokeOptions, "baseUrl" | "expectSameSite" | "hstsMaxAgeSeconds" | "healthPath">;

/** The checks that speak HTTPS: none can run without a TLS connection. */
export const HTTPS_CHECKS: readonly CheckName[] = [
  "hsts",
  "auth-callback",
  "session-cookies",
  "cors-allowed",
  "cors-refused",
  "healthz",
];

export function judge(probes: Probes, expected: Expectations): CheckResult[] {
  const { https } = probes;
  if (!https) {
    // The connection failure is said once, by tls-certificate; repeating it per check says nothing new.
    const why = `not run: no HTTPS connection to ${probes.certificate.host} (see tls-certificate)`;
    return CHECK_NAMES.map((name) =>
      name === "https-redirect"
        ? httpsRedirect(probes.plainHttp, expected)
        : name === "tls-certificate"
          ? certificate(probes.certificate)
          : skip(name, why),
    );
  }
  return [
    httpsRedirect(probes.plainHttp, expected),
    hsts(https.home, expected.hstsMaxAgeSeconds),
    certificate(probes.certificate),
    authCallback(https.callback),
    sessionCookies(https, expected.expectSameSite),
    corsAllowed(https.corsAllowed),
    corsRefused(https.corsRefused),
    healthz(https.health),
  ];
}

const pass = (name: CheckName, detail: string): CheckResult => ({ name, ok: true, detail });
const fail = (name: CheckName, detail: string): CheckResult => ({ name, ok: false, detail });
const skip = (name: CheckName, detail: string): CheckResult => ({ name, ok: false, detail, skipped: true });

function unreachable(name: CheckName, observation: Observation): CheckResult | undefined {
  return observation.status === undefined
    ? fail(name, `${observation.method} ${observation.url}: ${observation.error ?? "no response"}`)
    : undefined;
}

function header(observation: Observation, name: string): string | undefined {
  const value = observation.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function httpsRedirect(observation: Observation, expected: Expectations): CheckResult {
  const name = "https-redirect";
  const down = unreachable(name, observation);
  if (down) return down;
  const status = observation.status as number;
  const location = header(observation, "location");
  const want = new URL(expected.healthPath, expected.baseUrl).toString();
  if (status === 302 || status === 303 || status === 307) {
    return fail(
      name,
      `${observation.url} → ${status} ${location ?? ""}: a temporary redirect; browsers keep asking over HTTP. Use 301 or 308 (the listener's HTTP_301).`,
    );
  }
  if (status !== 301 && status !== 308) {
    return fail(name, `${observation.url} answered ${status} instead of redirecting to ${want}.`);
  }
  // WHATWG URLs drop the default port, so the load balancer's `https://host:443/path` matches `https://host/path`.
  const resolved = location === undefined ? undefined : new URL(location, observation.url).toString();
  if (resolved !== want) {
    return fail(name, `${observation.url} → ${status} ${location ?? "(no Location)"}, expected ${want}.`);
  }
  return pass(name, `${observation.url} → ${status} ${resolved}`);
}

function hsts(observation: Observation, maxAge: number): CheckResult {
  const name = "hsts";
  const down = unreachable(name, observation);
  if (down) return down;
  const value = header(observation, "strict-transport-security");
  if (value === undefined)
    return fail(name, `${observation.url} sent no Strict-Transport-Security header (expected max-age=${maxAge}).`);
  const seen = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value);
  if (!seen || Number(seen[1]) !== maxAge) {
    return fail(name, `Strict-Transport-Security is "${value}", expected max-age=${maxAge}.`);
  }
  return pass(name, value);
}

function certificate(observation: CertificateObservation): CheckResult {
  const name = "tls-certificate";
  if (observation.connected === false) {
    return fail(name, `cannot connect over HTTPS to ${observation.host}: ${observation.error ?? "no TLS handshake"}`);
  }
  if (!observation.authorized) {
    const names = observation.altNames ? ` (certificate for ${observation.altNames})` : "";
    return fail(name, `${observation.host}: ${observation.error ?? "not trusted"}${names}`);
  }
  return pass(
    name,
    `${observation.host}: trusted, ${observation.altNames ?? observation.subject ?? ""}, valid to ${observation.validTo ?? "?"}`,
  );
}

function authCallback(observation: Observation): CheckResult {
  const name = "auth-callback";
  const down = unreachable(name, observation);
  if (down) return down;
  const status = observation.status as number;
  if (status === 404 || status >= 500) {
    return fail(
      name,
      `${observation.url} answered ${status}; the OAuth callback must be served (a 4xx for a missing code is fine).`,
    );
  }
  const location = header(observation, "location");
  return pass(name, `${observation.url} answered ${status}${location ? ` → ${location}` : ""}`);
}

function sessionCookies(probes: HttpsProbes, expectSameSite: string): CheckResult {
  const name = "session-cookies";
  const pages = [probes.home, probes.callback, probes.health, ...(probes.cookiePage ? [probes.cookiePage] : [])];
  const answered = pages.filter((page) => page.status !== undefined);
  // A page that never answered says nothing about cookies; the checks that fetched it say why.
  if (answered.length === 0) return skip(name, "not run: no page answered (see healthz and hsts)");
  const cookies = answered.flatMap((page) => (page.headers["set-cookie"] ?? []).map(parseSetCookie));
  if (cookies.length === 0) {
    const paths = answered.map((page) => new URL(page.url).pathname).join(", ");
    const advice = probes.cookiePage
      ? "the --cookie-path page must start a session"
      : "pass --cookie-path with a page that starts a session";
    return fail(name, `no Set-Cookie on ${paths}; ${advice}.`);
  }
  const problems = cookies
    .map((cookie) => cookieProblem(cookie, expectSameSite))
    .filter((p): p is string => p !== undefined);
  if (problems.length > 0) return fail(name, problems.join("; "));
  const names = [...new Set(cookies.map((cookie) => cookie.name))].join(", ");
  return pass(name, `${names}: Secure, SameSite=${capitalize(expectSameSite)}`);
}

function corsAllowed(preflights: readonly Preflight[]): CheckResult {
  const name = "cors-allowed";
  const problems: string[] = [];
  for (const { origin, observation } of preflights) {
    const down = unreachable(name, observation);
    if (down) return down;
    const allowed = header(observation, "access-control-allow-origin");
    const status = observation.status as number;
    if (status >= 300 || allowed !== origin) {
      // Session cookies make these credentialed requests, which browsers refuse under a `*`.
      const why = allowed === "*" ? " (browsers refuse * for requests that carry cookies)" : "";
      problems.push(
        `preflight from ${origin} answered ${status} with Access-Control-Allow-Origin ${allowed ?? "(none)"}${why}`,
      );
    }
  }
  if (problems.length > 0) return fail(name, problems.join("; "));
  return pass(name, `preflight allows ${preflights.map((p) => p.origin).join(", ")}`);
}

function corsRefused({ origin: refusedOrigin, observation }: Preflight): CheckResult {
  const name = "cors-refused";
  const down = unreachable(name, observation);
  if (down) return down;
  const allowed = header(observation, "access-control-allow-origin");
  if (allowed === "*" || allowed === refusedOrigin) {
    return fail(
      name,
      `preflight from ${refusedOrigin} got Access-Control-Allow-Origin ${allowed}: any site could call the API with the user's session.`,
    );
  }
  return pass(
    name,
    `preflight from ${refusedOrigin} refused (${observation.status}, Access-Control-Allow-Origin ${allowed ?? "(none)"})`,
  );
}

function healthz(observation: Observation): CheckResult {
  const name = "healthz";
  const down = unreachable(name, observation);
  if (down) return down;
  if (observation.status !== 200) return fail(name, `${observation.url} answered ${observation.status}, expected 200.`);
  return pass(name, `${observation.url} answered 200`);
}
