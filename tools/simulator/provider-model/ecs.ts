import { arn, type TypeModel } from "./model";

/**
 * ECS (Terraform docs: ecs_cluster, ecs_task_definition, ecs_service). A deployed stack's task
 * definitions are at whatever revision its deploy history reached: every `pulumi up` that changes one
 * registers a new revision, so the model draws a revision above 1 from the seed.
 */

export const models: Record<string, TypeModel> = {
  "aws:ecs/cluster:Cluster": {
    autoname: { maxLength: 255 },
    computed: (r) => {
      const clusterArn = arn(r.env, "ecs", `cluster/${r.physical}`);
      return { id: clusterArn, arn: clusterArn, settings: [{ name: "containerInsights", value: "disabled" }] };
    },
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    autoname: { property: "family", maxLength: 255 },
    defaults: { skipDestroy: false, trackLatest: false },
    computed: (r) => {
      const revision = r.env.generated.int(`${r.key}\0revision`, 2, 48);
      const withoutRevision = arn(r.env, "ecs", `task-definition/${r.physical}`);
      return {
        id: r.physical,
        arn: `${withoutRevision}:${revision}`,
        arnWithoutRevision: withoutRevision,
        networkMode: "bridge",
        revision,
      };
    },
  },
  "aws:ecs/service:Service": {
    autoname: { maxLength: 255 },
    defaults: {
      availabilityZoneRebalancing: "DISABLED",
      enableEcsManagedTags: false,
      enableExecuteCommand: false,
      schedulingStrategy: "REPLICA",
      waitForSteadyState: false,
    },
    computed: (r) => ({
      id: arn(
        r.env,
        "ecs",
        `service/${String(r.inputs["cluster"] ?? "default")
          .split("/")
          .pop()}/${r.physical}`,
      ),
      arn: arn(
        r.env,
        "ecs",
        `service/${String(r.inputs["cluster"] ?? "default")
          .split("/")
          .pop()}/${r.physical}`,
      ),
      deploymentController: { type: "ECS" },
      deploymentMaximumPercent: 200,
      deploymentMinimumHealthyPercent: 100,
      iamRole: "/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
      launchType: "FARGATE",
      platformVersion: "LATEST",
      propagateTags: "NONE",
      triggers: {},
    }),
  },
};
