import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AUTH_CALLBACK_PATH, AUTH_LOGOUT_PATH } from "./app-environment";
import { storeSecret } from "./secret";
import { dataProtection } from "./stateful";

/**
 * Second factor: structural, the same in every stack. `ON` means every account enrols a TOTP app on
 * first sign-in, seeded staging accounts included, so the login flow testers walk is production's.
 */
export const MFA_CONFIGURATION = "ON";
/** The roles the app knows; the same groups exist in every stack so permission paths can be tested. */
export const AUTH_GROUPS = ["admin", "member", "viewer"] as const;
export const OAUTH_SCOPES = ["openid", "email", "profile"];

/** The known test accounts staging seeds: one per role plus one with no group at all. */
export const SEEDED_ACCOUNTS: ReadonlyArray<{
  readonly account: string;
  readonly group?: (typeof AUTH_GROUPS)[number];
}> = [{ account: "admin", group: "admin" }, { account: "member", group: "member" }, { account: "no-permission" }];

export interface AuthClientsArgs {
  /**
   * Physical name prefix, e.g. `parity-staging`; the pool is `<prefix>-users`.
   * Caution: changing it re-creates the user pool, and every user must sign up again.
   */
  readonly namePrefix: string;
  /** `https://<domain>`; callback and logout URLs are this plus the same paths in every stack. */
  readonly baseUrl: string;
  /**
   * Globally unique hosted-UI prefix (`<prefix>.auth.<region>.amazoncognito.com`). Identity: it must
   * differ between stacks. Caution: changing it replaces the domain and breaks existing login links.
   */
  readonly hostedUiPrefix: string;
  /** The stack's AWS region, for the hosted UI's host name. */
  readonly region: string;
  /** The stack's data key, for the seeded accounts' secret. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * Create the known test accounts (admin, member, no-permission) with generated passwords kept in
   * Secrets Manager. Staging only: config validation refuses it in production.
   * @default false
   */
  readonly seedAccounts?: boolean;
  /**
   * The stack's SES identity Cognito sends sign-up, verification and recovery mail through (`DEVELOPER`
   * sending). Cognito's own sender allows a few dozen mails a day per pool, so production sign-ups
   * would stop; and a staging pool mailing through staging's identity behaves like production's.
   */
  readonly email: {
    /** ARN of the verified SES identity (`aws.sesv2.EmailIdentity.arn`), in this stack's account and region. */
    readonly sourceArn: pulumi.Input<string>;
    /** The From address, at the identity's domain, e.g. `no-reply@staging.app.example.com`. */
    readonly from: string;
    /** The SES configuration set (TLS required, event publishing) Cognito's mail goes through. */
    readonly configurationSet: pulumi.Input<string>;
  };
  /** Cognito deletion protection, `protect` and retain-on-delete for the pool (and its users). @default true */
  readonly protectData?: boolean;
}

/** OAuth redirect URLs for a base URL: the paths never vary by stack, only the origin does. */
export function redirectUrls(baseUrl: string): { callbackUrls: string[]; logoutUrls: string[] } {
  const origin = new URL(baseUrl).origin;
  return { callbackUrls: [`${origin}${AUTH_CALLBACK_PATH}`], logoutUrls: [`${origin}${AUTH_LOGOUT_PATH}`] };
}

/** The pool's `emailConfiguration`: Cognito mails through the stack's own SES identity (`DEVELOPER`). */
export function cognitoEmailConfiguration(
  email: AuthClientsArgs["email"],
): aws.types.input.cognito.UserPoolEmailConfiguration {
  if (!/^[^@\s]+@[^@\s]+$/.test(email.from))
    throw new Error(`AuthClients: \`email.from\` ${JSON.stringify(email.from)} is not an email address`);
  return {
    emailSendingAccount: "DEVELOPER",
    sourceArn: email.sourceArn,
    fromEmailAddress: email.from,
    configurationSet: email.configurationSet,
  };
}

