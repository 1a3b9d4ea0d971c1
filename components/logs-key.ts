import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stackKey } from "./kms-key";
import { stackAccountId } from "./trust";

export interface LogsKeyArgs {
  /**
   * Physical name prefix, e.g. `parity-staging`. The alias becomes `alias/<prefix>-logs`, and only
   * log groups named `/<prefix>/*` or `/aws/lambda/<prefix>-*` may use the key.
   */
  readonly namePrefix: string;
  /** The stack's region: the key trusts that region's CloudWatch Logs service only. */
  readonly region: string;
  /**
   * Protect the key and keep it on delete. Disabling or deleting the key makes every log event
   * encrypted with it unreadable for the rest of its retention.
   * @default true
   */
  readonly protectData?: boolean;
}

/** What the key policy is built from; plain values so tests can call `logsKeyPolicy` directly. */
export interface LogsKeyPolicyInput {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly namePrefix: string;
}

/** The log groups allowed to use the key: the app's processes and the migration runner. */
export function logGroupArnPatterns(p: LogsKeyPolicyInput): string[] {
  const logGroup = `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:`;
  return [`${logGroup}/${p.namePrefix}/*`, `${logGroup}/aws/lambda/${p.namePrefix}-*`];
}

/**
 * The key policy CloudWatch Logs needs: the account administers the key through IAM (the default
 * key policy's statement, without which nobody could manage the key), and the regional logs service
 * may use it only with the encryption context of this stack's own log groups, so no other log
 * group, in this account or another, can borrow it.
 */
export function logsKeyPolicy(p: LogsKeyPolicyInput): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${p.partition}:iam::${p.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "StackLogGroupsEncrypt",
        Effect: "Allow",
        Principal: { Service: `logs.${p.region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroupArnPatterns(p) } },
      },
    ],
  });
}

/**
 * The stack's customer-managed KMS key for CloudWatch Logs. Separate from the data key so the logs
 * service, which the data key's policy never names, can use this one and nothing else; one per stack,
 * like every key, so staging's logs never share a key with production's.
 */
export class LogsKey extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly alias: aws.kms.Alias;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: LogsKeyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:LogsKey", name, {}, opts);
    const protectData = args.protectData ?? true;
    const accountId = stackAccountId(this);
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    const policy = pulumi.all([partition, accountId]).apply(([partitionName, account]) =>
      logsKeyPolicy({
        partition: partitionName,
        accountId: account,
        region: args.region,
        namePrefix: args.namePrefix,
      }),
    );
    ({ key: this.key, alias: this.alias } = stackKey(
      name,
      {
        namePrefix: args.namePrefix,
        purpose: "logs",
        description: `${args.namePrefix}: CloudWatch Logs of the app, workers and migrations`,
        policy,
        protectData,
      },
      this,
    ));
    this.arn = this.key.arn;
    this.registerOutputs({ arn: this.arn, alias: this.alias.name });
  }
}
