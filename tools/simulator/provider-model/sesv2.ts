import { arn, type TypeModel } from "./model";
import { LOWER_ALNUM } from "./seeded";

/** SES v2 (Terraform docs: sesv2_email_identity, sesv2_configuration_set). Easy DKIM publishes three tokens. */

export const models: Record<string, TypeModel> = {
  "aws:sesv2/emailIdentity:EmailIdentity": {
    computed: (r) => {
      const identity = String(r.inputs["emailIdentity"]);
      return {
        id: identity,
        arn: arn(r.env, "ses", `identity/${identity}`),
        dkimSigningAttributes: {
          currentSigningKeyLength: "RSA_2048_BIT",
          domainSigningPrivateKey: "",
          domainSigningSelector: "",
          lastKeyGenerationTimestamp: "2026-01-05T09:22:03Z",
          nextSigningKeyLength: "RSA_2048_BIT",
          signingAttributesOrigin: "AWS_SES",
          status: "SUCCESS",
          tokens: [0, 1, 2].map((i) => r.env.generated.alnum(`${r.key}\0dkim${i}`, 32, LOWER_ALNUM)),
        },
        identityType: identity.includes("@") ? "EMAIL_ADDRESS" : "DOMAIN",
        verificationStatus: "SUCCESS",
        verifiedForSendingStatus: true,
      };
    },
  },
  "aws:sesv2/configurationSet:ConfigurationSet": {
    computed: (r) => ({
      id: String(r.inputs["configurationSetName"]),
      arn: arn(r.env, "ses", `configuration-set/${String(r.inputs["configurationSetName"])}`),
    }),
  },
};
