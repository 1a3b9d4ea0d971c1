import { arn, secret, type TypeModel } from "./model";
import { LOWER_ALNUM, MIXED_ALNUM } from "./seeded";

/**
 * Cognito (Terraform docs: cognito_user_pool, cognito_user_pool_client, cognito_user_pool_domain,
 * cognito_user, cognito_user_group, cognito_user_in_group). Pool ids are `<region>_<9 characters>`,
 * client ids 26 lowercase characters, both assigned by AWS.
 */

const CREATED = "2026-01-05T09:20:41Z";

export const models: Record<string, TypeModel> = {
  "aws:cognito/userPool:UserPool": {
    autoname: { maxLength: 128 },
    defaults: { deletionProtection: "INACTIVE", mfaConfiguration: "OFF" },
    computed: (r) => {
      const id = `${r.env.region}_${r.env.generated.alnum(r.key, 9, MIXED_ALNUM)}`;
      return {
        id,
        arn: arn(r.env, "cognito-idp", `userpool/${id}`),
        creationDate: CREATED,
        customDomain: "",
        domain: "",
        emailConfiguration: {
          configurationSet: "",
          emailSendingAccount: "COGNITO_DEFAULT",
          fromEmailAddress: "",
          replyToEmailAddress: "",
          sourceArn: "",
        },
        endpoint: `cognito-idp.${r.env.region}.amazonaws.com/${id}`,
        estimatedNumberOfUsers: 0,
        lastModifiedDate: CREATED,
        userPoolTier: "ESSENTIALS",
        verificationMessageTemplate: {
          defaultEmailOption: "CONFIRM_WITH_CODE",
          emailMessage: "",
          emailMessageByLink: "",
          emailSubject: "",
          emailSubjectByLink: "",
          smsMessage: "",
        },
      };
    },
  },
  "aws:cognito/userPoolClient:UserPoolClient": {
    computed: (r) => ({
      id: r.env.generated.alnum(r.key, 26, LOWER_ALNUM),
      accessTokenValidity: 0,
      authSessionValidity: 3,
      clientSecret:
        r.inputs["generateSecret"] === true ? secret(r.env.generated.alnum(`${r.key}\0secret`, 51, LOWER_ALNUM)) : "",
      enableTokenRevocation: true,
      idTokenValidity: 0,
      preventUserExistenceErrors: "ENABLED",
      refreshTokenValidity: 30,
    }),
  },
  "aws:cognito/userPoolDomain:UserPoolDomain": {
    computed: (r) => {
      const distribution = `d${r.env.generated.alnum(r.key, 13, LOWER_ALNUM)}.cloudfront.net`;
      return {
        id: String(r.inputs["domain"]),
        awsAccountId: r.env.accountId,
        cloudfrontDistribution: distribution,
        cloudfrontDistributionArn: distribution,
        cloudfrontDistributionZoneId: "Z2FDTNDATAQYW2",
        managedLoginVersion: 1,
        s3Bucket: `aws-cognito-prod-${r.env.region.replaceAll("-", "")}-assets`,
        version: String(r.env.generated.int(`${r.key}\0version`, 1, 99)),
      };
    },
  },
  "aws:cognito/user:User": {
    defaults: { enabled: true },
    computed: (r) => ({
      id: `${String(r.inputs["userPoolId"])}/${String(r.inputs["username"])}`,
      creationDate: CREATED,
      lastModifiedDate: CREATED,
      mfaSettingLists: [],
      preferredMfaSetting: "",
      status: r.inputs["password"] === undefined ? "FORCE_CHANGE_PASSWORD" : "CONFIRMED",
      sub: r.env.generated.uuid(r.key),
    }),
  },
  "aws:cognito/userGroup:UserGroup": {
    computed: (r) => ({ id: `${String(r.inputs["userPoolId"])}/${String(r.inputs["name"])}` }),
  },
  "aws:cognito/userInGroup:UserInGroup": {
    computed: (r) => ({
      id: `${String(r.inputs["userPoolId"])}/${String(r.inputs["groupName"])}/${String(r.inputs["username"])}`,
    }),
  },
};
