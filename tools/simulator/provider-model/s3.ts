import type { ModelResource, TypeModel } from "./model";

/**
 * S3 (Terraform docs: s3_bucket and the bucket_* configuration resources). Since January 2023 AWS
 * encrypts every bucket with SSE-S3 and sets BucketOwnerEnforced ownership, so a deployed bucket reports
 * both even where the program configures neither on the bucket itself.
 */

/** The id of a bucket configuration resource: the bucket, or `bucket,expected owner`. */
const bucketConfigId = (r: ModelResource) =>
  r.inputs["expectedBucketOwner"]
    ? `${String(r.inputs["bucket"])},${String(r.inputs["expectedBucketOwner"])}`
    : String(r.inputs["bucket"]);

const bucketConfig: TypeModel = { computed: (r) => ({ id: bucketConfigId(r) }) };

const bucket: TypeModel = {
  autoname: { property: "bucket", maxLength: 63 },
  defaults: { forceDestroy: false },
  computed: (r) => ({
    id: r.physical,
    accelerationStatus: "",
    acl: "",
    arn: `arn:${r.env.partition}:s3:::${r.physical}`,
    bucketDomainName: `${r.physical}.s3.amazonaws.com`,
    bucketNamespace: "global",
    bucketRegion: r.env.region,
    bucketRegionalDomainName: `${r.physical}.s3.${r.env.region}.amazonaws.com`,
    grants: [
      { id: r.env.generated.hex(`${r.key}\0owner`, 64), permissions: ["FULL_CONTROL"], type: "CanonicalUser", uri: "" },
    ],
    hostedZoneId: "Z3AQBSTGFYJSTF",
    objectLockEnabled: false,
    requestPayer: "BucketOwner",
    serverSideEncryptionConfiguration: {
      rule: {
        applyServerSideEncryptionByDefault: { kmsMasterKeyId: "", sseAlgorithm: "AES256" },
        bucketKeyEnabled: false,
      },
    },
    versioning: { enabled: false, mfaDelete: false },
  }),
};

export const models: Record<string, TypeModel> = {
  "aws:s3/bucket:Bucket": bucket,
  // The v6 names, kept by aws v7 as deprecated aliases of the same resources.
  "aws:s3/bucketV2:BucketV2": bucket,
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": bucketConfig,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { computed: (r) => ({ id: String(r.inputs["bucket"]) }) },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
    defaults: {
      blockPublicAcls: false,
      blockPublicPolicy: false,
      ignorePublicAcls: false,
      restrictPublicBuckets: false,
      skipDestroy: false,
    },
    computed: (r) => ({ id: String(r.inputs["bucket"]) }),
  },
  "aws:s3/bucketVersioning:BucketVersioning": bucketConfig,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    computed: (r) => ({ id: bucketConfigId(r), transitionDefaultMinimumObjectSize: "all_storage_classes_128K" }),
  },
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": bucketConfig,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketConfig,
  "aws:s3/bucketPolicy:BucketPolicy": { computed: (r) => ({ id: String(r.inputs["bucket"]) }) },
  // s3_bucket_logging: id is the bucket (or `bucket,expected owner`), like the other bucket_* resources.
  "aws:s3/bucketLogging:BucketLogging": bucketConfig,
};
