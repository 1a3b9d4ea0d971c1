import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AppTaskArgs, appTaskDefinition, CONTAINER_NAME } from "./task-definition";

export interface FargateServiceArgs extends AppTaskArgs {
  readonly clusterArn: pulumi.Input<string>;
  /** Physical service name, e.g. `parity-staging-web`. */
  readonly serviceName: string;
  /** Running tasks (sizing). */
  readonly desiredCount: number;
  /** Private subnets, one per AZ. */
  readonly subnetIds: pulumi.Input<string>[];
  /** The `app` security group from Network. */
  readonly securityGroupIds: pulumi.Input<string>[];
  /** Register tasks with this target group on `port` (the web process). */
  readonly targetGroupArn?: pulumi.Input<string>;
}

/**
 * One app process as an ECS Fargate service: web (behind the load balancer) and worker use the same
 * component with the same image, environment keys and deployment rules; only command, count and
 * size differ.
 */
export class FargateService extends pulumi.ComponentResource {
  public readonly taskDefinition: aws.ecs.TaskDefinition;
  public readonly service: aws.ecs.Service;

  constructor(name: string, args: FargateServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:FargateService", name, {}, opts);
    if (!Number.isInteger(args.desiredCount) || args.desiredCount < 1) {
      throw new Error(
        `FargateService ${name}: \`desiredCount\` must be a positive whole number, got ${args.desiredCount}`,
      );
    }
    if (args.targetGroupArn !== undefined && args.port === undefined) {
      throw new Error(`FargateService ${name}: a service behind a target group needs \`port\``);
    }
    this.taskDefinition = appTaskDefinition(`${name}-task`, args, this);
    this.service = new aws.ecs.Service(
      `${name}-service`,
      {
        name: args.serviceName,
        cluster: args.clusterArn,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: args.desiredCount,
        launchType: "FARGATE",
        networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
        // A deployment whose tasks never get healthy rolls back by itself, in every stack.
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        loadBalancers:
          args.targetGroupArn === undefined
            ? []
            : [
                {
                  targetGroupArn: args.targetGroupArn,
                  containerName: CONTAINER_NAME,
                  containerPort: args.port as number,
                },
              ],
        healthCheckGracePeriodSeconds: args.targetGroupArn === undefined ? undefined : 60,
        propagateTags: "SERVICE",
        enableExecuteCommand: false,
        // `pulumi up` returns only once the new tasks run (and pass the target group's health check):
        // the smoke test then checks the new version, and tasks that never get healthy fail the
        // update at the provider's timeout instead of passing unnoticed. A circuit-breaker rollback
        // also ends in a steady state, on the previous version: RELEASING.md says how that is caught.
        waitForSteadyState: true,
      },
      { parent: this },
    );
    this.registerOutputs({ serviceName: this.service.name, taskDefinitionArn: this.taskDefinition.arn });
  }
}
