import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FAMILY_TAG } from "./migration-runner/family-tag";
import { runnerCode } from "./migration-runner/code";
import { AppTaskArgs, appTaskDefinition, CONTAINER_NAME } from "./task-definition";
import { serviceTrustPolicy, stackAccountId } from "./trust";

/** The command every stack's deploy runs before the new app version serves traffic. */
export const MIGRATE_COMMAND = ["migrate"];

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

/** Lambda's hard limit, which bounds a migration; the runner stops the task a minute before it. */
export const RUNNER_TIMEOUT_SECONDS = 900;

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
    const parent = this;
    const taskDefinition = appTaskDefinition(`${name}-task`, { ...args, command: MIGRATE_COMMAND }, parent);
    const functionName = `${args.namePrefix}-migrate`;
    const logGroup = createRunnerLogs();
    const accountId = stackAccountId(parent);
    const role = createRunnerRole();
    const policy = createRunnerPolicy();
    const runner = createRunner();
    const invocation = runMigrations();

    this.taskDefinition = taskDefinition;
    this.runner = runner;
    this.invocation = invocation;
    this.registerOutputs({
      taskDefinitionArn: this.taskDefinition.arn,
      runner: this.runner.name,
      result: this.invocation.result,
    });

    function createRunnerLogs(): aws.cloudwatch.LogGroup {
      return new aws.cloudwatch.LogGroup(
        `${name}-runner-logs`,
        {
          name: `/aws/lambda/${functionName}`,
          retentionInDays: args.logRetentionDays ?? 30,
          kmsKeyId: args.logsKmsKeyArn,
        },
        { parent },
      );
    }

    function createRunnerRole(): aws.iam.Role {
      return new aws.iam.Role(
        `${name}-runner-role`,
        {
          assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com", accountId),
          description: "Start the migration task and wait for it",
        },
        { parent },
      );
    }

    /** Run, watch and stop the migration task only, on the stack's cluster, and write the runner's own logs. */
    function createRunnerPolicy(): aws.iam.RolePolicy {
      const region = args.region;
      const partition = aws.getPartitionOutput({}, { parent }).partition;
      const tasks = pulumi.interpolate`arn:${partition}:ecs:${region}:${accountId}:task/${args.clusterName}/*`;
      return new aws.iam.RolePolicy(
        `${name}-runner-policy`,
        {
          role: role.id,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "RunMigrationTask",
                Effect: "Allow",
                Action: "ecs:RunTask",
                Resource: pulumi.interpolate`${taskDefinition.arnWithoutRevision}:*`,
                Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } },
              },
              { Sid: "WatchMigrationTask", Effect: "Allow", Action: "ecs:DescribeTasks", Resource: tasks },
              // The runner tags what it starts with the family, and may stop only tasks carrying that tag:
              // it can end its own migration when its time runs out, and no web or worker task.
              {
                Sid: "TagMigrationTask",
                Effect: "Allow",
                Action: "ecs:TagResource",
                Resource: tasks,
                Condition: {
                  StringEquals: { "ecs:CreateAction": "RunTask", [`aws:RequestTag/${FAMILY_TAG}`]: args.family },
                },
              },
              {
                Sid: "StopMigrationTask",
                Effect: "Allow",
                Action: "ecs:StopTask",
                Resource: tasks,
                Condition: {
                  ArnEquals: { "ecs:cluster": args.clusterArn },
                  StringEquals: { [`aws:ResourceTag/${FAMILY_TAG}`]: args.family },
                },
              },
              {
                Sid: "PassTaskRoles",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: [args.executionRoleArn, args.taskRoleArn],
              },
              {
                Sid: "RunnerLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: pulumi.interpolate`${logGroup.arn}:*`,
              },
            ],
          }),
        },
        { parent },
      );
    }

    /** After its policy and log group: its first run must be able to start the task and to log. */
    function createRunner(): aws.lambda.Function {
      return new aws.lambda.Function(
        `${name}-runner`,
        {
          name: functionName,
          runtime: "nodejs22.x",
          architectures: ["arm64"],
          handler: "index.handler",
          code: runnerCode(),
          role: role.arn,
          timeout: RUNNER_TIMEOUT_SECONDS,
          memorySize: 256,
          loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        },
        { parent, dependsOn: [policy, logGroup] },
      );
    }

    function runMigrations(): aws.lambda.Invocation {
      return new aws.lambda.Invocation(
        `${name}-run`,
        {
          functionName: runner.name,
          input: pulumi.jsonStringify({
            cluster: args.clusterArn,
            taskDefinition: taskDefinition.arn,
            family: args.family,
            container: CONTAINER_NAME,
            subnets: args.subnetIds,
            securityGroups: args.securityGroupIds,
          }),
          // Re-run on a new image, a changed task (environment, secrets) or a rebuilt database.
          triggers: {
            image: args.image,
            taskDefinition: taskDefinition.arn,
            database: pulumi.output(args.databaseIdentifier),
          },
        },
        { parent },
      );
    }
  }
}