/**
 * Cognito user pool, hosted UI and the web app's OAuth client. Every stack gets its own pool and
 * client (separate credentials, rotated independently) with the same flows, password rules, MFA,
 * email verification and groups.
 */
export class AuthClients extends pulumi.ComponentResource {
  public readonly userPool: aws.cognito.UserPool;
  public readonly client: aws.cognito.UserPoolClient;
  public readonly domain: aws.cognito.UserPoolDomain;
  public readonly groups: aws.cognito.UserGroup[];
  public readonly seededUsers: aws.cognito.User[];
  public readonly userPoolId: pulumi.Output<string>;
  public readonly userPoolArn: pulumi.Output<string>;
  public readonly clientId: pulumi.Output<string>;
  /** The hosted UI host name the app redirects to. */
  public readonly hostedUiDomain: pulumi.Output<string>;
  /** Secrets Manager secret holding the seeded accounts' credentials, when seeded. */
  public readonly seededAccountsSecret?: aws.secretsmanager.Secret;

  constructor(name: string, args: AuthClientsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:AuthClients", name, {}, opts);
    const parent = this;
    checkHostedUiPrefix();
    const { callbackUrls, logoutUrls } = redirectUrls(args.baseUrl);
    const protectData = args.protectData ?? true;

    const userPool = createUserPool();
    const domain = createHostedUi(userPool);
    const client = createWebClient(userPool);
    const groups = createGroups(userPool);
    const seeded = args.seedAccounts ? seedAccounts(userPool, groups) : undefined;

    this.userPool = userPool;
    this.userPoolId = userPool.id;
    this.userPoolArn = userPool.arn;
    this.domain = domain;
    this.hostedUiDomain = pulumi.interpolate`${domain.domain}.auth.${args.region}.amazoncognito.com`;
    this.client = client;
    this.clientId = client.id;
    this.groups = groups;
    this.seededUsers = seeded?.users ?? [];
    this.seededAccountsSecret = seeded?.secret;
    this.registerOutputs({
      userPoolId: this.userPoolId,
      clientId: this.clientId,
      hostedUiDomain: this.hostedUiDomain,
      seededAccounts: this.seededUsers.length,
    });

    function checkHostedUiPrefix(): void {
      if (
        !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(args.hostedUiPrefix) ||
        /aws|amazon|cognito/.test(args.hostedUiPrefix)
      ) {
        throw new Error(
          `AuthClients ${name}: \`hostedUiPrefix\` ${JSON.stringify(args.hostedUiPrefix)} must be lower-case letters, digits and dashes, without aws/amazon/cognito`,
        );
      }
    }

    function createUserPool(): aws.cognito.UserPool {
      return new aws.cognito.UserPool(
        `${name}-users`,
        {
          name: `${args.namePrefix}-users`,
          usernameAttributes: ["email"],
          usernameConfiguration: { caseSensitive: false },
          autoVerifiedAttributes: ["email"],
          // A changed email stays unverified (and unused for sign-in) until the user confirms it.
          userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdates: ["email"] },
          verificationMessageTemplate: { defaultEmailOption: "CONFIRM_WITH_CODE" },
          accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
          adminCreateUserConfig: { allowAdminCreateUserOnly: false },
          mfaConfiguration: MFA_CONFIGURATION,
          softwareTokenMfaConfiguration: { enabled: true },
          passwordPolicy: {
            minimumLength: 12,
            requireLowercase: true,
            requireUppercase: true,
            requireNumbers: true,
            requireSymbols: true,
            temporaryPasswordValidityDays: 3,
          },
          // Explicit constraints on every attribute: without them the provider sees a diff on each run
          // and Cognito can only apply it by re-creating the pool (and losing every user).
          schemas: [
            {
              name: "email",
              attributeDataType: "String",
              required: true,
              mutable: true,
              stringAttributeConstraints: { minLength: "3", maxLength: "254" },
            },
            {
              name: "name",
              attributeDataType: "String",
              required: false,
              mutable: true,
              stringAttributeConstraints: { minLength: "0", maxLength: "256" },
            },
          ],
          deletionProtection: protectData ? "ACTIVE" : "INACTIVE",
          emailConfiguration: cognitoEmailConfiguration(args.email),
        },
        // Users (and their MFA enrolments) exist nowhere else: losing the pool means everyone re-registers.
        { parent, ...dataProtection(protectData) },
      );
    }

