import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { snapshotOf } from "../policy/harness";

/**
 * RELEASING.md's statement for the drift check's role. A refreshed preview reads every
 * `aws.secretsmanager.SecretVersion`, so the role needs `secretsmanager:GetSecretValue` and `kms:Decrypt`
 * (neither is in AWS's ReadOnlyAccess); least privilege means only this stack's secrets and key. The
 * statement is parsed from the page, and checked against the secrets the real program creates.
 */

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

const RELEASING = path.resolve(__dirname, "../../RELEASING.md");

function driftPolicy(): Statement[] {
  const text = fs.readFileSync(RELEASING, "utf8");
  const section = text.slice(text.indexOf("### The drift check's role"));
  const block = /```json\n([\s\S]*?)\n```/.exec(section);
  assert.ok(block, 'RELEASING.md has no JSON policy under "The drift check\'s role"');
  return (JSON.parse(block[1]) as { Statement: Statement[] }).Statement;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

describe("RELEASING.md: the drift check role's least-privilege statement", () => {
  it("grants GetSecretValue on the stack's secret prefix and Decrypt on its data key through Secrets Manager only", () => {
    const statements = driftPolicy();
    const secrets = statements.find((s) => list(s.Action).includes("secretsmanager:GetSecretValue"));
    const decrypt = statements.find((s) => list(s.Action).includes("kms:Decrypt"));
    assert.ok(secrets && decrypt, "a statement is missing");
    assert.ok(
      statements.every(
        (s) => s.Effect === "Allow" && !list(s.Resource).includes("*") && !list(s.Action).some((a) => a.endsWith("*")),
      ),
    );
    assert.deepEqual(list(secrets.Resource), [
      "arn:aws:secretsmanager:<region>:<account>:secret:parity-<environment>/*",
    ]);
    assert.deepEqual(list(decrypt.Action), ["kms:Decrypt"]);
    assert.deepEqual(list(decrypt.Resource), ["<data key ARN>"]);
    assert.deepEqual(decrypt.Condition, {
      StringEquals: { "kms:ViaService": "secretsmanager.<region>.amazonaws.com" },
    });
  });

  it("covers every secret each stack creates, all encrypted with the data key the stack exports", async function () {
    this.timeout(180_000);
    const [secrets] = driftPolicy().filter((s) => list(s.Action).includes("secretsmanager:GetSecretValue"));
    for (const stack of ["staging", "production"] as const) {
      const snapshot = await snapshotOf(stack);
      const region = snapshot.config["aws:region"];
      const account = snapshot.config["parity:awsAccountId"];
      const pattern = new RegExp(
        `^${list(secrets.Resource)[0]
          .replace("<region>", region)
          .replace("<account>", account)
          .replace("<environment>", stack)
          .replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === "*" ? ".*" : `\\${c}`))}$`,
      );
      const created = snapshot.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret" && r.custom);
      assert.ok(created.length >= 4, `${stack}: ${created.length} secrets`);
      const dataKey = snapshot.outputs.dataKeyArn;
      assert.match(String(dataKey), /^arn:aws:kms:/, `${stack} does not export dataKeyArn`);
      for (const r of created) {
        assert.match(String(r.outputs.arn), pattern, `${stack}: ${r.name} is outside the role's secrets`);
        assert.equal(r.inputs.kmsKeyId, dataKey, `${stack}: ${r.name} is not encrypted with the exported data key`);
      }
    }
  });
});
