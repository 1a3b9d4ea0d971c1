import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { simulatedIntegrations } from "./app-environment";
import { storeSecret } from "./secret";
import { Storage } from "./storage";

/** SES Easy DKIM always publishes three CNAME tokens. */
export const DKIM_TOKEN_COUNT = 3;

export interface IntegrationsArgs {
  /** Physical name prefix, e.g. `parity-staging`. */
  readonly namePrefix: string;
  /** The stack's domain: SES sends as `no-reply@<domain>`; DKIM records go into its zone. */
  readonly domain: string;
  /** Route53 hosted zone id holding `domain`. */
  readonly zoneId: pulumi.Input<string>;
  /** The stack's data key: integration secrets and the outbox are encrypted with it. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** `live` charges real cards; `test` uses the provider's sandbox. Staging is always `test`. */
  readonly paymentsMode: string;
  /** `send` mails real recipients; `capture` writes every message to the outbox bucket instead. */
  readonly emailMode: string;
  /** `send` texts real phones; `log` logs and drops the message, keeping its content checkable. */
  readonly smsMode: string;
  /** This stack's payment provider API key, a config secret. */
  readonly paymentsApiKey: pulumi.Input<string>;
  /**
   * The outbox bucket's physical name, globally unique (e.g. `parity-staging-email-outbox-<account id>`).
   * Caution: changing it replaces the bucket.
   */
  readonly outboxBucketName: string;
  /** Days the outbox keeps overwritten message versions. @default 30 */
  readonly outboxNoncurrentVersionDays?: number;
  /** `protect` and retain-on-delete for the outbox bucket. @default true */
  readonly protectData?: boolean;
  /**
   * The stack's access-log bucket: the outbox holds captured messages (recipients, bodies), so its
   * requests are logged like the uploads bucket's (AWS FSBP S3.9). @default no access logging
   */
  readonly accessLogBucket?: pulumi.Input<string>;
}

/** The tags that make simulated state visible on every integration resource in the console. */
export function integrationTags(
  integration: "payments" | "email" | "sms",
  mode: string,
  simulated: boolean,
): Record<string, string> {
  return { "parity:integration": integration, "parity:mode": mode, "parity:simulated": String(simulated) };
}

/**
 * The third parties the app talks to, the same resources in every stack with per-stack modes:
 * payments (API key in Secrets Manager, tagged with its mode), email (an SES domain identity with DKIM,
 * plus an outbox bucket that capture mode writes to; it exists in every stack so the resource sets
 * match), SMS (mode only; the app logs instead of sending) and the stack's own signing key.
 */
export class Integrations extends pulumi.ComponentResource {
  public readonly paymentsSecret: aws.secretsmanager.Secret;
  public readonly signingKeySecret: aws.secretsmanager.Secret;
  public readonly signingPublicKeyPem: pulumi.Output<string>;
  public readonly emailIdentity: aws.sesv2.EmailIdentity;
  public readonly configurationSet: aws.sesv2.ConfigurationSet;
  public readonly outbox: Storage;
  public readonly emailFrom: string;
  /** `"email,payments,sms"` when all are simulated, `""` when none is. */
  public readonly simulated: string;

