import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The app's processes; each gets its own log group so retention and access can be reasoned about. */
export const APP_PROCESSES = ["web", "worker", "migrate"] as const;
export type AppProcess = (typeof APP_PROCESSES)[number];

export interface ClusterArgs {
  /** Physical name prefix, e.g. `parity-staging`; log groups become `/<prefix>/<process>`. */
  readonly namePrefix: string;
  /** CloudWatch log retention in days (sizing: retention). @default 30 */
  readonly logRetentionDays?: number;
  /**
   * The KMS key that encrypts every log group (`LogsKey`): its policy must let the region's logs
   * service use it for these groups, or creating them fails.
   */
  readonly kmsKeyArn: pulumi.Input<string>;
}

/**
 * The ECS cluster every app process runs in, and one log group per process. Log groups are created
 * up front (not by the awslogs driver) so the execution role can be granted exactly these groups.
 */
export class Cluster extends pulumi.ComponentResource {
  public readonly cluster: aws.ecs.Cluster;
  public readonly arn: pulumi.Output<string>;
  public readonly name: pulumi.Output<string>;
  public readonly logGroups: Record<AppProcess, aws.cloudwatch.LogGroup>;

  constructor(name: string, args: ClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:Cluster", name, {}, opts);
    this.cluster = new aws.ecs.Cluster(
      `${name}-ecs`,
      { name: args.namePrefix, settings: [{ name: "containerInsights", value: "enabled" }] },
      { parent: this },
    );
    this.arn = this.cluster.arn;
    this.name = this.cluster.name;
    const logGroups: Partial<Record<AppProcess, aws.cloudwatch.LogGroup>> = {};
    for (const process of APP_PROCESSES) {
      logGroups[process] = new aws.cloudwatch.LogGroup(
        `${name}-${process}-logs`,
        {
          name: `/${args.namePrefix}/${process}`,
          retentionInDays: args.logRetentionDays ?? 30,
          kmsKeyId: args.kmsKeyArn,
        },
        { parent: this },
      );
    }
    this.logGroups = logGroups as Record<AppProcess, aws.cloudwatch.LogGroup>;
    this.registerOutputs({ arn: this.arn, name: this.name });
  }
}
