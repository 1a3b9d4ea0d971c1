import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as types from "../../policy/types";

/**
 * policy/types.ts holds every type token the pack matches on. A token that names no resource of its
 * provider (a typo, a module renamed in a provider release) would not fail: the rules would silently
 * match nothing. So each token is held to the provider SDK's own class, whose static `__pulumiType` is
 * what the engine puts in a URN and what @pulumi/policy compares by `===` (server.js `isTypeOf`).
 */

const TOKEN = /^(?<pkg>[a-z0-9-]+):(?<module>[a-zA-Z0-9]+)\/(?<file>[a-zA-Z0-9]+):(?<name>[A-Za-z0-9]+)$/;
const PREFIX = /^(?<pkg>[a-z0-9-]+):(?<module>[a-zA-Z0-9]+)\/(?<file>[a-zA-Z0-9]*)$/;

/** The provider SDK's module for a package (`aws` → @pulumi/aws). */
function sdkRoot(pkg: string): string {
  return path.dirname(require.resolve(`@pulumi/${pkg}/package.json`));
}

/** The class a resource token names, loaded from the provider SDK's own module for it. */
function classOf(token: string): { __pulumiType?: unknown } | undefined {
  const m = TOKEN.exec(token)?.groups;
  if (!m) return undefined;
  const file = path.join(sdkRoot(m.pkg), ...(m.module === "index" ? [] : [m.module]), `${m.file}.js`);
  if (!fs.existsSync(file)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as Record<string, { __pulumiType?: unknown }>)[m.name];
}

/** The type tokens of the classes a provider SDK module exports under names `name` matches, sorted. */
function classTokens(module: string, name: RegExp): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(module) as Record<string, { __pulumiType?: unknown }>;
  return Object.keys(exports)
    .filter((k) => name.test(k))
    .map((k) => String(exports[k].__pulumiType))
    .sort();
}

const entries = Object.entries(types) as [string, unknown][];
const scalars = entries.filter((e): e is [string, string] => typeof e[1] === "string");
const lists = entries.filter((e): e is [string, readonly string[]] => Array.isArray(e[1]));

describe("policy/types.ts: the type tokens the pack matches on", () => {
  it("exports only tokens, prefixes and lists of tokens", () => {
    assert.equal(scalars.length + lists.length, entries.length);
    assert.ok(scalars.length >= 50, `${scalars.length} tokens and prefixes`);
  });

  it("every resource token is the type of a resource class of its provider's SDK", () => {
    const tokens = scalars.filter(([name]) => !/(_PREFIX|_PACKAGE|_PROVIDER_TYPE)$/.test(name));
    for (const [name, token] of tokens) {
      assert.match(token, TOKEN, `${name} is a type token (package:module/file:Name)`);
      const cls = classOf(token);
      assert.ok(cls, `${name}: ${token} names no class of @pulumi/${token.split(":")[0]}`);
      assert.equal(cls.__pulumiType, token, `${name}: the class's own __pulumiType`);
    }
  });

  it("every prefix ends at a module or file boundary of real resource types", () => {
    for (const [name, prefix] of scalars.filter(([n]) => n.endsWith("_PREFIX") && n !== "PROVIDER_TYPE_PREFIX")) {
      const m = PREFIX.exec(prefix)?.groups;
      assert.ok(m, `${name} (${JSON.stringify(prefix)}) is package:module/ or package:module/file`);
      const dir = path.join(sdkRoot(m.pkg), m.module);
      const files = fs.readdirSync(dir).filter((f) => f.endsWith(".js") && f.startsWith(m.file) && f !== "index.js");
      const matched = files
        .map((f) => classOf(`${m.pkg}:${m.module}/${f.slice(0, -3)}:${f[0].toUpperCase()}${f.slice(1, -3)}`))
        .map((cls) => cls?.__pulumiType)
        .filter((t): t is string => typeof t === "string" && t.startsWith(prefix));
      assert.ok(matched.length > 0, `${name} (${prefix}) starts no resource type of @pulumi/${m.pkg}`);
    }
  });

  it("the AWS package and its provider's token are what the engine gives the AWS provider", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Provider } = require("@pulumi/aws/provider") as { Provider: { __pulumiType: string } };
    // A provider resource's type is "pulumi:providers:" + its package (pulumi/pulumi
    // sdk/go/common/resource/providers/reference.go, MakeProviderType).
    assert.equal(types.PROVIDER_TYPE_PREFIX, "pulumi:providers:");
    assert.equal(types.AWS_PROVIDER_TYPE, `${types.PROVIDER_TYPE_PREFIX}${Provider.__pulumiType}`);
    assert.equal(types.AWS_PACKAGE, `${Provider.__pulumiType}:`);
    assert.ok(types.RDS_INSTANCE.startsWith(types.AWS_PACKAGE));
  });

  it("the bucket types are aws 7's two bucket classes", () => {
    assert.deepEqual([...types.BUCKET_TYPES].sort(), classTokens("@pulumi/aws/s3", /^Bucket(V2)?$/));
  });

  it("the policy attachment types are every IAM class that attaches managed policies, one or a list", () => {
    const one = classTokens("@pulumi/aws/iam", /^([A-Z]\w*)?PolicyAttachment$/);
    const exclusive = classTokens("@pulumi/aws/iam", /^[A-Z]\w*PolicyAttachmentsExclusive$/);
    assert.deepEqual([one.length, exclusive.length], [4, 3]);
    assert.deepEqual([...types.IAM_POLICY_ATTACHMENT_TYPES].sort(), one);
    assert.deepEqual([...types.IAM_POLICY_ATTACHMENTS_EXCLUSIVE_TYPES].sort(), exclusive);
  });

  it("the security group types are every EC2 class that declares a group and its inline rules", () => {
    const groups = classTokens("@pulumi/aws/ec2", /^([A-Z]\w*)?SecurityGroup$/);
    assert.equal(groups.length, 2);
    assert.deepEqual([...types.SECURITY_GROUP_TYPES].sort(), groups);
  });
});
