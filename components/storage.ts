import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dataProtection } from "./stateful";
import { stackAccountId } from "./trust";

export interface StorageArgs {
  /**
   * Physical bucket name, unique across all AWS accounts, e.g. `parity-staging-uploads-<account id>`
   * (`accountBucketName`). Caution: changing it replaces the bucket.
   */
  readonly bucketName: pulumi.Input<string>;
  /**
   * The stack's data key; objects are encrypted with it (bucket keys keep KMS calls cheap). Required,
   * except for the bucket that `receivesAccessLogs`, which cannot use one.
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * The stack's access-log bucket (a `Storage` that `receivesAccessLogs`): S3 writes a server access
   * log record of every request to this bucket there, under `<name>/` (AWS FSBP S3.9).
   * @default no access logging: only for the access-log bucket itself, which would log its own deliveries
   */
  readonly accessLogBucket?: pulumi.Input<string>;
  /**
   * Make this the stack's server access log bucket: S3's log delivery (`logging.s3.amazonaws.com`) may
   * write to it for buckets of this stack's account only, and objects are encrypted with S3-managed
   * keys (SSE-S3), because log delivery does not support a KMS default key. Excludes `kmsKeyArn`.
   * @default false
   */
  readonly receivesAccessLogs?: boolean;
  /** Days after which current objects expire (the access logs' retention). @default never */
  readonly expireObjectsAfterDays?: number;
  /** Days an overwritten or deleted object version is kept (sizing: retention). @default 30 */
  readonly noncurrentVersionDays?: number;
  /**
   * Browser origins allowed to upload directly (presigned PUT/POST): the stack's base URL. Empty means
   * no CORS rules at all (a bucket browsers never talk to).
   * @default []
   */
  readonly corsOrigins?: string[];
  /** The largest object the app accepts, in MiB; surfaced as `maxUploadBytes` for the app's environment. @default 25 */
  readonly maxUploadMb?: number;
  /** `protect` and retain-on-delete for the bucket. @default true */
  readonly protectData?: boolean;
}

/** The bucket policy: refuse every request that is not over TLS (`aws:SecureTransport` false), then any `allow` statements. */
export function tlsOnlyPolicy(bucketArn: pulumi.Input<string>, allow: readonly object[] = []): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      ...allow,
    ],
  });
}

/**
 * The statement that lets S3 deliver server access logs into a bucket whose ACLs are disabled
 * (BucketOwnerEnforced): the logging service principal, objects only, and only for source buckets
 * of this stack's account (`aws:SourceAccount`, the confused-deputy guard AWS recommends).
 */
