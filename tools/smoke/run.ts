import { judge, type CheckResult, type Preflight, type Probes } from "./checks";
import type { SmokeOptions } from "./options";
import { inspectCertificate, request, type TransportOptions } from "./transport";

/**
 * Fetches everything the checks judge. The certificate is inspected first: when it fails, the HTTPS
 * requests skip verification so each later check still reports its own concern instead of the same
 * TLS error eight times.
 */
export async function probe(options: SmokeOptions): Promise<Probes> {
  const transport: TransportOptions = options;
  const at = (path: string, protocol = "https:") => {
    const url = new URL(path, options.baseUrl);
    url.protocol = protocol;
    return url;
  };
  const certificate = await inspectCertificate(options.baseUrl, transport);
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

  const [plainHttp, home, callback, health, cookiePage, corsAllowed, corsRefused] =
    await Promise.all([
      request({ url: at(options.healthPath, "http:"), verifyTls }, transport),
      get("/"),
      get(options.callbackPath),
      get(options.healthPath),
      options.cookiePath === undefined ? Promise.resolve(undefined) : get(options.cookiePath),
      Promise.all(options.corsOrigins.map(preflight)),
      preflight(options.refusedOrigin),
    ]);
  return { certificate, plainHttp, home, callback, health, cookiePage, corsAllowed, corsRefused };
}

export async function runSmoke(options: SmokeOptions): Promise<CheckResult[]> {
  const results = judge(await probe(options), options);
  if (!results.find((r) => r.name === "tls-certificate")?.ok) {
    // The redirect check speaks plain HTTP, so only the HTTPS checks carry the caveat.
    const overTls = (r: CheckResult) => r.name !== "tls-certificate" && r.name !== "https-redirect";
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
  const deadline = Date.now() + options.waitSeconds * 1000;
  for (;;) {
    const results = await runSmoke(options);
    const failed = results.filter((r) => !r.ok);
    const secondsLeft = Math.floor((deadline - Date.now()) / 1000);
    if (failed.length === 0 || secondsLeft < options.retryEverySeconds) return results;
    onRetry(failed, secondsLeft);
    await new Promise((resolve) => setTimeout(resolve, options.retryEverySeconds * 1000));
  }
}

/** One line per check, `ok`/`FAIL` first so `grep FAIL` finds every failure. */
export function formatResults(baseUrl: URL, results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map(
    (r) => `${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(width)}  ${r.detail}`,
  );
  const failed = results.filter((r) => !r.ok).length;
  const verdict =
    failed === 0
      ? `all ${results.length} checks ok`
      : `${failed} of ${results.length} checks failed`;
  return `${lines.join("\n")}\nsmoke ${baseUrl.origin}: ${verdict}`;
}
