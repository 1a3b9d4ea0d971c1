import * as aws from "@pulumi/aws";
import { accountBucketName } from "./config/aws-rules";
import { loadSettings } from "./config/settings";
import { appEnvironmentKeys, buildAppEnvironment, APP_PORT, withDatabaseAdmin } from "./components/app-environment";
import { AppRoles } from "./components/app-roles";
import { AuthClients } from "./components/auth-clients";
import { Cluster } from "./components/cluster";
import { DataKey } from "./components/data-key";
import { Database } from "./components/database";
import { FargateService } from "./components/fargate-service";
import { HttpsEndpoint } from "./components/https-endpoint";
import { Integrations } from "./components/integrations";
import { JobQueues } from "./components/job-queues";
import { LogsKey } from "./components/logs-key";
import { Migrations } from "./components/migrations";
import { Network } from "./components/network";
import { Storage } from "./components/storage";

// Validation throws here, before any resource is registered, naming every bad key at once.
const settings = loadSettings();

// One explicit provider for every AWS resource: it pins the region and refuses any account but this
// stack's, and its default tags are how the policy pack tells staging resources from production ones.
const aws_ = new aws.Provider("aws", {
  region: settings.region as aws.Region,
  allowedAccountIds: [settings.accountId],
  defaultTags: {
    tags: {
      "parity:project": settings.project,
      "parity:environment": settings.environment,
    },
  },
});
const withAws = { providers: { aws: aws_ } };

// Physical names carry the environment (identity); logical names below never do, so the parity lock
// can pair every staging resource with its production twin.
const namePrefix = `${settings.project}-${settings.environment}`;
const protectData = settings.protectData;
/** How long access logs are kept: an investigation window, the same in every stack. */
const ACCESS_LOG_RETENTION_DAYS = 90;

const dataKey = new DataKey("data", { namePrefix, protectData }, withAws);
const network = new Network(
  "network",
  { cidr: settings.network.cidr, natGateways: settings.network.natGateways },
  withAws,
);
// Where S3 writes a server access log of every request to the data buckets (AWS FSBP S3.9).
const accessLogs = new Storage(
  "access-logs",
  {
    bucketName: accountBucketName(namePrefix, "access-logs", settings.accountId),
    receivesAccessLogs: true,
    noncurrentVersionDays: settings.storage.noncurrentVersionDays,
    expireObjectsAfterDays: ACCESS_LOG_RETENTION_DAYS,
    protectData,
  },
  withAws,
);
const uploads = new Storage(
  "uploads",
  {
    accessLogBucket: accessLogs.bucketName,
    // Bucket names are global across every AWS account: the account id makes these ours alone.
    bucketName: accountBucketName(namePrefix, "uploads", settings.accountId),
    kmsKeyArn: dataKey.arn,
    noncurrentVersionDays: settings.storage.noncurrentVersionDays,
    corsOrigins: [settings.baseUrl],
    maxUploadMb: settings.storage.maxUploadMb,
    protectData,
  },
  withAws,
);
const endpoint = new HttpsEndpoint(
  "web",
  {
    namePrefix,
    domain: settings.domain,
    zoneName: settings.zoneName,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    securityGroupId: network.edgeSecurityGroup.id,
  },
  withAws,
);
const integrations = new Integrations(
  "integrations",
  {
    namePrefix,
    domain: settings.domain,
    zoneId: endpoint.zoneId,
    kmsKeyArn: dataKey.arn,
    paymentsMode: settings.integrations.payments,
    emailMode: settings.integrations.email,
    smsMode: settings.integrations.sms,
    paymentsApiKey: settings.integrations.paymentsApiKey,
    outboxBucketName: accountBucketName(namePrefix, "email-outbox", settings.accountId),
    outboxNoncurrentVersionDays: settings.storage.noncurrentVersionDays,
    protectData,
    accessLogBucket: accessLogs.bucketName,
  },
  withAws,
);
const database = new Database(
  "db",
  {
    namePrefix,
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    appSecurityGroupId: network.appSecurityGroup.id,
    kmsKeyArn: dataKey.arn,
    ...settings.database,
    protectData,
  },
  withAws,
);
const jobs = new JobQueues(
  "jobs",
  { namePrefix, queues: settings.queues, scheduleTimezone: settings.scheduleTimezone },
  withAws,
);
const auth = new AuthClients(
  "auth",
  {
    namePrefix,
    baseUrl: settings.baseUrl,
    hostedUiPrefix: `${namePrefix}-${settings.accountId}`,
    region: settings.region,
    kmsKeyArn: dataKey.arn,
    email: {
      sourceArn: integrations.emailIdentity.arn,
      from: integrations.emailFrom,
      configurationSet: integrations.configurationSet.configurationSetName,
    },
    seedAccounts: settings.seedAccounts,
    protectData,
  },
  withAws,
);
const logsKey = new LogsKey("logs", { namePrefix, region: settings.region, protectData }, withAws);
const cluster = new Cluster(
  "app",
  { namePrefix, logRetentionDays: settings.app.logRetentionDays, kmsKeyArn: logsKey.arn },
  withAws,
);