  constructor(name: string, args: IntegrationsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:Integrations", name, {}, opts);
    const parent = this;
    checkModes();
    const simulated = simulatedIntegrations({ payments: args.paymentsMode, email: args.emailMode, sms: args.smsMode });
    const isSimulated = (integration: string) => simulated.split(",").includes(integration);

    const paymentsSecret = storePaymentsKey();
    const signing = createSigningKey();
    const emailTags = integrationTags("email", args.emailMode, isSimulated("email"));
    const configurationSet = createConfigurationSet();
    const emailIdentity = createEmailIdentity();
    publishDkimRecords();
    const outbox = createOutbox();

    this.simulated = simulated;
    this.paymentsSecret = paymentsSecret;
    this.signingPublicKeyPem = signing.publicKeyPem;
    this.signingKeySecret = signing.secret;
    this.configurationSet = configurationSet;
    this.emailIdentity = emailIdentity;
    this.emailFrom = `no-reply@${args.domain}`;
    this.outbox = outbox;
    this.registerOutputs({
      paymentsSecretArn: this.paymentsSecret.arn,
      signingKeySecretArn: this.signingKeySecret.arn,
      signingPublicKeyPem: this.signingPublicKeyPem,
      emailIdentity: this.emailIdentity.emailIdentity,
      outboxBucket: this.outbox.bucketName,
      simulated: this.simulated,
      smsMode: args.smsMode,
    });

    function checkModes(): void {
      const modes = { payments: ["live", "test"], email: ["send", "capture"], sms: ["send", "log"] } as const;
      for (const [integration, mode] of [
        ["payments", args.paymentsMode],
        ["email", args.emailMode],
        ["sms", args.smsMode],
      ] as const) {
        if (!(modes[integration] as readonly string[]).includes(mode)) {
          throw new Error(
            `Integrations ${name}: \`${integration}Mode\` must be one of ${modes[integration].join(", ")}, got ${JSON.stringify(mode)}`,
          );
        }
      }
    }

    function storePaymentsKey(): aws.secretsmanager.Secret {
      return storeSecret(
        `${name}-payments-key`,
        {
          secretName: `${args.namePrefix}/payments/api-key`,
          description: `${args.namePrefix}: payment provider API key (${args.paymentsMode} mode)`,
          kmsKeyArn: args.kmsKeyArn,
          value: args.paymentsApiKey,
          tags: integrationTags("payments", args.paymentsMode, isSimulated("payments")),
        },
        parent,
      ).secret;
    }

    /** Signs session tokens and upload URLs. Generated per stack, so a staging token never verifies in production. */
    function createSigningKey(): { publicKeyPem: pulumi.Output<string>; secret: aws.secretsmanager.Secret } {
      const signingKey = new tls.PrivateKey(
        `${name}-signing-key`,
        { algorithm: "ECDSA", ecdsaCurve: "P256" },
        { parent },
      );
      const secret = storeSecret(
        `${name}-signing`,
        {
          secretName: `${args.namePrefix}/app/signing-key`,
          description: `${args.namePrefix}: ECDSA P-256 key for session and URL signing`,
          kmsKeyArn: args.kmsKeyArn,
          value: signingKey.privateKeyPem,
        },
        parent,
      ).secret;
      return { publicKeyPem: signingKey.publicKeyPem, secret };
    }

    function createConfigurationSet(): aws.sesv2.ConfigurationSet {
      return new aws.sesv2.ConfigurationSet(
        `${name}-email-config`,
        { configurationSetName: args.namePrefix, deliveryOptions: { tlsPolicy: "REQUIRE" }, tags: emailTags },
        { parent },
      );
    }

    function createEmailIdentity(): aws.sesv2.EmailIdentity {
      return new aws.sesv2.EmailIdentity(
        `${name}-email-identity`,
        {
          emailIdentity: args.domain,
          configurationSetName: configurationSet.configurationSetName,
          dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
          tags: emailTags,
        },
        { parent },
      );
    }

    /** SES verifies the domain, and signs its mail, only once these CNAMEs resolve. */
    function publishDkimRecords(): void {
      const tokens = emailIdentity.dkimSigningAttributes.tokens;
      for (let i = 0; i < DKIM_TOKEN_COUNT; i++) {
        const token = tokens.apply((t) => t[i]);
        new aws.route53.Record(
          `${name}-dkim-${i}`,
          {
            zoneId: args.zoneId,
            name: pulumi.interpolate`${token}._domainkey.${args.domain}`,
            type: "CNAME",
            ttl: 1800,
            records: [pulumi.interpolate`${token}.dkim.amazonses.com`],
          },
          { parent },
        );
      }
    }

    /** In every stack, capture mode or not, so that staging's resources match production's. */
    function createOutbox(): Storage {
      return new Storage(
        `${name}-outbox`,
        {
          bucketName: args.outboxBucketName,
          kmsKeyArn: args.kmsKeyArn,
          noncurrentVersionDays: args.outboxNoncurrentVersionDays,
          protectData: args.protectData,
          accessLogBucket: args.accessLogBucket,
        },
        { parent },
      );
    }
  }
}
