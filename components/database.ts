import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { engineVersionProblem, storageCeilingProblem } from "../config/aws-rules";
import { storeSecret } from "./secret";
import { dataProtection } from "./stateful";

/**
 * Structural: the same engine, version and parameters in every stack (a stack file cannot set them).
 * The major version only: RDS creates the current default 16.x and applies minor upgrades in the
 * maintenance window (`autoMinorVersionUpgrade`), so a minor that reaches the end of standard support
 * is never pinned in code (16.6 could no longer be created from 2026-05-01). The parity contract compares
 * this declared value; the minor AWS reports (`engineVersionActual`) is the provider's, not ours.
 * A major upgrade is a pull request that changes this and `POSTGRES_FAMILY` together, through staging first.
 */
export const POSTGRES_ENGINE_VERSION = "16";
/** Minor upgrades are RDS's job (see POSTGRES_ENGINE_VERSION); required for a major-only version. */
export const POSTGRES_AUTO_MINOR_UPGRADE = true;
export const POSTGRES_FAMILY = "postgres16";
export const DATABASE_NAME = "app";
/** The master user (rds_superuser): only the migration task connects as it. */
export const DATABASE_ADMIN_USER = "app_admin";
/**
 * The application's own role: web and worker connect as it. The migration task creates it (and sets its
 * password from the app secret) on every run, and grants it only what the app needs on the app's schema.
 */
export const DATABASE_APP_USER = "app_user";
/**
 * Changes apply when `pulumi up` runs, in every stack: a reviewed size or parameter change must not sit
 * pending until the Sunday maintenance window, where nobody watches it land. Changes that restart the
 * instance (class, storage type) are planned like any production change.
 */
export const APPLY_IMMEDIATELY = true;
export const DATABASE_PORT = 5432;

/**
 * Server parameters. Structural: a missing extension or a different timezone changes query results,
 * so these are code, not config. Static parameters apply at the next reboot.
 */