const environment = buildAppEnvironment({
  baseUrl: settings.baseUrl,
  cookieSameSite: settings.http.cookieSameSite,
  hstsMaxAgeSeconds: settings.http.hstsMaxAgeSeconds,
  timezone: settings.scheduleTimezone,
  integrations: settings.integrations,
  uploadsBucket: uploads.bucketName,
  maxUploadBytes: uploads.maxUploadBytes,
  queueUrls: jobs.queueUrls,
  auth: { userPoolId: auth.userPoolId, clientId: auth.clientId, domain: auth.hostedUiDomain },
  database: { host: database.host, port: database.port, name: database.databaseName, user: database.user },
  email: { from: integrations.emailFrom, outboxBucket: integrations.outbox.bucketName },
  workerConcurrency: settings.app.worker.concurrency,
  secrets: {
    DATABASE_PASSWORD: database.appPasswordValueFrom,
    PAYMENTS_API_KEY: integrations.paymentsSecret.arn,
    SIGNING_KEY: integrations.signingKeySecret.arn,
  },
});

const roles = new AppRoles(
  "app",
  {
    image: settings.app.image,
    kmsKeyArn: dataKey.arn,
    secretArns: [database.appSecret.arn, integrations.paymentsSecret.arn, integrations.signingKeySecret.arn],
    migrationSecretArns: [database.passwordSecret.arn],
    logGroupArns: Object.values(cluster.logGroups).map((g) => g.arn),
    uploadsBucketArn: uploads.bucketArn,
    outboxBucketArn: integrations.outbox.bucketArn,
    queueArns: Object.values(jobs.queues).map((q) => q.arn),
    emailIdentityArn: integrations.emailIdentity.arn,
    configurationSetArn: integrations.configurationSet.arn,
    userPoolArn: auth.userPoolArn,
  },
  withAws,
);

// Web, worker and migrations: the same image, environment keys and roles; only command and size
// differ. Migrations run at the web's size; the worker has its own.
const task = {
  image: settings.app.image,
  cpu: settings.app.web.cpu,
  memoryMb: settings.app.web.memoryMb,
  environment,
  executionRoleArn: roles.executionRole.arn,
  taskRoleArn: roles.taskRole.arn,
  region: settings.region,
};
const placement = {
  clusterArn: cluster.arn,
  subnetIds: network.privateSubnetIds,
  securityGroupIds: [network.appSecurityGroup.id],
};

const migrations = new Migrations(
  "migrations",
  {
    ...task,
    ...placement,
    // Migrations alone connect as the master user (to create the app role and own the schema).
    environment: withDatabaseAdmin(environment, {
      user: database.adminUser,
      passwordValueFrom: database.passwordValueFrom,
    }),
    executionRoleArn: roles.migrationExecutionRole.arn,
    namePrefix,
    family: `${namePrefix}-migrate`,
    clusterName: cluster.name,
    logGroupName: cluster.logGroups.migrate.name,
    databaseIdentifier: database.identifier,
    logRetentionDays: settings.app.logRetentionDays,
    logsKmsKeyArn: logsKey.arn,
  },
  withAws,
);
const web = new FargateService(
  "web",
  {
    ...task,
    ...placement,
    family: `${namePrefix}-web`,
    serviceName: `${namePrefix}-web`,
    command: ["web"],
    port: APP_PORT,
    desiredCount: settings.app.web.desiredCount,
    logGroupName: cluster.logGroups.web.name,
    targetGroupArn: endpoint.targetGroup.arn,
  },
  // The new version serves only after its migrations ran and the listener exists.
  { ...withAws, dependsOn: [migrations, endpoint] },
);
const worker = new FargateService(
  "worker",
  {
    ...task,
    ...placement,
    family: `${namePrefix}-worker`,
    serviceName: `${namePrefix}-worker`,
    command: ["worker"],
    cpu: settings.app.worker.cpu,
    memoryMb: settings.app.worker.memoryMb,
    desiredCount: settings.app.worker.desiredCount,
    logGroupName: cluster.logGroups.worker.name,
  },
  { ...withAws, dependsOn: [migrations] },
);

export const baseUrl = settings.baseUrl;
export const provider = aws_.urn;
export const databaseEndpoint = database.instance.endpoint;
export const databaseIdentifier = database.identifier;
export const uploadsBucket = uploads.bucketName;
export const emailOutboxBucket = integrations.outbox.bucketName;
export const queueUrls = jobs.queueUrls;
export const userPoolId = auth.userPoolId;
export const userPoolClientId = auth.clientId;
export const authDomain = auth.hostedUiDomain;
export const loadBalancerDns = endpoint.loadBalancer.dnsName;
export const appEnvironment = appEnvironmentKeys(environment);
export const simulatedIntegrations = integrations.simulated;
export const signingPublicKey = integrations.signingPublicKeyPem;
export const clusterName = cluster.name;
export const webService = web.service.name;
export const workerService = worker.service.name;
export const migrationTask = migrations.taskDefinition.family;
// The drift check's role decrypts the stack's secrets with this key, and only it (RELEASING.md, "Drift").
export const dataKeyArn = dataKey.arn;
