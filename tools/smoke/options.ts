import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { AUTH_CALLBACK_PATH } from "../../components/app-environment";
import { HEALTH_CHECK_PATH } from "../../components/https-endpoint";
import { structuralDefaults, type SameSite } from "../../config/settings";
import { cutText, showValue } from "../../policy/engine/show-value";

/**
 * What the smoke test expects of a deployed stack. The expectations default to the values the program
 * deploys (`structuralDefaults`, the components' callback and health paths, CORS_ORIGINS = the base
 * URL's origin), so a change there moves the smoke test with it.
 */
export interface SmokeOptions {
  /** The stack's `baseUrl` output, e.g. `https://staging.app.example.com`. */
  readonly baseUrl: URL;
  readonly expectSameSite: SameSite;
  readonly hstsMaxAgeSeconds: number;
  /** Origins a CORS preflight must allow; defaults to the base URL's own origin, as the program derives it. */
  readonly corsOrigins: readonly string[];
  /** An origin the preflight must refuse. */
  readonly refusedOrigin: string;
  readonly corsPath: string;
  readonly callbackPath: string;
  readonly healthPath: string;
  /** An extra page whose cookies are checked along with those of the pages the other checks visit. */
  readonly cookiePath?: string;
  /** PEM bundle that replaces the system CAs (a private CA, or a test's self-signed one). */
  readonly ca?: Buffer;
  /** Idle timeout: how long a request may go without receiving a byte. */
  readonly timeoutMs: number;
  /** Overall deadline per request (and so per check): a server trickling a byte a second never goes idle. */
  readonly checkDeadlineSeconds: number;
  /** Overall deadline for the whole run, retries under `--wait` included. */
  readonly deadlineSeconds: number;
  /** Keep re-running the checks for up to this long until all pass: a fresh deploy may still be rolling out. */
  readonly waitSeconds: number;
  readonly retryEverySeconds: number;
  /** `host:port` → `address:port`, like curl's `--connect-to`: where to connect, while Host and SNI stay. */
  readonly connectTo: ReadonlyMap<string, { readonly host: string; readonly port: number }>;
}

/** Bad command line: the message names the option and the fix; the CLI exits 2. */
export class SmokeUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SmokeUsageError";
  }
}

export const DEFAULT_CHECK_DEADLINE_SECONDS = 30;
/** One attempt's worth of deadlines past `--wait`: the last attempt may start just before the wait ends. */
export const RUN_DEADLINE_MARGIN_SECONDS = 2 * DEFAULT_CHECK_DEADLINE_SECONDS;

export const usage = `Usage: npm run smoke -- --base-url https://staging.app.example.com [options]

  --base-url URL          the stack's base URL (\`pulumi stack output baseUrl --stack <stack>\`)
  --expect-samesite MODE  session cookies' SameSite: lax | strict | none (default ${structuralDefaults.cookieSameSite})
  --hsts-max-age SECONDS  Strict-Transport-Security max-age (default ${structuralDefaults.hstsMaxAgeSeconds})
  --cors-origin ORIGIN    an origin the app must allow; repeatable (default: the base URL's origin)
  --refused-origin ORIGIN an origin the app must refuse (default ${defaultRefusedOrigin()})
  --cors-path PATH        path of the CORS preflight (default /)
  --callback-path PATH    the OAuth callback path (default ${AUTH_CALLBACK_PATH})
  --health-path PATH      the health check path (default ${HEALTH_CHECK_PATH})
  --cookie-path PATH      an extra page whose Set-Cookie headers are checked too
  --ca FILE               PEM CA bundle to trust instead of the system CAs
  --timeout MS            idle timeout per request: milliseconds without a byte (default 10000)
  --check-deadline SECONDS  overall deadline per request, however slowly it trickles (default ${DEFAULT_CHECK_DEADLINE_SECONDS})
  --deadline SECONDS      overall deadline for the whole run, retries included (default: --wait + ${RUN_DEADLINE_MARGIN_SECONDS})
  --wait SECONDS          re-run failing checks for up to this long before giving up (default 0: once)
  --retry-every SECONDS   pause between attempts while waiting (default 10)
  --connect-to H:P:H2:P2  connect to H2:P2 for requests to H:P (Host and SNI stay H), like curl; repeatable`;

