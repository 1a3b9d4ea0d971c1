import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";
import type { SmokeOptions } from "./options";

/** What one request saw. Redirects are never followed: where the server sends us is what we check. */
export interface Observation {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly headers: http.IncomingHttpHeaders;
  /** Why there is no status: refused, timed out, TLS failure. */
  readonly error?: string;
}

/** What the TLS handshake proved about the certificate the host presents. */
export interface CertificateObservation {
  readonly host: string;
  /** False when no TLS handshake completed (refused, timed out, not a TLS server). */
  readonly connected?: boolean;
  readonly authorized: boolean;
  /** The verifier's reason, with the hostname mismatch spelled out. */
  readonly error?: string;
  readonly subject?: string;
  readonly altNames?: string;
  readonly validTo?: string;
}

export type TransportOptions = Pick<SmokeOptions, "ca" | "timeoutMs" | "connectTo"> &
  Partial<Pick<SmokeOptions, "checkDeadlineSeconds">> & {
    /** Aborted when the whole run's deadline passes: every request still open ends at once. */
    readonly signal?: AbortSignal;
  };

/**
 * Ends `stop` after the check deadline, or when the run's signal aborts, whichever comes first; the
 * returned function cancels both. `--timeout` is an idle timeout only, so without this a server that
 * trickles one byte a second keeps a request (and the run) open for ever.
 */
function deadlines(options: TransportOptions, stop: (error: Error) => void): () => void {
  const seconds = options.checkDeadlineSeconds;
  const timer =
    seconds === undefined
      ? undefined
      : setTimeout(() => stop(new Error(`no complete answer within ${seconds} s (--check-deadline)`)), seconds * 1000);
  const onAbort = () => stop(new Error("stopped: the run's deadline passed (--deadline)"));
  if (options.signal?.aborted) queueMicrotask(onAbort);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  return () => {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  };
}

/** Where to open the socket for `url`: its own host and port unless `--connect-to` maps them. */
function endpoint(url: URL, options: TransportOptions): { host: string; port: number } {
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return options.connectTo.get(`${url.hostname.toLowerCase()}:${port}`) ?? { host: url.hostname, port };
}

export interface RequestSpec {
  readonly url: URL;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Off only once the certificate check has already failed, so later checks still report their own concern. */
  readonly verifyTls: boolean;
}

export function request(spec: RequestSpec, options: TransportOptions): Promise<Observation> {
  const { url } = spec;
  const method = spec.method ?? "GET";
  const target = endpoint(url, options);
  const secure = url.protocol === "https:";
  const requestOptions: https.RequestOptions = {
    host: target.host,
    port: target.port,
    method,
    path: `${url.pathname}${url.search}`,
    // Host and SNI carry the real name even when --connect-to points the socket elsewhere.
    headers: { host: url.host, "user-agent": "parity-smoke/1", ...spec.headers },
    agent: false,
    ...(secure ? { servername: url.hostname, ca: options.ca, rejectUnauthorized: spec.verifyTls } : {}),
  };
  return new Promise((resolve) => {
    let cancel = () => undefined as void;
    // Why a deadline ended the request: Node reports only "aborted" on the response.
    let stoppedBy: Error | undefined;
    const done = (observation: Omit<Observation, "method" | "url">) => {
      cancel();
      resolve({ method, url: url.toString(), ...observation });
    };
    const req = (secure ? https : http).request(requestOptions, (res) => {
      res.resume();
      res.on("end", () => done({ status: res.statusCode, headers: res.headers }));
      res.on("error", (error) =>
        done({ status: res.statusCode, headers: res.headers, error: (stoppedBy ?? error).message }),
      );
      // Destroyed mid-body: Node may close the response without an error event.
      res.on("close", () => {
        if (!res.complete)
          done({
            status: res.statusCode,
            headers: res.headers,
            error: (stoppedBy ?? new Error("the connection closed mid-answer")).message,
          });
      });
    });
    req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no response within ${options.timeoutMs} ms`)));
    req.on("error", (error) => done({ headers: {}, error: describeError(error, target) }));
    cancel = deadlines(options, (error) => {
      stoppedBy = error;
      req.destroy(error);
    });
    req.end();
  });
}

/** Handshakes with the host, verifying the chain against `ca` (or the system CAs) and the host name. */
export function inspectCertificate(url: URL, options: TransportOptions): Promise<CertificateObservation> {
  const target = endpoint(url, options);
  const host = url.hostname;
  return new Promise((resolve) => {
    // rejectUnauthorized:false so the handshake completes and we can say *why* the certificate is bad;
    // Node still runs the chain and host-name checks and records the verdict in `authorized`.
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: host,
      ca: options.ca,
      rejectUnauthorized: false,
    });
    socket.setTimeout(options.timeoutMs, () =>
      socket.destroy(new Error(`no TLS handshake within ${options.timeoutMs} ms`)),
    );
    const cancel = deadlines(options, (error) => socket.destroy(error));
    socket.once("close", cancel);
    socket.once("secureConnect", () => {
      cancel();
      const cert = socket.getPeerCertificate();
      // Node reports a host-name mismatch only as a code; ask for the sentence that names the names.
      const hostError = cert.subject ? tls.checkServerIdentity(host, cert)?.message : undefined;
      const chainError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      const reasons = [chainError === "ERR_TLS_CERT_ALTNAME_INVALID" ? undefined : chainError, hostError];
      resolve({
        host,
        connected: true,
        authorized: socket.authorized,
        error: socket.authorized ? undefined : reasons.filter(Boolean).join("; ") || "not trusted",
        subject: cert.subject ? [cert.subject.CN].flat().join(", ") : undefined,
        altNames: cert.subjectaltname,
        validTo: cert.valid_to,
      });
      socket.end();
    });
    socket.once("error", (error) =>
      resolve({ host, connected: false, authorized: false, error: describeError(error, target) }),
    );
  });
}

/** One sentence a person acts on; OpenSSL's own text (`…:ssl3_get_record:wrong version number:…`) is not one. */
function describeError(error: Error, target: { host: string; port: number }): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ECONNREFUSED") return `connection refused by ${target.host}:${target.port}`;
  if (code === "ENOTFOUND") return `${target.host} does not resolve`;
  if (/wrong version number|packet length too long|unknown protocol|http request/i.test(error.message)) {
    return `${target.host}:${target.port} does not speak TLS (a plain-HTTP server on the HTTPS port?)`;
  }
  if (code === "ECONNRESET") return `${target.host}:${target.port} closed the connection`;
  if (code === "EPROTO" || /SSL routines/.test(error.message))
    return `TLS handshake with ${target.host}:${target.port} failed`;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
