import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dataProtection } from "./stateful";

export interface StorageArgs {
  /**
   * Physical bucket name, unique across all AWS accounts, e.g. `parity-staging-uploads-<account id>`
   * (`accountBucketName`). Caution: changing it replaces the bucket.
   */
  readonly bucketName: pulumi.Input<string>;
  /** The stack's data key; objects are encrypted with it (bucket keys keep KMS calls cheap). */
  readonly kmsKeyArn: pulumi.Input<string>;
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

/** The bucket policy: refuse every request that is not over TLS (`aws:SecureTransport` false). */
export function tlsOnlyPolicy(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
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
    ],
  });
}

/**
 * A private S3 bucket the same way in every stack: public access blocked, ACLs off, KMS encryption,
 * versioning, TLS-only policy, noncurrent-version expiry and optional CORS for direct browser uploads.
 * Used for the uploads bucket and for the email outbox, so both fail (and are secured) like production.
 */
export class Storage extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  public readonly maxUploadBytes: number;

  constructor(name: string, args: StorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:Storage", name, {}, opts);
    const maxUploadMb = args.maxUploadMb ?? 25;
    if (!Number.isInteger(maxUploadMb) || maxUploadMb < 1) throw new Error(`Storage ${name}: \`maxUploadMb\` must be a positive whole number, got ${maxUploadMb}`);
    const noncurrentVersionDays = args.noncurrentVersionDays ?? 30;
    const corsOrigins = args.corsOrigins ?? [];
    for (const origin of corsOrigins) {
      if (!/^https:\/\/[^/]+$/.test(origin)) throw new Error(`Storage ${name}: CORS origin ${JSON.stringify(origin)} must be an https origin without a path`);
    }

    // No forceDestroy: deleting a bucket that still holds objects must fail, in every stack.
    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucketName }, { parent: this, ...dataProtection(args.protectData ?? true) });
    const bucket = this.bucket.id;

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
    new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: "Enabled" } }, { parent: this });
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }] },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: { prefix: "" },
            noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      { parent: this },
    );
    if (corsOrigins.length > 0) {
      new aws.s3.BucketCorsConfiguration(
        `${name}-cors`,
        {
          bucket,
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
        { parent: this },
      );
    }
    // After the public access block, so the policy is never briefly evaluated without it.
    new aws.s3.BucketPolicy(`${name}-policy`, { bucket, policy: tlsOnlyPolicy(this.bucket.arn) }, { parent: this, dependsOn: [publicAccess] });

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.maxUploadBytes = maxUploadMb * 1024 * 1024;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, maxUploadBytes: this.maxUploadBytes });
  }
}
