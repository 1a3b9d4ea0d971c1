import * as assert from "node:assert/strict";
import { AppRoles, AppRolesArgs, ecrRepositoryArn } from "../../components/app-roles";
import { Settings } from "../../config/settings";
import { json, named, parentType, RenderedStack, renderBothStacks } from "../mocks";

const arns = (s: Settings): AppRolesArgs => {
  const a = `${s.region}:${s.accountId}`;
  return {
    image: s.app.image,
    kmsKeyArn: `arn:aws:kms:${a}:key/data`,
    secretArns: [`arn:aws:secretsmanager:${a}:secret:db`, `arn:aws:secretsmanager:${a}:secret:pay`],
    logGroupArns: [`arn:aws:logs:${a}:log-group:/parity/web`],
    uploadsBucketArn: `arn:aws:s3:::parity-${s.environment}-uploads`,
    outboxBucketArn: `arn:aws:s3:::parity-${s.environment}-email-outbox`,
    queueArns: [`arn:aws:sqs:${a}:parity-${s.environment}-jobs`],
    emailIdentityArn: `arn:aws:ses:${a}:identity/${s.domain}`,
    configurationSetArn: `arn:aws:ses:${a}:configuration-set/parity`,
    userPoolArn: `arn:aws:cognito-idp:${a}:userpool/pool`,
  };
};

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource?: string | string[];
  NotResource?: string;
}

describe("components/app-roles", () => {
  const stacks = renderBothStacks((s) => new AppRoles("app", arns(s)));
  const statements = (r: RenderedStack<AppRoles>, name: string) =>
    json<{ Statement: Statement[] }>(named(r.resources, name).inputs.policy).Statement;
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

  it("never grants a wildcard action, and a wildcard resource only for the ECR login", () => {
    for (const r of [stacks.staging, stacks.production]) {
      for (const policy of ["app-execution-policy", "app-task-policy"]) {
        for (const statement of statements(r, policy)) {
          assert.ok(
            !list(statement.Action).some((a) => a === "*" || a.endsWith(":*")),
            `${policy}/${statement.Sid} grants a wildcard action`,
          );
          if (list(statement.Resource).includes("*"))
            assert.deepEqual(list(statement.Action), ["ecr:GetAuthorizationToken"], `${policy}/${statement.Sid}`);
        }
      }
      assert.ok(r.resources.filter((x) => x.custom).every((x) => parentType(x) === "parity:components:AppRoles"));
    }
  });

  it("names exactly the stack's bucket, queues, key, secrets and pool", () => {
    const task = Object.fromEntries(statements(stacks.production, "app-task-policy").map((s) => [s.Sid, s]));
    assert.deepEqual(task.UploadsObjects.Resource, "arn:aws:s3:::parity-production-uploads/*");
    assert.deepEqual(task.JobQueues.Resource, ["arn:aws:sqs:us-east-1:123456789012:parity-production-jobs"]);
    assert.equal(task.DataKey.Resource, "arn:aws:kms:us-east-1:123456789012:key/data");
    assert.equal(task.SendSms.NotResource, "arn:aws:sns:*:*:*");
    const execution = Object.fromEntries(statements(stacks.production, "app-execution-policy").map((s) => [s.Sid, s]));
    assert.deepEqual(execution.ReadAppSecrets.Resource, arns(stacks.production.settings).secretArns);
    assert.equal(execution.PullAppImage.Resource, "arn:aws:ecr:us-east-1:123456789012:repository/app");
  });

  it("keeps the policies' structure identical across stacks while no role is shared", () => {
    const shape = (r: RenderedStack<AppRoles>, name: string) => statements(r, name).map((s) => [s.Sid, s.Action]);
    assert.deepEqual(shape(stacks.staging, "app-task-policy"), shape(stacks.production, "app-task-policy"));
    assert.deepEqual(shape(stacks.staging, "app-execution-policy"), shape(stacks.production, "app-execution-policy"));
    const trust = (r: RenderedStack<AppRoles>) =>
      json<{ Statement: { Condition: { StringEquals: Record<string, string> } }[] }>(
        named(r.resources, "app-task").inputs.assumeRolePolicy,
      ).Statement[0].Condition.StringEquals["aws:SourceAccount"];
    assert.equal(trust(stacks.staging), "210987654321");
    assert.equal(trust(stacks.production), "123456789012");
  });

  it("derives the ECR repository from the image reference", () => {
    assert.equal(
      ecrRepositoryArn("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2.3"),
      "arn:aws:ecr:eu-west-1:123456789012:repository/team/app",
    );
    assert.equal(ecrRepositoryArn("ghcr.io/acme/app:1.0.0"), undefined);
  });
});
