import { StackValidationPolicy } from "@pulumi/policy";
import { tlsDefaults, TlsConfig, tlsSchema, withDefaults } from "../pack/config";
import { attached, buckets } from "../pack/relations";
import { fsbpControl } from "../pack/docs";
import { describeResource, isUnknown, jsonValue, raw } from "../pack/resources";
import { LB_LISTENER, RDS_PARAMETER_GROUP, S3_BUCKET_POLICY_PREFIX } from "../types";

/** Security: every connection that carries data is TLS. */

function denyInsecureTransport(policy: unknown): boolean {
  const statements = (jsonValue(policy) as { Statement?: unknown } | undefined)?.Statement;
  return (Array.isArray(statements) ? statements : [statements]).some((s) => {
    const st = s as { Effect?: unknown; Condition?: Record<string, Record<string, unknown>> } | undefined;
    const secure = st?.Condition?.Bool?.["aws:SecureTransport"];
    return st?.Effect === "Deny" && (secure === "false" || secure === false);
  });
}

export const encryptionInTransit: StackValidationPolicy = {
  name: "encryption-in-transit",
  description:
    "PostgreSQL requires TLS (rds.force_ssl=1), buckets refuse non-TLS requests, HTTPS listeners use a modern TLS policy and HTTP redirects to HTTPS.",
  enforcementLevel: "mandatory",
  remediationSteps:
    'PostgreSQL: set the parameter `rds.force_ssl` to "1" (components/database.ts does). HTTPS listeners: a modern `sslPolicy` (the message names the one to use). HTTP listeners: a default action `{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }`. Buckets: attach the TLS-only bucket policy (`tlsOnlyPolicy` in components/storage.ts), which denies `aws:SecureTransport` = false.',
  url: fsbpControl("s3", 5),
  configSchema: tlsSchema,
  validateStack: (args, report) => {
    const { allowedSslPolicies } = withDefaults(tlsDefaults, args.getConfig<TlsConfig>());
    for (const r of args.resources) {
      const p = raw(r.props);
      if (r.type === RDS_PARAMETER_GROUP && String(p.family ?? "").startsWith("postgres")) {
        const params = Array.isArray(p.parameters) ? (p.parameters as { name?: unknown; value?: unknown }[]) : [];
        const forceSsl = params.find((x) => x.name === "rds.force_ssl");
        if (String(forceSsl?.value) !== "1") {
          report(
            `${describeResource(r)} has \`rds.force_ssl\` = ${JSON.stringify(forceSsl?.value ?? "unset")}: clients may connect without TLS and send passwords and data in clear.`,
            r.urn,
          );
        }
      }
      if (r.type === LB_LISTENER) {
        const protocol = String(p.protocol ?? "");
        if (protocol === "HTTPS" && !allowedSslPolicies.includes(String(p.sslPolicy))) {
          report(
            `${describeResource(r)} uses SSL policy ${JSON.stringify(p.sslPolicy ?? "default")}, which allows old TLS versions. Fix: \`sslPolicy: "${allowedSslPolicies[0]}"\`.`,
            r.urn,
          );
        }
        if (protocol === "HTTP") {
          const actions = Array.isArray(p.defaultActions)
            ? (p.defaultActions as { type?: unknown; redirect?: { protocol?: unknown } }[])
            : [];
          if (!actions.some((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS")) {
            report(
              `${describeResource(r)} serves plain HTTP instead of redirecting to HTTPS: cookies marked Secure are dropped and links are generated with http://.`,
              r.urn,
            );
          }
        }
      }
    }
    for (const b of buckets(args.resources)) {
      const policies = attached(args.resources, b, S3_BUCKET_POLICY_PREFIX);
      // A first deploy's preview cannot know a policy that embeds the bucket's ARN: not proven either
      // way until the update's AnalyzeStack, which sees the final policy and rejects it there.
      if (policies.some((x) => isUnknown(raw(x.props).policy))) continue;
      if (!policies.some((x) => denyInsecureTransport(raw(x.props).policy))) {
        report(
          `${describeResource(b)} accepts requests without TLS: no bucket policy denies \`aws:SecureTransport\` = false.`,
          b.urn,
        );
      }
    }
  },
};
