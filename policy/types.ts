/**
 * Every resource type the pack matches on, in one place: a renamed or versioned type (aws 7's
 * `BucketV2`, a `…V2` resource) is then one edit here, and a test keeps `"aws:…"` literals out of
 * the rest of policy/.
 *
 * Plain strings, with no import: the comparison engine reads them too, and tools/parity must not load
 * the AWS SDK to compare two stacks. The classes `validateResourceOfType` takes are in
 * resource-classes.ts, tied to these tokens by a test.
 */

/** Every AWS type token starts with it (`r.type.startsWith(AWS_PACKAGE)`: an AWS resource). */
export const AWS_PACKAGE = "aws:";
/** The AWS provider's own resource (not `aws:`: providers are `pulumi:providers:<package>`). */
export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";
/** Every provider resource's token starts with it. */
export const PROVIDER_TYPE_PREFIX = "pulumi:providers:";

export const ACM_CERTIFICATE = "aws:acm/certificate:Certificate";
export const CLOUDWATCH_LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
export const COGNITO_USER = "aws:cognito/user:User";
export const COGNITO_USER_POOL = "aws:cognito/userPool:UserPool";
export const EC2_ROUTE = "aws:ec2/route:Route";
export const EC2_ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";
export const EC2_DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
export const EC2_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const EC2_SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const EC2_SUBNET = "aws:ec2/subnet:Subnet";
export const EC2_VPC = "aws:ec2/vpc:Vpc";
export const ECS_SERVICE = "aws:ecs/service:Service";
export const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
export const IAM_GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy";
export const IAM_GROUP_POLICY_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
export const IAM_GROUP_POLICY_ATTACHMENTS_EXCLUSIVE =
  "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive";
export const IAM_POLICY = "aws:iam/policy:Policy";
export const IAM_POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";
export const IAM_ROLE = "aws:iam/role:Role";
export const IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE =
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive";
export const IAM_USER = "aws:iam/user:User";
export const IAM_USER_POLICY = "aws:iam/userPolicy:UserPolicy";
export const IAM_USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
export const IAM_USER_POLICY_ATTACHMENTS_EXCLUSIVE =
  "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive";
export const KMS_GRANT = "aws:kms/grant:Grant";
export const KMS_KEY = "aws:kms/key:Key";
export const LAMBDA_INVOCATION = "aws:lambda/invocation:Invocation";
export const LAMBDA_PERMISSION = "aws:lambda/permission:Permission";
export const LB_LISTENER = "aws:lb/listener:Listener";
export const LB_LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
export const RDS_CLUSTER = "aws:rds/cluster:Cluster";
export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
export const ROUTE53_RECORD = "aws:route53/record:Record";
export const S3_BUCKET = "aws:s3/bucket:Bucket";
export const S3_BUCKET_LIFECYCLE_CONFIGURATION = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
export const S3_BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging";
export const S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
export const S3_BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const S3_BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
export const SCHEDULER_SCHEDULE = "aws:scheduler/schedule:Schedule";
export const SCHEDULER_SCHEDULE_GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup";
export const SECRETSMANAGER_SECRET = "aws:secretsmanager/secret:Secret";
export const SECRETSMANAGER_SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
export const SQS_QUEUE = "aws:sqs/queue:Queue";
export const SQS_REDRIVE_ALLOW_POLICY = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy";
export const VPC_SECURITY_GROUP_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
export const VPC_SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** A bucket in either of aws 7's shapes (`Bucket`, and `BucketV2`, its alias kept for old programs). */
export const BUCKET_TYPES: readonly string[] = [S3_BUCKET, S3_BUCKET_V2];

/**
 * Prefixes of a type's module path, matched with `startsWith`: each covers the resource and its
 * `…V2` version (`aws:s3/bucketVersioning:BucketVersioning` and `…bucketVersioningV2:BucketVersioningV2`).
 */
export const S3_BUCKET_ACL_PREFIX = "aws:s3/bucketAcl";
export const S3_BUCKET_POLICY_PREFIX = "aws:s3/bucketPolicy";
export const S3_BUCKET_PUBLIC_ACCESS_BLOCK_PREFIX = "aws:s3/bucketPublicAccessBlock";
export const S3_BUCKET_SSE_CONFIGURATION_PREFIX = "aws:s3/bucketServerSideEncryptionConfiguration";
export const S3_BUCKET_VERSIONING_PREFIX = "aws:s3/bucketVersioning";
/** Every IAM resource (roles, policies, users, groups, their attachments). */
export const IAM_MODULE_PREFIX = "aws:iam/";

/**
 * Both ways a program declares a security group's rules: its own groups, and the VPC's default group
 * (`aws.ec2.DefaultSecurityGroup` adopts it and sets its inline `ingress`/`egress`), which every
 * resource named with no group of its own is in.
 */
export const SECURITY_GROUP_TYPES: readonly string[] = [EC2_SECURITY_GROUP, EC2_DEFAULT_SECURITY_GROUP];

/** The resources that attach one managed policy to a role, user or group (`policyArn`). */
export const IAM_POLICY_ATTACHMENT_TYPES: readonly string[] = [
  IAM_ROLE_POLICY_ATTACHMENT,
  IAM_POLICY_ATTACHMENT,
  IAM_USER_POLICY_ATTACHMENT,
  IAM_GROUP_POLICY_ATTACHMENT,
];

/** The resources that attach a list of managed policies to a role, user or group (`policyArns`), exclusively. */
export const IAM_POLICY_ATTACHMENTS_EXCLUSIVE_TYPES: readonly string[] = [
  IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE,
  IAM_USER_POLICY_ATTACHMENTS_EXCLUSIVE,
  IAM_GROUP_POLICY_ATTACHMENTS_EXCLUSIVE,
];
