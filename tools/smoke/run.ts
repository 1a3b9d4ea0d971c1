import { judge, type CheckResult, type Preflight, type Probes } from "./checks";
import type { SmokeOptions } from "./options";
import { inspectCertificate, request, type TransportOptions } from "./transport";

/**
 * Fetches everything the checks judge. The certificate is inspected first: when it fails, the HTTPS
 * requests skip verification so each later check still reports its own concern instead of the same
 * TLS error eight times.
 */
export async function probe(options: SmokeOptions & Pick<TransportOptions, "signal">): Promise<Probes> {
  const transport: TransportOptions = options;
  const at = (path: string, protocol = "https:") => {
    const url = new URL(path, options.baseUrl);
    url.protocol = protocol;
    return url;
  };
  const certificate = await inspectCertificate(options.baseUrl, transport);
  const plainHttp = request({ url: at(options.healthPath, "http:"), verifyTls: false }, transport);
  // Without a TLS connection every HTTPS request would fail the same way: ask only over plain HTTP.
  if (certificate.connected === false) return { certificate, plainHttp: await plainHttp };
  const verifyTls = certificate.authorized;
  const get = (path: string) => request({ url: at(path), verifyTls }, transport);
  const preflight = async (origin: string): Promise<Preflight> => ({
    origin,
    observation: await request(
      {
        url: at(options.corsPath),
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
        verifyTls,
      },
      transport,
    ),
  });

  const [plainObservation, home, callback, health, cookiePage, corsAllowed, corsRefused] = await Promise.all([
    plainHttp,
    get("/"),
    get(options.callbackPath),
    get(options.healthPath),
    options.cookiePath === undefined ? Promise.resolve(undefined) : get(options.cookiePath),
    Promise.all(options.corsOrigins.map(preflight)),
    preflight(options.refusedOrigin),
  ]);
  return {
    certificate,
    plainHttp: plainObservation,
    https: { home, callback, health, cookiePage, corsAllowed, corsRefused },
  };
}

export async function runSmoke(options: SmokeOptions & Pick<TransportOptions, "signal">): Promise<CheckResult[]> {
  const results = judge(await probe(options), options);
  if (!results.find((r) => r.name === "tls-certificate")?.ok) {
    // The redirect check speaks plain HTTP, so only the HTTPS checks that ran carry the caveat.
    const overTls = (r: CheckResult) => r.name !== "tls-certificate" && r.name !== "https-redirect" && !r.skipped;
    return results.map((r) =>
      overTls(r) ? { ...r, detail: `${r.detail} (TLS not verified: see tls-certificate)` } : r,
    );
  }
  return results;
}

/**
 * Runs the checks until they all pass or `--wait` runs out. Pulumi returns once the new task
 * definition is registered, and a first deploy's DNS record may not resolve yet, so a failure in
 * the first minutes is not yet a verdict; the last attempt's results are.
 */
export async function runSmokeUntilPass(
  options: SmokeOptions,
  onRetry: (failed: readonly CheckResult[], secondsLeft: number) => void = () => undefined,
): Promise<CheckResult[]> {
  const started = Date.now();
  const deadline = started + options.waitSeconds * 1000;
  // The whole run's deadline: every open request ends when it passes, and no new attempt starts.
  const runDeadline = started + options.deadlineSeconds * 1000;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), options.deadlineSeconds * 1000);
  try {
    for (;;) {
      const results = await runSmoke({ ...options, signal: stop.signal });
      const failed = results.filter((r) => !r.ok && !r.skipped);
      const secondsLeft = Math.floor((Math.min(deadline, runDeadline) - Date.now()) / 1000);
      if (failed.length === 0 || stop.signal.aborted || secondsLeft < options.retryEverySeconds) return results;
      onRetry(failed, secondsLeft);
      await new Promise((resolve) => setTimeout(resolve, options.retryEverySeconds * 1000));
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One line per check, `ok`/`FAIL` first so `grep FAIL` finds every failure; checks skipped for the
 * same reason share one `skip` line, so a connection failure is said once.
 */
export function formatResults(baseUrl: URL, results: readonly CheckResult[]): string {
  const ran = results.filter((r) => !r.skipped);
  const width = Math.max(...ran.map((r) => r.name.length));
  const lines = ran.map((r) => `${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(width)}  ${r.detail}`);
  const skipped = new Map<string, string[]>();
  for (const r of results.filter((x) => x.skipped)) skipped.set(r.detail, [...(skipped.get(r.detail) ?? []), r.name]);
  for (const [detail, names] of skipped) lines.push(`skip ${names.join(", ")}: ${detail}`);
  const failed = ran.filter((r) => !r.ok).length;
  const notRun = results.length - ran.length;
  const verdict =
    failed === 0 && notRun === 0
      ? `all ${results.length} checks ok`
      : `${failed} of ${results.length} checks failed${notRun > 0 ? `, ${notRun} not run` : ""}`;
  return `${lines.join("\n")}\nsmoke ${baseUrl.origin}: ${verdict}`;
}
