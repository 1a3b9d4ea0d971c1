import { createHash } from "node:crypto";
import { secret, type TypeModel } from "./model";

/**
 * The tls provider (registry.terraform.io/providers/hashicorp/tls/latest/docs/resources/private_key):
 * plugin framework, defaults in the plan (`rsaBits` 2048, `ecdsaCurve` P224), the key generated on create.
 */

export const models: Record<string, TypeModel> = {
  "tls:index/privateKey:PrivateKey": {
    sdkv2: false,
    planned: { ecdsaCurve: "P224", rsaBits: 2048 },
    computed: (r) => {
      const body = Buffer.from(r.env.generated.hex(`${r.key}\0key`, 240), "hex")
        .toString("base64")
        .replace(/(.{64})/g, "$1\n");
      const pub = Buffer.from(r.env.generated.hex(`${r.key}\0pub`, 182), "hex").toString("base64");
      const publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${pub}\n-----END PUBLIC KEY-----\n`;
      return {
        id: createHash("sha1").update(publicKeyPem).digest("hex"),
        privateKeyOpenssh: secret(`-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`),
        privateKeyPem: secret(
          `-----BEGIN ${r.inputs["algorithm"] === "ECDSA" ? "EC" : "RSA"} PRIVATE KEY-----\n${body}\n-----END ${r.inputs["algorithm"] === "ECDSA" ? "EC" : "RSA"} PRIVATE KEY-----\n`,
        ),
        privateKeyPemPkcs8: secret(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`),
        publicKeyFingerprintMd5: createHash("md5")
          .update(pub)
          .digest("hex")
          .replace(/(..)(?!$)/g, "$1:"),
        publicKeyFingerprintSha256: `SHA256:${createHash("sha256").update(pub).digest("base64").replace(/=+$/, "")}`,
        publicKeyOpenssh: `${r.inputs["algorithm"] === "ED25519" ? "ssh-ed25519" : "ecdsa-sha2-nistp256"} ${pub}\n`,
        publicKeyPem,
      };
    },
  },
};
