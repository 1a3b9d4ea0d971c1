import * as assert from "node:assert/strict";
import { AuthClients, MFA_CONFIGURATION } from "../../components/auth-clients";
import { Settings } from "../../config/settings";
import {
  json,
  named,
  ofType,
  parentType,
  promiseOf,
  renderStack,
  RenderedStack,
  isProtected,
  renderBothStacks,
} from "../mocks";

const build = (s: Settings) =>
  new AuthClients("auth", {
    namePrefix: `${s.project}-${s.environment}`,
    baseUrl: s.baseUrl,
    hostedUiPrefix: `${s.project}-${s.environment}-${s.accountId}`,
    region: s.region,
    kmsKeyArn: `arn:aws:kms:${s.region}:${s.accountId}:key/data`,
    email: {
      sourceArn: `arn:aws:ses:${s.region}:${s.accountId}:identity/${s.domain}`,
      from: `no-reply@${s.domain}`,
      configurationSet: `${s.project}-${s.environment}`,
    },
    seedAccounts: s.seedAccounts,
    protectData: s.protectData,
  });

describe("components/auth-clients", () => {
  const stacks = renderBothStacks(build);
  const pool = (r: RenderedStack<AuthClients>) => named(r.resources, "auth-users").inputs;
  const client = (r: RenderedStack<AuthClients>) => named(r.resources, "auth-web-client").inputs;

  it("applies the same sign-in rules in both stacks: password policy, MFA, verified email, recovery", () => {
    for (const key of [
      "passwordPolicy",
      "mfaConfiguration",
      "softwareTokenMfaConfiguration",
      "autoVerifiedAttributes",
      "userAttributeUpdateSettings",
      "accountRecoverySetting",
      "usernameAttributes",
      "schemas",
    ]) {
      assert.deepEqual(pool(stacks.staging)[key], pool(stacks.production)[key], key);
    }
    const p = pool(stacks.production);
    assert.notEqual(MFA_CONFIGURATION, "OFF");
    assert.equal(p.mfaConfiguration, MFA_CONFIGURATION);
    assert.deepEqual(p.autoVerifiedAttributes, ["email"]);
    assert.deepEqual(p.userAttributeUpdateSettings, { attributesRequireVerificationBeforeUpdates: ["email"] });
    assert.deepEqual(p.accountRecoverySetting, { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] });
    assert.ok(Number((p.passwordPolicy as { minimumLength: number }).minimumLength) >= 12);
    for (const attribute of p.schemas as { name: string; stringAttributeConstraints?: { maxLength?: string } }[]) {
      assert.ok(
        attribute.stringAttributeConstraints?.maxLength,
        `schema attribute ${attribute.name} has no length constraint (would re-create the pool)`,
      );
    }
    assert.equal(p.deletionProtection, "ACTIVE");
    assert.equal(pool(stacks.staging).deletionProtection, "INACTIVE");
    const protect = (r: RenderedStack<AuthClients>) => isProtected(r.built.userPool);
    assert.equal(protect(stacks.production), true);
    assert.equal(protect(stacks.staging), false);
  });

  it("uses a public OAuth code-flow client with the stack's base URL plus the same paths", () => {
    for (const r of [stacks.staging, stacks.production]) {
      const c = client(r);
      assert.equal(c.generateSecret, false);
      assert.deepEqual(c.allowedOauthFlows, ["code"]);
      assert.deepEqual(c.callbackUrls, [`${r.settings.baseUrl}/auth/callback`]);
      assert.deepEqual(c.logoutUrls, [`${r.settings.baseUrl}/auth/logout`]);
    }
    for (const key of [
      "allowedOauthFlows",
      "allowedOauthScopes",
      "explicitAuthFlows",
      "accessTokenValidity",
      "idTokenValidity",
      "refreshTokenValidity",
      "tokenValidityUnits",
    ]) {
      assert.deepEqual(client(stacks.staging)[key], client(stacks.production)[key], key);
    }
  });

  it("creates the same groups in both stacks and separate pools, clients and hosted-UI domains", async () => {
    const groups = (r: RenderedStack<AuthClients>) =>
      ofType(r.resources, "aws:cognito/userGroup:UserGroup").map((g) => g.inputs.name);
    assert.deepEqual(groups(stacks.staging), ["admin", "member", "viewer"]);
    assert.deepEqual(groups(stacks.production), groups(stacks.staging));
    assert.notEqual(await promiseOf(stacks.staging.built.clientId), await promiseOf(stacks.production.built.clientId));
    assert.notEqual(
      await promiseOf(stacks.staging.built.userPoolId),
      await promiseOf(stacks.production.built.userPoolId),
    );
    assert.notEqual(
      named(stacks.staging.resources, "auth-hosted-ui").inputs.domain,
      named(stacks.production.resources, "auth-hosted-ui").inputs.domain,
    );
    assert.match(
      await promiseOf(stacks.staging.built.hostedUiDomain),
      /^parity-staging-210987654321\.auth\.us-east-1\.amazoncognito\.com$/,
    );
    for (const r of [stacks.staging, stacks.production])
      assert.ok(r.resources.filter((x) => x.custom).every((x) => parentType(x) === "parity:components:AuthClients"));
  });

  it("seeds admin, member and no-permission accounts only where seedAccounts is set, passwords in Secrets Manager", async () => {
    assert.equal(ofType(stacks.production.resources, "aws:cognito/user:User").length, 0);
    assert.equal(ofType(stacks.production.resources, "aws:secretsmanager/secret:Secret").length, 0);
    const users = ofType(stacks.staging.resources, "aws:cognito/user:User");
    assert.deepEqual(
      users.map((u) => u.inputs.username),
      [
        "seed-admin@staging.app.example.com",
        "seed-member@staging.app.example.com",
        "seed-no-permission@staging.app.example.com",
      ],
    );
    assert.ok(
      users.every(
        (u) =>
          u.inputs.messageAction === "SUPPRESS" &&
          (u.inputs.attributes as Record<string, string>).email_verified === "true",
      ),
    );
    const memberships = ofType(stacks.staging.resources, "aws:cognito/userInGroup:UserInGroup").map((m) => [
      m.inputs.username,
      m.inputs.groupName,
    ]);
    assert.deepEqual(memberships, [
      ["seed-admin@staging.app.example.com", "admin"],
      ["seed-member@staging.app.example.com", "member"],
    ]);
    const stored = json<Record<string, { username: string; password: string }>>(
      named(stacks.staging.resources, "auth-seeded-accounts-value").inputs.secretString,
    );
    assert.deepEqual(Object.keys(stored), ["admin", "member", "no-permission"]);
    assert.equal(stored.admin.password, users[0].inputs.password);
    assert.ok(named(stacks.staging.resources, "auth-seed-admin").secretInputs.includes("password"));
    assert.equal(new Set(Object.values(stored).map((c) => c.password)).size, 3);
  });

  it("rejects a hosted-UI prefix Cognito would refuse", async () => {
    await assert.rejects(
      renderStack(
        "staging",
        (s) =>
          new AuthClients("bad", {
            namePrefix: "p",
            baseUrl: s.baseUrl,
            hostedUiPrefix: "my-cognito-login",
            region: s.region,
            kmsKeyArn: "k",
            email: { sourceArn: "arn", from: "a@b.c", configurationSet: "c" },
          }),
      ),
      /`hostedUiPrefix` "my-cognito-login"/,
    );
  });
});