export function accessLogDelivery(bucketArn: pulumi.Input<string>, accountId: pulumi.Input<string>): object {
  return {
    Sid: "AllowServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: pulumi.interpolate`${bucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/**
 * A private S3 bucket the same way in every stack: public access blocked, ACLs off, KMS encryption,
 * versioning, TLS-only policy, noncurrent-version expiry, server access logging and optional CORS for
 * direct browser uploads. Used for the uploads bucket and for the email outbox, so both fail (and are
 * secured) like production, and for the stack's access-log bucket that both log to.
 */
export class Storage extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly maxUploadBytes: number;

  constructor(name: string, args: StorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:Storage", name, {}, opts);
    const parent = this;
    const maxUploadMb = args.maxUploadMb ?? 25;
    const receivesAccessLogs = args.receivesAccessLogs ?? false;
    const expireDays = args.expireObjectsAfterDays;
    const corsOrigins = args.corsOrigins ?? [];
    checkArgs();

    const bucket = createBucket();
    const publicAccess = blockPublicAccess();
    disableAcls();
    enableVersioning();
    encryptObjects();
    if (args.accessLogBucket !== undefined) logAccess(args.accessLogBucket);
    expireOldVersions();
    if (corsOrigins.length > 0) allowBrowserUploads();
    createPolicy();

    this.bucket = bucket;
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.maxUploadBytes = maxUploadMb * 1024 * 1024;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      maxUploadBytes: this.maxUploadBytes,
    });

    function checkArgs(): void {
      if (!Number.isInteger(maxUploadMb) || maxUploadMb < 1)
        throw new Error(`Storage ${name}: \`maxUploadMb\` must be a positive whole number, got ${maxUploadMb}`);
      if (receivesAccessLogs && args.kmsKeyArn !== undefined)
        throw new Error(
          `Storage ${name}: \`receivesAccessLogs\` excludes \`kmsKeyArn\`: S3 log delivery cannot write to a bucket whose default encryption is a KMS key`,
        );
      if (!receivesAccessLogs && args.kmsKeyArn === undefined)
        throw new Error(
          `Storage ${name}: \`kmsKeyArn\` is required (only the access-log bucket, \`receivesAccessLogs: true\`, goes without)`,
        );
      if (receivesAccessLogs && args.accessLogBucket !== undefined)
        throw new Error(
          `Storage ${name}: the access-log bucket must not log its own requests (\`accessLogBucket\` with \`receivesAccessLogs\`): every delivery would log another`,
        );
      if (expireDays !== undefined && (!Number.isInteger(expireDays) || expireDays < 1))
        throw new Error(
          `Storage ${name}: \`expireObjectsAfterDays\` must be a positive whole number, got ${expireDays}`,
        );
      for (const origin of corsOrigins) {
        if (!/^https:\/\/[^/]+$/.test(origin))
          throw new Error(
            `Storage ${name}: CORS origin ${JSON.stringify(origin)} must be an https origin without a path`,
          );
      }
    }

    /** No forceDestroy: deleting a bucket that still holds objects must fail, in every stack. */
    function createBucket(): aws.s3.Bucket {
      return new aws.s3.Bucket(
        `${name}-bucket`,
        { bucket: args.bucketName },
        { parent, ...dataProtection(args.protectData ?? true) },
      );
    }

    function blockPublicAccess(): aws.s3.BucketPublicAccessBlock {
      return new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access`,
        {
          bucket: bucket.id,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        { parent },
      );
    }

    /** The bucket owner owns every object, so ACLs grant nothing and only the policies decide access. */
    function disableAcls(): void {
      new aws.s3.BucketOwnershipControls(
        `${name}-ownership`,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        { parent },
      );
    }

    function enableVersioning(): void {
      new aws.s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        { parent },
      );
    }

    /** SSE-S3 for the access-log bucket only: S3's log delivery cannot write under a KMS default key. */
    function encryptObjects(): void {
      new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
          bucket: bucket.id,
          rules: [
            receivesAccessLogs
              ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
              : {
                  applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
                  bucketKeyEnabled: true,
                },
          ],
        },
        { parent },
      );
    }

    function logAccess(accessLogBucket: pulumi.Input<string>): void {
      new aws.s3.BucketLogging(
        `${name}-access-logging`,
        { bucket: bucket.id, targetBucket: accessLogBucket, targetPrefix: `${name}/` },
        { parent },
      );
    }

    /** Versioning keeps every overwrite: without expiry, old versions (and failed uploads' parts) are billed forever. */
    function expireOldVersions(): void {
      new aws.s3.BucketLifecycleConfiguration(
        `${name}-lifecycle`,
        {
          bucket: bucket.id,
          rules: [
            {
              id: "expire-noncurrent-versions",
              status: "Enabled",
              filter: { prefix: "" },
              noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays ?? 30 },
              abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
              ...(expireDays !== undefined ? { expiration: { days: expireDays } } : {}),
            },
          ],
        },
        { parent },
      );
    }

    /** Browsers upload straight to the bucket (presigned PUT/POST), so the app never relays the bytes. */
    function allowBrowserUploads(): void {
      new aws.s3.BucketCorsConfiguration(
        `${name}-cors`,
        {
          bucket: bucket.id,
          corsRules: [
            {
              allowedOrigins: corsOrigins,
              allowedMethods: ["GET", "HEAD", "PUT", "POST"],
              allowedHeaders: ["content-type", "content-md5", "x-amz-*"],
              exposeHeaders: ["ETag"],
              maxAgeSeconds: 3000,
            },
          ],
        },
        { parent },
      );
    }

    /** After the public access block, so the policy is never briefly evaluated without it. */
    function createPolicy(): void {
      const allow = receivesAccessLogs ? [accessLogDelivery(bucket.arn, stackAccountId(parent))] : [];
      new aws.s3.BucketPolicy(
        `${name}-policy`,
        { bucket: bucket.id, policy: tlsOnlyPolicy(bucket.arn, allow) },
        { parent, dependsOn: [publicAccess] },
      );
    }
  }
}
