import { arn, type ModelResource, type TypeModel } from "./model";

/**
 * ACM (Terraform docs: acm_certificate, acm_certificate_validation). A deployed certificate is ISSUED;
 * its DNS validation records are the CNAMEs AWS generated for each name.
 */

function validationOptions(r: ModelResource): Record<string, string>[] {
  const names = [
    r.inputs["domainName"],
    ...((r.inputs["subjectAlternativeNames"] as unknown[] | undefined) ?? []),
  ].filter((n): n is string => typeof n === "string");
  return [...new Set(names)].map((domainName) => ({
    domainName,
    resourceRecordName: `_${r.env.generated.hex(`${r.key}\0${domainName}\0name`, 32)}.${domainName.replace(/^\*\./, "")}.`,
    resourceRecordType: "CNAME",
    resourceRecordValue: `_${r.env.generated.hex(`${r.key}\0${domainName}\0value`, 32)}.${r.env.generated.alnum(`${r.key}\0${domainName}`, 10)}.acm-validations.aws.`,
  }));
}

export const models: Record<string, TypeModel> = {
  "aws:acm/certificate:Certificate": {
    computed: (r) => {
      const certificateArn = arn(r.env, "acm", `certificate/${r.env.generated.uuid(r.key)}`);
      const options = validationOptions(r);
      return {
        id: certificateArn,
        arn: certificateArn,
        domainValidationOptions: options,
        keyAlgorithm: "RSA_2048",
        notAfter: "2027-02-04T23:59:59Z",
        notBefore: "2026-01-05T00:00:00Z",
        options: { certificateTransparencyLoggingPreference: "ENABLED", export: "DISABLED" },
        pendingRenewal: false,
        renewalEligibility: "ELIGIBLE",
        renewalSummaries: [],
        status: "ISSUED",
        subjectAlternativeNames: options.map((o) => o.domainName),
        type: "AMAZON_ISSUED",
        validationEmails: [],
        validationMethod: "DNS",
      };
    },
  },
  "aws:acm/certificateValidation:CertificateValidation": {
    computed: () => ({ id: "2026-01-05 09:31:12.284 +0000 UTC" }),
  },
};
