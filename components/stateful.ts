import * as pulumi from "@pulumi/pulumi";

/**
 * Resource options for anything that holds data (database, buckets, keys, user pool). One helper so
 * every stateful resource follows `protectData` the same way: with it, `pulumi destroy` and accidental
 * replacements stop at the resource, and a removed resource is left in the account, not deleted.
 */
export function dataProtection(protectData: boolean): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  return { protect: protectData, retainOnDelete: protectData };
}