    function createHostedUi(userPool: aws.cognito.UserPool): aws.cognito.UserPoolDomain {
      return new aws.cognito.UserPoolDomain(
        `${name}-hosted-ui`,
        { domain: args.hostedUiPrefix, userPoolId: userPool.id },
        { parent },
      );
    }

    function createWebClient(userPool: aws.cognito.UserPool): aws.cognito.UserPoolClient {
      return new aws.cognito.UserPoolClient(
        `${name}-web-client`,
        {
          name: `${args.namePrefix}-web`,
          userPoolId: userPool.id,
          // A public client: browsers cannot keep a secret, so the code flow is protected by PKCE.
          generateSecret: false,
          allowedOauthFlowsUserPoolClient: true,
          allowedOauthFlows: ["code"],
          allowedOauthScopes: OAUTH_SCOPES,
          supportedIdentityProviders: ["COGNITO"],
          callbackUrls,
          logoutUrls,
          defaultRedirectUri: callbackUrls[0],
          explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
          preventUserExistenceErrors: "ENABLED",
          enableTokenRevocation: true,
          accessTokenValidity: 60,
          idTokenValidity: 60,
          refreshTokenValidity: 30,
          tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
        },
        { parent },
      );
    }

    function createGroups(userPool: aws.cognito.UserPool): aws.cognito.UserGroup[] {
      return AUTH_GROUPS.map(
        (group, precedence) =>
          new aws.cognito.UserGroup(
            `${name}-group-${group}`,
            { name: group, userPoolId: userPool.id, precedence, description: `The app's ${group} role` },
            { parent },
          ),
      );
    }

    /** The known test accounts, each with a generated password, and one secret holding them all. */
    function seedAccounts(
      userPool: aws.cognito.UserPool,
      groups: aws.cognito.UserGroup[],
    ): { users: aws.cognito.User[]; secret: aws.secretsmanager.Secret } {
      const emailDomain = new URL(args.baseUrl).hostname;
      const users: aws.cognito.User[] = [];
      const credentials: Record<string, { username: string; password: pulumi.Output<string> }> = {};
      for (const seed of SEEDED_ACCOUNTS) {
        const password = new random.RandomPassword(
          `${name}-seed-${seed.account}-password`,
          {
            length: 24,
            special: true,
            overrideSpecial: "!#%&*-_=+?",
            minLower: 1,
            minUpper: 1,
            minNumeric: 1,
            minSpecial: 1,
          },
          { parent },
        );
        const username = `seed-${seed.account}@${emailDomain}`;
        const user = new aws.cognito.User(
          `${name}-seed-${seed.account}`,
          {
            userPoolId: userPool.id,
            username,
            attributes: { email: username, email_verified: "true" },
            password: password.result,
            // Seeded accounts get no invitation mail: their credentials are in Secrets Manager.
            messageAction: "SUPPRESS",
          },
          { parent },
        );
        if (seed.group) {
          new aws.cognito.UserInGroup(
            `${name}-seed-${seed.account}-in-${seed.group}`,
            { userPoolId: userPool.id, username: user.username, groupName: seed.group },
            { parent, dependsOn: groups },
          );
        }
        users.push(user);
        credentials[seed.account] = { username, password: password.result };
      }
      const secret = storeSecret(
        `${name}-seeded-accounts`,
        {
          secretName: `${args.namePrefix}/auth/seeded-accounts`,
          description: `${args.namePrefix}: known test accounts (admin, member, no-permission)`,
          kmsKeyArn: args.kmsKeyArn,
          value: pulumi.jsonStringify(credentials),
        },
        parent,
      ).secret;
      return { users, secret };
    }
  }
}
