import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { SECRETS_DOC } from "../pack/docs";
import { describeResource, isUnknown, jsonValue, raw, stringsIn } from "../pack/resources";
import {
  ECS_SERVICE,
  ECS_TASK_DEFINITION,
  RDS_INSTANCE,
  SECRETSMANAGER_SECRET,
  SECRETSMANAGER_SECRET_VERSION,
} from "../types";

/** Security: a long-running service connects as the application's role, never as the database's master. */

/** Whether `r`'s property `prop` was built from `target` (by property dependency, or by its ARN/id). */
function propertyFrom(r: PolicyResource, prop: string, target: PolicyResource): boolean {
  if ((r.propertyDependencies[prop] ?? []).some((d) => d.urn === target.urn)) return true;
  const t = raw(target.props);
  const ids = [t.arn, t.id].filter((x): x is string => typeof x === "string" && !isUnknown(x) && x !== "");
  return (
    ids.length > 0 && stringsIn(raw(r.props)[prop]).some((s) => ids.some((id) => s === id || s.startsWith(`${id}:`)))
  );
}

/**
 * The secrets that hold a database's master password, by provenance: the RDS instance's `password` is
 * built from some resources (the generated password); a secret whose stored value is built from the
 * same ones holds it. An RDS-managed master secret (`manageMasterUserPassword`) is found by its ARN.
 */
export function masterSecrets(resources: readonly PolicyResource[]): PolicyResource[] {
  const instances = resources.filter((r) => r.type === RDS_INSTANCE);
  const passwordSources = new Set(instances.flatMap((i) => (i.propertyDependencies.password ?? []).map((d) => d.urn)));
  const managedArns = new Set(
    instances.flatMap((i) => {
      const managed = raw(i.props).masterUserSecrets;
      return Array.isArray(managed)
        ? managed.map((m) => (m as { secretArn?: unknown }).secretArn).filter((a): a is string => typeof a === "string")
        : [];
    }),
  );
  const secrets = resources.filter((r) => r.type === SECRETSMANAGER_SECRET);
  return secrets.filter((secret) => {
    const arn = raw(secret.props).arn;
    if (typeof arn === "string" && managedArns.has(arn)) return true;
    return resources.some(
      (v) =>
        v.type === SECRETSMANAGER_SECRET_VERSION &&
        propertyFrom(v, "secretId", secret) &&
        (v.propertyDependencies.secretString ?? []).some((d) => passwordSources.has(d.urn)),
    );
  });
}

interface ContainerSecretRef {
  name?: unknown;
  valueFrom?: unknown;
}

export const noMasterSecretInServices: StackValidationPolicy = {
  name: "no-master-secret-in-services",
  description:
    "Long-running ECS services (web, worker) never receive a database master secret: they connect as the application's own role; only the migration task reads the master credentials.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Give services the application role's secret (`database.appPasswordValueFrom`); only the migration task gets the master's (`withDatabaseAdmin`, components/app-environment.ts).",
  url: SECRETS_DOC,
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    const masters = masterSecrets(args.resources);
    if (masters.length === 0) return;
    const services = args.resources.filter((r) => r.type === ECS_SERVICE);
    for (const task of args.resources.filter((r) => r.type === ECS_TASK_DEFINITION)) {
      const usedBy = services.filter((svc) => propertyFrom(svc, "taskDefinition", task));
      if (usedBy.length === 0) continue;
      const containers = jsonValue(raw(task.props).containerDefinitions);
      const refs = (Array.isArray(containers) ? containers : []).flatMap((c) =>
        ((c as { secrets?: ContainerSecretRef[] }).secrets ?? []).map((x) => ({
          container: String((c as { name?: unknown }).name),
          ...x,
        })),
      );
      for (const master of masters) {
        const arn = raw(master.props).arn;
        const byArn = refs.filter(
          (x) =>
            typeof arn === "string" &&
            !isUnknown(arn) &&
            typeof x.valueFrom === "string" &&
            (x.valueFrom === arn || x.valueFrom.startsWith(`${arn}:`)),
        );
        // At a first preview the ARN is unknown; the dependency on the secret still says where it comes from.
        const byDependency =
          byArn.length === 0 &&
          (task.propertyDependencies.containerDefinitions ?? []).some((d) => d.urn === master.urn);
        if (byArn.length === 0 && !byDependency) continue;
        const what =
          byArn.length > 0
            ? byArn.map((x) => `\`${String(x.name)}\` (container \`${x.container}\`)`).join(", ")
            : "a container secret";
        report(
          `${describeResource(task)}, run by the service ${usedBy.map((svc) => `\`${svc.name}\``).join(", ")}, reads the database master secret ${describeResource(master)} as ${what}: every web or worker task could act as rds_superuser.`,
          task.urn,
        );
      }
    }
  },
};
