import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppTaskArgs, appTaskDefinition } from "./task-definition";
import { serviceTrustPolicy, stackAccountId } from "./trust";

/** The command every stack's deploy runs before the new app version serves traffic. */
export const MIGRATE_COMMAND = ["migrate"];

/**
 * The runner: starts the migration task on Fargate and waits for it to stop, failing the deploy if
 * the container did not exit 0. Lambda's 15-minute limit bounds a migration; longer ones are split.
 */
export const RUNNER_SOURCE = `const { ECSClient, RunTaskCommand, DescribeTasksCommand } = require("@aws-sdk/client-ecs");
const ecs = new ECSClient({});
exports.handler = async (event) => {
  const run = await ecs.send(new RunTaskCommand({
    cluster: event.cluster, taskDefinition: event.taskDefinition, launchType: "FARGATE", count: 1, startedBy: "parity-migrations",
    networkConfiguration: { awsvpcConfiguration: { subnets: event.subnets, securityGroups: event.securityGroups, assignPublicIp: "DISABLED" } },
  }));
  if (!run.tasks || run.tasks.length !== 1) throw new Error("RunTask failed: " + JSON.stringify(run.failures));
  const taskArn = run.tasks[0].taskArn;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 10000));
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: event.cluster, tasks: [taskArn] }));
    const task = tasks[0];
    if (task.lastStatus !== "STOPPED") continue;
    const exitCode = task.containers && task.containers[0] ? task.containers[0].exitCode : undefined;
    if (exitCode !== 0) throw new Error("migrations failed (exit " + exitCode + "): " + task.stoppedReason + " " + taskArn);
    return { status: "ok", taskArn };
  }
};
`;

export interface MigrationsArgs extends Omit<AppTaskArgs, "command" | "port"> {
  /** Physical name prefix, e.g. `parity-staging`. */
  readonly namePrefix: string;
  readonly clusterArn: pulumi.Input<string>;
  readonly clusterName: pulumi.Input<string>;
  /** Private subnets and the `app` security group: migrations reach the database like the app does. */
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupIds: pulumi.Input<string>[];
  /**
   * The database instance identifier. A new identifier (a staging reset) is a new, empty database,
   * so every migration runs again end to end.
   */
  readonly databaseIdentifier: pulumi.Input<string>;
  /** Retention for the runner's own log group. @default 30 */
  readonly logRetentionDays?: number;
  /** The KMS key (`LogsKey`) that encrypts the runner's log group, like the app's. */
  readonly logsKmsKeyArn: pulumi.Input<string>;
}

/**
 * The migration step, the same in every stack: a Fargate task with the app image, environment and
 * secrets running `migrate`, started by a Lambda that a `aws.lambda.Invocation` calls whenever the
 * image, the task definition or the database changes. Production and staging therefore migrate the
 * same way, on deploy, with the same tool.
 */
export class Migrations extends pulumi.ComponentResource {
  public readonly taskDefinition: aws.ecs.TaskDefinition;
  public readonly runner: aws.lambda.Function;
  public readonly invocation: aws.lambda.Invocation;

  constructor(name: string, args: MigrationsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:Migrations", name, {}, opts);
    this.taskDefinition = appTaskDefinition(`${name}-task`, { ...args, command: MIGRATE_COMMAND }, this);

    const functionName = `${args.namePrefix}-migrate`;
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-runner-logs`, { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays ?? 30, kmsKeyId: args.logsKmsKeyArn }, { parent: this });
    const accountId = stackAccountId(this);
    const role = new aws.iam.Role(
      `${name}-runner-role`,
      {
        assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com", accountId),
        description: "Start the migration task and wait for it",
      },
      { parent: this },
    );
    const region = args.region;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const policy = new aws.iam.RolePolicy(
      `${name}-runner-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "RunMigrationTask", Effect: "Allow", Action: "ecs:RunTask", Resource: pulumi.interpolate`${this.taskDefinition.arnWithoutRevision}:*`, Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } } },
            { Sid: "WatchMigrationTask", Effect: "Allow", Action: "ecs:DescribeTasks", Resource: pulumi.interpolate`arn:${partition}:ecs:${region}:${accountId}:task/${args.clusterName}/*` },
            { Sid: "PassTaskRoles", Effect: "Allow", Action: "iam:PassRole", Resource: [args.executionRoleArn, args.taskRoleArn] },
            { Sid: "RunnerLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
          ],
        }),
      },
      { parent: this },
    );
    this.runner = new aws.lambda.Function(
      `${name}-runner`,
      {
        name: functionName,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(RUNNER_SOURCE) }),
        role: role.arn,
        timeout: 900,
        memorySize: 256,
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      },
      { parent: this, dependsOn: [policy, logGroup] },
    );
    this.invocation = new aws.lambda.Invocation(
      `${name}-run`,
      {
        functionName: this.runner.name,
        input: pulumi.jsonStringify({ cluster: args.clusterArn, taskDefinition: this.taskDefinition.arn, subnets: args.subnetIds, securityGroups: args.securityGroupIds }),
        // Re-run on a new image, a changed task (environment, secrets) or a rebuilt database.
        triggers: { image: args.image, taskDefinition: this.taskDefinition.arn, database: pulumi.output(args.databaseIdentifier) },
      },
      { parent: this },
    );
    this.registerOutputs({ taskDefinitionArn: this.taskDefinition.arn, runner: this.runner.name, result: this.invocation.result });
  }
}
