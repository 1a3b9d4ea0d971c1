/**
 * The resource classes the rules bind to with `validateResourceOfType` / `validateStackResourcesOfType`.
 * The SDK reads only a class's static `__pulumiType` and compares it with the request's type by `===`
 * (@pulumi/policy server.js `isTypeOf`), so a preview's inputs, a deployed stack's state and a
 * `pulumi stack export` all match alike, and the SDK skips every other resource without decoding its
 * properties. Each class comes from its own service module: the whole of @pulumi/aws costs the pack
 * ~0.3 s at start, one module next to nothing. Kept apart from types.ts, whose tokens the comparison
 * engine (and so tools/parity) reads without loading the AWS SDK; a test ties each class to its token.
 */

export { UserPool as CognitoUserPoolClass } from "@pulumi/aws/cognito/userPool";
export { Role as IamRoleClass } from "@pulumi/aws/iam/role";
export { Instance as RdsInstanceClass } from "@pulumi/aws/rds/instance";
export { Schedule as SchedulerScheduleClass } from "@pulumi/aws/scheduler/schedule";
