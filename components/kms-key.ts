import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dataProtection } from "./stateful";

export interface StackKeyArgs {
  /** Physical name prefix, e.g. `parity-staging`; the alias becomes `alias/<prefix>-<purpose>`. */
  readonly namePrefix: string;
  /** What the key encrypts, e.g. `data` or `logs`: the alias suffix. */
  readonly purpose: string;
  readonly description: string;
  /** A key policy; without one AWS applies the default (the account administers the key through IAM). */
  readonly policy?: pulumi.Input<string>;
  readonly protectData: boolean;
}

/**
 * One of the stack's customer-managed KMS keys and its alias, children of `parent` named
 * `<name>-key` and `<name>-alias`. Every key rotates yearly and waits the longest window before a
 * scheduled deletion, so losing one (and everything encrypted with it) takes a month of ignoring it.
 */
export function stackKey(
  name: string,
  args: StackKeyArgs,
  parent: pulumi.Resource,
): { key: aws.kms.Key; alias: aws.kms.Alias } {
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: args.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      ...(args.policy === undefined ? {} : { policy: args.policy }),
    },
    { parent, ...dataProtection(args.protectData) },
  );
  const alias = new aws.kms.Alias(
    `${name}-alias`,
    { name: `alias/${args.namePrefix}-${args.purpose}`, targetKeyId: key.keyId },
    { parent },
  );
  return { key, alias };
}
