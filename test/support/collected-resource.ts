import type { CollectedOptions, CollectedResource } from "../../tools/simulator/snapshot";

/** The options of a resource registered without any: what the recorder stores for an empty request. */
export const NO_OPTIONS: CollectedOptions = {
  protect: false,
  retainOnDelete: false,
  deleteBeforeReplace: false,
  ignoreChanges: [],
  replaceOnChanges: [],
  additionalSecretOutputs: [],
  aliases: [],
};

/**
 * A custom resource for unit tests of what reads snapshots: no inputs, outputs, options or
 * dependencies unless `extra` gives them. Its name is the URN's last `::` part, as the engine's.
 */
export function collectedResource(
  urn: string,
  type: string,
  extra: Partial<CollectedResource> = {},
): CollectedResource {
  return {
    urn,
    type,
    name: urn.slice(urn.lastIndexOf("::") + 2),
    custom: true,
    inputs: {},
    outputs: {},
    options: NO_OPTIONS,
    dependencies: [],
    propertyDependencies: {},
    ...extra,
  };
}
