import { arn, type ModelResource, type TypeModel } from "./model";
import { UPPER_ALNUM } from "./seeded";

/**
 * RDS (Terraform docs: db_instance, db_parameter_group, db_subnet_group). The `__defaults` of a
 * db_instance in pulumi-terraform-bridge's replay tests: applyImmediately, autoMinorVersionUpgrade,
 * copyTagsToSnapshot, deleteAutomatedBackups, monitoringInterval, performanceInsightsEnabled,
 * publiclyAccessible. Since provider v6 the instance's `id` is its DbiResourceId, not the identifier.
 */

function engineVersionActual(r: ModelResource): string {
  const declared = String(r.inputs["engineVersion"] ?? "16");
  return declared.includes(".") ? declared : `${declared}.${r.env.generated.int(`${r.key}\0minor`, 1, 8)}`;
}

export const models: Record<string, TypeModel> = {
  "aws:rds/instance:Instance": {
    autoname: { property: "identifier", maxLength: 63 },
    defaults: {
      applyImmediately: false,
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: false,
      dedicatedLogVolume: false,
      deleteAutomatedBackups: true,
      monitoringInterval: 0,
      performanceInsightsEnabled: false,
      publiclyAccessible: false,
      skipFinalSnapshot: false,
    },
    computed: (r) => {
      const resourceId = `db-${r.env.generated.alnum(r.key, 26, UPPER_ALNUM)}`;
      const address = `${r.physical}.c${r.env.generated.alnum(`${r.key}\0host`, 11)}.${r.env.region}.rds.amazonaws.com`;
      const port = 5432;
      const actual = engineVersionActual(r);
      return {
        id: resourceId,
        address,
        arn: arn(r.env, "rds", `db:${r.physical}`),
        availabilityZone: `${r.env.region}${"abc"[r.env.generated.int(`${r.key}\0az`, 0, 2)]}`,
        backupRetentionPeriod: 1,
        backupTarget: "region",
        backupWindow: "07:23-07:53",
        caCertIdentifier: "rds-ca-rsa2048-g1",
        dbName: "",
        endpoint: `${address}:${port}`,
        engineLifecycleSupport: "open-source-rds-extended-support",
        engineVersionActual: actual,
        hostedZoneId: "Z2R2ITUGPM61AM",
        iops: 0,
        latestRestorableTime: "2026-01-05T09:55:00Z",
        licenseModel: "postgresql-license",
        listenerEndpoints: [],
        maintenanceWindow: "sun:04:12-sun:04:42",
        masterUserSecrets: [],
        multiAz: false,
        networkType: "IPV4",
        optionGroupName: `default:postgres-${actual.split(".")[0]}`,
        port,
        replicas: [],
        resourceId,
        status: "available",
        storageThroughput: 0,
        storageType: "gp2",
      };
    },
  },
  "aws:rds/parameterGroup:ParameterGroup": {
    autoname: { maxLength: 255 },
    defaults: { description: "Managed by Pulumi", skipDestroy: false },
    nestedDefaults: { parameters: { applyMethod: "immediate" } },
    computed: (r) => ({ id: r.physical, arn: arn(r.env, "rds", `pg:${r.physical}`) }),
  },
  "aws:rds/subnetGroup:SubnetGroup": {
    autoname: { maxLength: 255 },
    defaults: { description: "Managed by Pulumi" },
    computed: (r) => {
      const subnets = Array.isArray(r.inputs["subnetIds"]) ? r.inputs["subnetIds"] : [];
      return {
        id: r.physical,
        arn: arn(r.env, "rds", `subgrp:${r.physical}`),
        supportedNetworkTypes: ["IPV4"],
        vpcId: r.env.lookup(subnets[0])?.["vpcId"] ?? "",
      };
    },
  },
};
