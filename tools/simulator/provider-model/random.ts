import { secret, type TypeModel } from "./model";
import { MIXED_ALNUM } from "./seeded";

/**
 * The random provider (registry.terraform.io/providers/hashicorp/random/latest/docs): a plugin-framework
 * provider, so its defaults are set in the plan (known in a create preview) rather than by Check, and
 * the bridge writes no `__defaults`. Its results are generated on create: drawn from the seed.
 */

/** The provider's default special characters, replaced by `overrideSpecial`. */
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

function alphabet(inputs: Record<string, unknown>): string {
  const special =
    inputs["special"] === false
      ? ""
      : typeof inputs["overrideSpecial"] === "string"
        ? inputs["overrideSpecial"]
        : SPECIAL;
  return `${MIXED_ALNUM}${special}`;
}
const STRING_DEFAULTS = {
  lower: true,
  minLower: 0,
  minNumeric: 0,
  minSpecial: 0,
  minUpper: 0,
  number: true,
  numeric: true,
  special: true,
  upper: true,
};

export const models: Record<string, TypeModel> = {
  "random:index/randomPassword:RandomPassword": {
    sdkv2: false,
    planned: STRING_DEFAULTS,
    computed: (r) => ({
      id: "none",
      bcryptHash: secret(`$2a$10$${r.env.generated.alnum(`${r.key}\0bcrypt`, 53)}`),
      result: secret(r.env.generated.alnum(`${r.key}\0result`, Number(r.inputs["length"] ?? 16), alphabet(r.inputs))),
    }),
  },
  "random:index/randomString:RandomString": {
    sdkv2: false,
    planned: STRING_DEFAULTS,
    computed: (r) => {
      const result = r.env.generated.alnum(`${r.key}\0result`, Number(r.inputs["length"] ?? 16), alphabet(r.inputs));
      return { id: result, result };
    },
  },
  "random:index/randomId:RandomId": {
    sdkv2: false,
    computed: (r) => {
      const bytes = Number(r.inputs["byteLength"] ?? 4);
      // A new keeper value is a new resource with new random bytes.
      const hex = r.env.generated.hex(`${r.key}\0${JSON.stringify(r.inputs["keepers"] ?? {})}`, bytes * 2);
      const raw = Buffer.from(hex, "hex");
      return {
        id: raw.toString("base64url"),
        b64Std: raw.toString("base64"),
        b64Url: raw.toString("base64url"),
        dec: BigInt(`0x${hex}`).toString(),
        hex,
      };
    },
  },
};
