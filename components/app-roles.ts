import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy, stackAccountId } from "./trust";

export interface AppRolesArgs {
  /** The app image; pull rights are granted on its ECR repository only. */
  readonly image: string;
  /** The stack's data key (secrets, buckets). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Exactly the secrets web and worker receive through ECS `secrets`. */
  readonly secretArns: pulumi.Input<string>[];
  /** Secrets only the migration task receives (the database master credentials). @default [] */
  readonly migrationSecretArns?: pulumi.Input<string>[];
  /** The app processes' log groups. */
  readonly logGroupArns: pulumi.Input<string>[];
  readonly uploadsBucketArn: pulumi.Input<string>;
  readonly outboxBucketArn: pulumi.Input<string>;
  /** Job queues the app sends to and the worker consumes (not their dead-letter queues). */
  readonly queueArns: pulumi.Input<string>[];
  /** SES identity and configuration set the app sends as. */
  readonly emailIdentityArn: pulumi.Input<string>;
  readonly configurationSetArn: pulumi.Input<string>;
  /** The Cognito pool the app manages group membership in. */
  readonly userPoolArn: pulumi.Input<string>;
}

/** The ECR repository ARN of an ECR image reference, or undefined for another registry. */
export function ecrRepositoryArn(image: string): string | undefined {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
  if (!match) return undefined;
  const [, account, region, repository] = match;
  const partition = region.startsWith("cn-") ? "aws-cn" : region.includes("-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/** Execution role permissions: pull the image, write its logs, read exactly its secrets. */
export function executionPolicy(args: Omit<AppRolesArgs, "migrationSecretArns">): pulumi.Output<string> {
  const repository = ecrRepositoryArn(args.image);
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      ...(repository === undefined
        ? []
        : [
            // GetAuthorizationToken has no resource-level permissions; the pull itself is scoped.
            { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            {
              Sid: "PullAppImage",
              Effect: "Allow",
              Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
              Resource: repository,
            },
          ]),
      {
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: args.logGroupArns.map((arn) => pulumi.interpolate`${arn}:*`),
      },
      { Sid: "ReadAppSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.secretArns },
      { Sid: "DecryptAppSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: args.kmsKeyArn },
    ],
  });
}

/** Task role permissions: the named bucket, queues, key, email identity and user pool, nothing else. */
export function taskPolicy(args: AppRolesArgs): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "UploadsObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"],
        Resource: pulumi.interpolate`${args.uploadsBucketArn}/*`,
      },
      { Sid: "UploadsList", Effect: "Allow", Action: "s3:ListBucket", Resource: args.uploadsBucketArn },
      {
        Sid: "OutboxObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: pulumi.interpolate`${args.outboxBucketArn}/*`,
      },
      { Sid: "OutboxList", Effect: "Allow", Action: "s3:ListBucket", Resource: args.outboxBucketArn },
      { Sid: "DataKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.kmsKeyArn },
      {
        Sid: "JobQueues",
        Effect: "Allow",
        Action: [
          "sqs:SendMessage",
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
        ],
        Resource: args.queueArns,
      },
      {
        Sid: "SendEmail",
        Effect: "Allow",
        Action: ["ses:SendEmail", "ses:SendRawEmail"],
        Resource: [args.emailIdentityArn, args.configurationSetArn],
      },
      // SMS goes to phone numbers, which have no ARN; NotResource keeps every SNS topic out of reach.
      { Sid: "SendSms", Effect: "Allow", Action: "sns:Publish", NotResource: "arn:aws:sns:*:*:*" },
      {
        Sid: "ManageMemberships",
        Effect: "Allow",
        Action: [
          "cognito-idp:AdminGetUser",
          "cognito-idp:AdminListGroupsForUser",
          "cognito-idp:AdminAddUserToGroup",
          "cognito-idp:AdminRemoveUserFromGroup",
        ],
        Resource: args.userPoolArn,
      },
    ],
  });
}

/**
 * The two roles every app task runs with. The execution role is ECS's (start the task); the task role
 * is the app's own, least privilege with every data resource named. Both are per stack: a leaked
 * staging credential unlocks nothing in production.
 */
export class AppRoles extends pulumi.ComponentResource {
  /** Starts web and worker: reads the app's secrets, never the database master's. */
  public readonly executionRole: aws.iam.Role;
  /** Starts the migration task: the app's secrets plus the database master credentials. */
  public readonly migrationExecutionRole: aws.iam.Role;
  public readonly taskRole: aws.iam.Role;

  constructor(name: string, args: AppRolesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:AppRoles", name, {}, opts);
    const parent = this;
    const accountId = stackAccountId(parent);
    const executionRole = createRole(
      "execution",
      "ECS: pull the app image, write its logs, inject its secrets",
      executionPolicy(args),
    );
    // A role of its own, so that "only migrations read the master secret" is enforced by IAM, not by
    // which container happens to list it.
    const migrationExecutionRole = createRole(
      "migrate-execution",
      "ECS: start the migration task, with the database master credentials",
      executionPolicy({ ...args, secretArns: [...args.secretArns, ...(args.migrationSecretArns ?? [])] }),
    );
    const taskRole = createRole(
      "task",
      "The app: its bucket, queues, key, email identity and user pool",
      taskPolicy(args),
    );

    this.executionRole = executionRole;
    this.migrationExecutionRole = migrationExecutionRole;
    this.taskRole = taskRole;
    this.registerOutputs({
      executionRoleArn: this.executionRole.arn,
      migrationExecutionRoleArn: this.migrationExecutionRole.arn,
      taskRoleArn: this.taskRole.arn,
    });

    /** The three roles differ only in name, description and policy: each ECS-assumed, with one inline policy. */
    function createRole(role: string, description: string, policy: pulumi.Output<string>): aws.iam.Role {
      const created = new aws.iam.Role(
        `${name}-${role}`,
        { assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com", accountId), description },
        { parent },
      );
      new aws.iam.RolePolicy(`${name}-${role}-policy`, { role: created.id, policy }, { parent });
      return created;
    }
  }
}
