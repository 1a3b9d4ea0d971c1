import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface StoredSecretArgs {
  /** Physical secret name, e.g. `parity/staging/database`; identity, so it may include the environment. */
  readonly secretName: pulumi.Input<string>;
  readonly description: string;
  /** The stack's data key: a secret readable in one stack can never be decrypted with another's key. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The value, already a secret Output (JSON text for multi-field secrets). */
  readonly value: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

export interface StoredSecret {
  readonly secret: aws.secretsmanager.Secret;
  readonly version: aws.secretsmanager.SecretVersion;
}

/**
 * A Secrets Manager secret and its current value, as children of `parent` named `${name}` and
 * `${name}-value`. Containers read it through ECS `secrets`, never as plain environment values.
 */
export function storeSecret(name: string, args: StoredSecretArgs, parent: pulumi.Resource): StoredSecret {
  const secret = new aws.secretsmanager.Secret(
    name,
    {
      name: args.secretName,
      description: args.description,
      kmsKeyId: args.kmsKeyArn,
      // A deleted secret stays recoverable for a week: long enough to notice, short enough to reuse the name.
      recoveryWindowInDays: 7,
      tags: args.tags,
    },
    { parent },
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-value`,
    { secretId: secret.id, secretString: pulumi.secret(args.value) },
    { parent },
  );
  return { secret, version };
}
