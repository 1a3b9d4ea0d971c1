import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stackKey } from "./kms-key";

export interface DataKeyArgs {
  /** Physical name prefix, e.g. `parity-staging`; the alias becomes `alias/<prefix>-data`. */
  readonly namePrefix: string;
  /**
   * Protect the key and keep it on delete. Losing the key loses every database snapshot, object and
   * secret encrypted with it.
   * @default true
   */
  readonly protectData?: boolean;
}

/**
 * The stack's customer-managed KMS key for data at rest: database storage, buckets and secrets. One
 * key per stack, so a staging role can never decrypt production data even if a policy is too broad.
 */
export class DataKey extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly alias: aws.kms.Alias;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: DataKeyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:DataKey", name, {}, opts);
    const protectData = args.protectData ?? true;

    ({ key: this.key, alias: this.alias } = stackKey(
      name,
      {
        namePrefix: args.namePrefix,
        purpose: "data",
        description: `${args.namePrefix}: data at rest (database, buckets, secrets)`,
        protectData,
      },
      this,
    ));
    this.arn = this.key.arn;
    this.registerOutputs({ arn: this.arn, alias: this.alias.name });
  }
}