/** `.invalid` is reserved (RFC 2606): it can never be a real origin the app should allow. */
function defaultRefusedOrigin(): string {
  return "https://smoke-test.invalid";
}

const SAME_SITE: readonly SameSite[] = ["lax", "strict", "none"];

export function parseSmokeArgs(argv: readonly string[]): SmokeOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        "base-url": { type: "string" },
        "expect-samesite": { type: "string" },
        "hsts-max-age": { type: "string" },
        "cors-origin": { type: "string", multiple: true },
        "refused-origin": { type: "string" },
        "cors-path": { type: "string" },
        "callback-path": { type: "string" },
        "health-path": { type: "string" },
        "cookie-path": { type: "string" },
        ca: { type: "string" },
        timeout: { type: "string" },
        "check-deadline": { type: "string" },
        deadline: { type: "string" },
        wait: { type: "string" },
        "retry-every": { type: "string" },
        "connect-to": { type: "string", multiple: true },
      },
    }));
  } catch (error) {
    throw new SmokeUsageError(`${(error as Error).message}\n${usage}`);
  }

  const baseUrl = parseBaseUrl(values["base-url"]);
  const expectSameSite = (values["expect-samesite"] ?? structuralDefaults.cookieSameSite).toLowerCase() as SameSite;
  if (!SAME_SITE.includes(expectSameSite)) {
    throw new SmokeUsageError(
      `--expect-samesite is ${showValue(values["expect-samesite"])}: it must be lax, strict or none (the stack's cookieSameSite).`,
    );
  }
  const corsOrigins = (values["cors-origin"] ?? [baseUrl.origin]).map((o) => parseOrigin("--cors-origin", o));
  const refusedOrigin = parseOrigin("--refused-origin", values["refused-origin"] ?? defaultRefusedOrigin());
  if (corsOrigins.includes(refusedOrigin)) {
    throw new SmokeUsageError(
      `--refused-origin ${refusedOrigin} is also a --cors-origin; pick an origin the app must refuse.`,
    );
  }

  const waitSeconds = values.wait === "0" ? 0 : positiveInteger("--wait", values.wait, 0);
  const checkDeadlineSeconds = positiveInteger(
    "--check-deadline",
    values["check-deadline"],
    DEFAULT_CHECK_DEADLINE_SECONDS,
  );
  const deadlineSeconds = positiveInteger("--deadline", values.deadline, waitSeconds + RUN_DEADLINE_MARGIN_SECONDS);
  if (deadlineSeconds < waitSeconds) {
    throw new SmokeUsageError(
      `--deadline ${deadlineSeconds} is shorter than --wait ${waitSeconds}: the run would stop before it finished waiting. Fix: e.g. --deadline ${waitSeconds + RUN_DEADLINE_MARGIN_SECONDS}.`,
    );
  }
  return {
    baseUrl,
    expectSameSite,
    hstsMaxAgeSeconds: positiveInteger("--hsts-max-age", values["hsts-max-age"], structuralDefaults.hstsMaxAgeSeconds),
    corsOrigins,
    refusedOrigin,
    corsPath: parsePath("--cors-path", values["cors-path"] ?? "/"),
    callbackPath: parsePath("--callback-path", values["callback-path"] ?? AUTH_CALLBACK_PATH),
    healthPath: parsePath("--health-path", values["health-path"] ?? HEALTH_CHECK_PATH),
    cookiePath: values["cookie-path"] === undefined ? undefined : parsePath("--cookie-path", values["cookie-path"]),
    ca: values.ca === undefined ? undefined : readCa(values.ca),
    timeoutMs: positiveInteger("--timeout", values.timeout, 10_000),
    checkDeadlineSeconds,
    deadlineSeconds,
    waitSeconds,
    retryEverySeconds: positiveInteger("--retry-every", values["retry-every"], 10),
    connectTo: parseConnectTo(values["connect-to"] ?? []),
  };
}

