import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppEnvironment, JOB_TIMEOUT_SECONDS } from "./app-environment";

/** The one container every app task runs. */
export const CONTAINER_NAME = "app";
/** Task-local scratch space (Fargate ephemeral storage), mounted at /tmp. */
export const SCRATCH_VOLUME = "scratch";

export interface AppTaskArgs {
  /** Task definition family (physical), e.g. `parity-staging-web`. */
  readonly family: string;
  /** The app image; the same image for web, worker and migrations. */
  readonly image: string;
  /** The process to start, e.g. `["web"]`, `["worker"]`, `["migrate"]`. */
  readonly command: string[];
  /** Fargate CPU units (sizing). */
  readonly cpu: number;
  /** Fargate memory in MiB (sizing). */
  readonly memoryMb: number;
  /** From `buildAppEnvironment`: every task gets the same keys. */
  readonly environment: AppEnvironment;
  readonly executionRoleArn: pulumi.Input<string>;
  readonly taskRoleArn: pulumi.Input<string>;
  readonly logGroupName: pulumi.Input<string>;
  readonly region: string;
  /** A container port to publish (the web process). */
  readonly port?: number;
}

/** The container definitions JSON: built from Outputs with `jsonStringify`, never inside `apply`. */
export function containerDefinitions(args: AppTaskArgs): pulumi.Output<string> {
  return pulumi.jsonStringify([
    {
      name: CONTAINER_NAME,
      image: args.image,
      command: args.command,
      essential: true,
      environment: args.environment.environment,
      secrets: args.environment.secrets,
      portMappings: args.port === undefined ? [] : [{ containerPort: args.port, protocol: "tcp" }],
      // Read-only image; the app writes scratch files (uploads in flight, PDFs) to a task-local /tmp.
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: SCRATCH_VOLUME, containerPath: "/tmp", readOnly: false }],
      // A stopping task gets the job timeout to finish what it started before SIGKILL.
      stopTimeout: JOB_TIMEOUT_SECONDS,
      linuxParameters: { initProcessEnabled: true },
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": args.logGroupName,
          "awslogs-region": args.region,
          "awslogs-stream-prefix": args.command[0],
        },
      },
    },
  ]);
}

/** A Fargate task definition for one app process, as a child of `parent`. */
export function appTaskDefinition(name: string, args: AppTaskArgs, parent: pulumi.Resource): aws.ecs.TaskDefinition {
  return new aws.ecs.TaskDefinition(
    name,
    {
      family: args.family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(args.cpu),
      memory: String(args.memoryMb),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" },
      executionRoleArn: args.executionRoleArn,
      taskRoleArn: args.taskRoleArn,
      containerDefinitions: containerDefinitions(args),
      volumes: [{ name: SCRATCH_VOLUME }],
    },
    { parent },
  );
}
