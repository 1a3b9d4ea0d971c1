import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A role trust policy for an AWS service, limited to calls made on behalf of this stack's account
 * (`aws:SourceAccount`), so another account's scheduler, task or function cannot borrow the role
 * (the confused-deputy guard AWS recommends).
 */
export function serviceTrustPolicy(service: string, accountId: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });
}

/** The account the stack's provider deploys into, looked up through `parent`'s provider. */
export function stackAccountId(parent: pulumi.Resource): pulumi.Output<string> {
  return aws.getCallerIdentityOutput({}, { parent }).accountId;
}