function parseBaseUrl(raw: string | undefined): URL {
  if (raw === undefined) {
    throw new SmokeUsageError(
      `--base-url is required: the stack's base URL, e.g. --base-url "$(pulumi stack output baseUrl --stack staging)".\n${usage}`,
    );
  }
  const shown = shownUrl(raw);
  const quoted = shownUrl(raw, true);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SmokeUsageError(`--base-url ${quoted} is not a URL; pass e.g. https://staging.app.example.com.`);
  }
  // Before any other check, so no message about the URL ever holds them.
  if (url.username !== "" || url.password !== "") {
    throw new SmokeUsageError(
      `--base-url carries credentials (user:password@ before the host; not shown here): the smoke test checks the public site and sends no credentials, and a URL with a password ends up in logs. Fix: pass the origin only, e.g. https://${url.host}, and rotate the password if this command line was logged.`,
    );
  }
  if (url.protocol !== "https:") {
    throw new SmokeUsageError(
      `--base-url ${shown} must be https:// — the smoke test checks that plain HTTP redirects to it.`,
    );
  }
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    throw new SmokeUsageError(
      `--base-url ${shown} must be an origin only (no path, query or credentials), e.g. ${url.origin}.`,
    );
  }
  return url;
}

/**
 * A URL from the command line as a message may show it: whatever sits between `//` and `@` (a user and
 * password) replaced, the rest cut and escaped. Used for every URL-ish flag, even unparseable ones.
 */
export function shownUrl(raw: string, quoted = false): string {
  const redacted = raw.replace(/^([^/?#]*\/\/)[^/?#]*@/, "$1<credentials removed>@");
  return quoted ? showValue(redacted) : cutText(redacted);
}

function parseOrigin(option: string, raw: string): string {
  try {
    const url = new URL(raw);
    if (
      url.origin !== "null" &&
      (url.pathname === "/" || url.pathname === "") &&
      raw.replace(/\/$/, "") === url.origin
    ) {
      return url.origin;
    }
  } catch {
    // reported below with the same message as a URL that has a path
  }
  throw new SmokeUsageError(
    `${option} ${shownUrl(raw, true)} is not an origin; pass scheme://host[:port], e.g. https://app.example.com.`,
  );
}

function parsePath(option: string, raw: string): string {
  if (!raw.startsWith("/") || raw.startsWith("//")) {
    throw new SmokeUsageError(`${option} ${showValue(raw)} must be an absolute path such as /auth/callback.`);
  }
  return raw;
}

function positiveInteger(option: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) {
    throw new SmokeUsageError(
      `${option} ${showValue(raw)} must be a positive whole number, e.g. ${option} ${fallback}.`,
    );
  }
  return Number(raw);
}

function readCa(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new SmokeUsageError(
      `--ca ${cutText(file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); pass a PEM CA bundle.`,
    );
  }
}

function parseConnectTo(entries: readonly string[]): Map<string, { host: string; port: number }> {
  const map = new Map<string, { host: string; port: number }>();
  for (const entry of entries) {
    const match = /^([^:\s]+):(\d{1,5}):([^:\s]+):(\d{1,5})$/.exec(entry);
    if (!match) {
      throw new SmokeUsageError(
        `--connect-to ${showValue(entry)} must be HOST:PORT:ADDRESS:PORT, e.g. staging.app.example.com:443:127.0.0.1:8443.`,
      );
    }
    map.set(`${match[1].toLowerCase()}:${match[2]}`, { host: match[3], port: Number(match[4]) });
  }
  return map;
}