export const POSTGRES_PARAMETERS: ReadonlyArray<{
  name: string;
  value: string;
  applyMethod: "immediate" | "pending-reboot";
}> = [
  { name: "timezone", value: "UTC", applyMethod: "immediate" },
  { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
  { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
  { name: "pg_stat_statements.track", value: "all", applyMethod: "immediate" },
  { name: "log_min_duration_statement", value: "500", applyMethod: "immediate" },
  { name: "log_connections", value: "1", applyMethod: "immediate" },
  { name: "log_disconnections", value: "1", applyMethod: "immediate" },
  { name: "log_lock_waits", value: "1", applyMethod: "immediate" },
  { name: "idle_in_transaction_session_timeout", value: "60000", applyMethod: "immediate" },
];

export interface DatabaseArgs {
  /**
   * Physical name prefix, e.g. `parity-staging`; the instance is `<prefix>-db-<reset id>`.
   * Caution: changing it changes the identifier and so replaces the instance (a new, empty database).
   */
  readonly namePrefix: string;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets, one per AZ. */
  readonly subnetIds: pulumi.Input<string>[];
  /** The only security group allowed to reach port 5432: the app's tasks. */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** The stack's data key for storage, snapshots and the password secret. Caution: changing it replaces the instance. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Sizing, e.g. `db.t4g.micro` in staging, `db.r7g.large` in production. */
  readonly instanceClass: string;
  /** Initial gp3 storage in GiB (sizing). */
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling in GiB (sizing). */
  readonly maxAllocatedStorageGb: number;
  /** Automated backup retention in days. @default 7 */
  readonly backupRetentionDays?: number;
  /** A standby in the second AZ. @default false */
  readonly multiAz?: boolean;
  /**
   * Changing it rebuilds the database from scratch: the instance gets a new identifier, so Pulumi
   * replaces it (and the migration step re-runs end to end). Caution: destroys all data; production
   * config validation only accepts `""`.
   * @default ""
   */
  readonly resetToken?: string;
  /**
   * Deletion protection, final snapshot, `protect` and retain-on-delete.
   * @default true
   */
  readonly protectData?: boolean;
}

/**
 * How a reset token rebuilds the instance. The provider changes `identifier` in place (ModifyDBInstance
 * with a new identifier: same data, new endpoint under running tasks), so the replacement is forced
 * here. The old instance goes first: a reset throws its data away, and the app must not write to a
 * database that is about to vanish, nor staging pay for two. Production never changes its identifier
 * (config refuses a reset token there), and `protect` would stop the delete anyway.
 */
export function resetOptions(): Pick<pulumi.CustomResourceOptions, "replaceOnChanges" | "deleteBeforeReplace"> {
  return { replaceOnChanges: ["identifier"], deleteBeforeReplace: true };
}

/**
 * RDS PostgreSQL with its parameter group, subnet group, security group and a generated master
 * password kept in Secrets Manager. TLS is enforced by the server (`rds.force_ssl`), storage is
 * encrypted with the stack's own key.
 */
export class Database extends pulumi.ComponentResource {
  public readonly instance: aws.rds.Instance;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  public readonly resetId: random.RandomId;
  /** The master credentials: readable by the migration task only. */
  public readonly passwordSecret: aws.secretsmanager.Secret;
  /** The application role's credentials: what web and worker read. */
  public readonly appSecret: aws.secretsmanager.Secret;
  public readonly host: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly identifier: pulumi.Output<string>;
  /** ECS `valueFrom` for the master password field of the master secret (migration task only). */
  public readonly passwordValueFrom: pulumi.Output<string>;
  /** ECS `valueFrom` for the application role's password. */
  public readonly appPasswordValueFrom: pulumi.Output<string>;
  public readonly databaseName = DATABASE_NAME;
  /** The role web and worker connect as. */
  public readonly user = DATABASE_APP_USER;
  /** The master user the migration task connects as. */
  public readonly adminUser = DATABASE_ADMIN_USER;

  constructor(name: string, args: DatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:Database", name, {}, opts);
    const parent = this;
    checkArgs();
    const protectData = args.protectData ?? true;

    const resetId = createResetId();
    const identifier = pulumi.interpolate`${args.namePrefix}-db-${resetId.hex}`;
    const { password, appPassword } = createPasswords();
    const parameters = createParameterGroup();
    const subnets = createSubnetGroup();
    const securityGroup = createSecurityGroup();
    const instance = createInstance();
    const master = storeCredentials("master", DATABASE_ADMIN_USER, password, "PostgreSQL master credentials");
    const app = storeCredentials(
      "app",
      DATABASE_APP_USER,
      appPassword,
      "PostgreSQL credentials of the application role (created by migrations)",
    );

    this.resetId = resetId;
    this.securityGroup = securityGroup;
    this.instance = instance;
    this.host = instance.address;
    this.port = instance.port;
    this.identifier = instance.identifier;
    this.passwordSecret = master;
    this.passwordValueFrom = pulumi.interpolate`${master.arn}:password::`;
    this.appSecret = app;
    this.appPasswordValueFrom = pulumi.interpolate`${app.arn}:password::`;
    this.registerOutputs({
      host: this.host,
      port: this.port,
      identifier: this.identifier,
      passwordSecretArn: master.arn,
      appSecretArn: app.arn,
    });

    function checkArgs(): void {
      if (storageCeilingProblem(args.allocatedStorageGb, args.maxAllocatedStorageGb)) {
        throw new Error(
          `Database ${name}: \`maxAllocatedStorageGb\` (${args.maxAllocatedStorageGb}) must be at least \`allocatedStorageGb\` (${args.allocatedStorageGb}) plus 10%, or 0 to turn storage autoscaling off (RDS refuses anything between)`,
        );
      }
      const versionProblem = engineVersionProblem(POSTGRES_ENGINE_VERSION, POSTGRES_AUTO_MINOR_UPGRADE);
      if (versionProblem) throw new Error(`Database ${name}: ${versionProblem}`);
    }

    function createResetId(): random.RandomId {
      // The token's only job is to change the instance identifier: new token, new RandomId, new instance.
      return new random.RandomId(
        `${name}-reset`,
        { byteLength: 4, keepers: { resetToken: args.resetToken ?? "" } },
        { parent },
      );
    }

    function createPasswords(): { password: random.RandomPassword; appPassword: random.RandomPassword } {
      // RDS refuses `/`, `@`, `"` and spaces in master passwords; the app's follows the same rule.
      const passwordRules = {
        length: 32,
        special: true,
        overrideSpecial: "!#$%^&*()-_=+[]{}:?",
        minLower: 1,
        minUpper: 1,
        minNumeric: 1,
      };
      const password = new random.RandomPassword(`${name}-password`, passwordRules, { parent });
      // The app role's own password: a leaked web or worker credential is not the master's.
      const appPassword = new random.RandomPassword(`${name}-app-password`, passwordRules, { parent });
      return { password, appPassword };
    }

    function createParameterGroup(): aws.rds.ParameterGroup {
      return new aws.rds.ParameterGroup(
        `${name}-params`,
        {
          name: `${args.namePrefix}-${POSTGRES_FAMILY}`,
          family: POSTGRES_FAMILY,
          description: `${args.namePrefix}: structural PostgreSQL parameters`,
          parameters: POSTGRES_PARAMETERS.map((p) => ({ ...p })),
        },
        { parent },
      );
    }

    function createSubnetGroup(): aws.rds.SubnetGroup {
      return new aws.rds.SubnetGroup(
        `${name}-subnets`,
        { name: `${args.namePrefix}-db`, subnetIds: args.subnetIds },
        { parent },
      );
    }

    function createSecurityGroup(): aws.ec2.SecurityGroup {
      return new aws.ec2.SecurityGroup(
        `${name}-sg`,
        {
          vpcId: args.vpcId,
          description: "PostgreSQL: reachable only from the app tasks",
          ingress: [
            {
              protocol: "tcp",
              fromPort: DATABASE_PORT,
              toPort: DATABASE_PORT,
              securityGroups: [args.appSecurityGroupId],
              description: "From app tasks",
            },
          ],
          egress: [],
        },
        { parent },
      );
    }

    function createInstance(): aws.rds.Instance {
      return new aws.rds.Instance(
        `${name}-instance`,
        {
          identifier,
          engine: "postgres",
          engineVersion: POSTGRES_ENGINE_VERSION,
          autoMinorVersionUpgrade: POSTGRES_AUTO_MINOR_UPGRADE,
          applyImmediately: APPLY_IMMEDIATELY,
          instanceClass: args.instanceClass,
          allocatedStorage: args.allocatedStorageGb,
          maxAllocatedStorage: args.maxAllocatedStorageGb,
          storageType: "gp3",
          storageEncrypted: true,
          kmsKeyId: args.kmsKeyArn,
          dbName: DATABASE_NAME,
          username: DATABASE_ADMIN_USER,
          password: password.result,
          port: DATABASE_PORT,
          parameterGroupName: parameters.name,
          dbSubnetGroupName: subnets.name,
          vpcSecurityGroupIds: [securityGroup.id],
          publiclyAccessible: false,
          multiAz: args.multiAz ?? false,
          caCertIdentifier: "rds-ca-rsa2048-g1",
          backupRetentionPeriod: args.backupRetentionDays ?? 7,
          backupWindow: "03:00-04:00",
          maintenanceWindow: "sun:04:30-sun:05:30",
          copyTagsToSnapshot: true,
          enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
          deletionProtection: protectData,
          // Unprotected (staging): no final snapshot. A reset throws the data away on purpose; a kept
          // snapshot would be staging data nobody restores, billed until someone deletes it by hand.
          skipFinalSnapshot: !protectData,
          finalSnapshotIdentifier: protectData ? pulumi.interpolate`${identifier}-final` : undefined,
        },
        {
          parent,
          ...dataProtection(protectData),
          ...resetOptions(),
        },
      );
    }

    /** One role's connection details as a Secrets Manager secret: `<prefix>/database/<role>`. */
    function storeCredentials(
      role: "master" | "app",
      username: string,
      rolePassword: random.RandomPassword,
      what: string,
    ): aws.secretsmanager.Secret {
      return storeSecret(
        `${name}-${role}`,
        {
          secretName: `${args.namePrefix}/database/${role}`,
          description: `${args.namePrefix}: ${what}`,
          kmsKeyArn: args.kmsKeyArn,
          value: pulumi.jsonStringify({
            username,
            password: rolePassword.result,
            host: instance.address,
            port: instance.port,
            dbname: DATABASE_NAME,
          }),
        },
        parent,
      ).secret;
    }
  }
}
