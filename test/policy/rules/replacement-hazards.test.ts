import * as assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../../policy/engine/flatten";
import type { PolicyConfigInput } from "../../../tools/simulator/analyzer";
import { type StackSnapshot, UNKNOWN } from "../../../tools/simulator/snapshot";
import {
  expectNoRuleViolation,
  expectRuleViolation,
  RULE_SHAPES,
  runRules,
  violationsOf,
} from "../../support/rule-harness";
import { bothSnapshots, mutate, mutateDeclared } from "../harness";
import { projectCopy } from "../temp-file";

/**
 * replacement-hazards, in process: the real stacks pass, and each change that makes AWS replace a
 * database or user pool is named with what it destroys; changes that replace nothing are left alone.
 */

const POLICY = "replacement-hazards";
const DB_KEY = "parity:components:Database$aws:rds/instance:Instance::db-instance";
const ALIAS = "arn:aws:kms:us-east-1:210987654321:alias/parity-staging-data";

/** A copy of the committed lock with `change` applied, inside the project; its path for the policy config. */
function lockWith(
  change: (lock: { resources: Record<string, { properties: Record<string, unknown> }> }) => void,
): string {
  return projectCopy("parity.lock.json", (text) => {
    const lock = JSON.parse(text);
    change(lock);
    return JSON.stringify(lock);
  });
}

describe("replacement-hazards (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  for (const shape of RULE_SHAPES) {
    const hazards = async (s: StackSnapshot, config?: PolicyConfigInput) =>
      violationsOf(await runRules(shape.of(s), { ...shape.options, config, only: [POLICY] }), POLICY).map(
        (v) => v.message,
      );

    describe(shape.name, () => {
      it("passes the real staging and production stacks", async () => {
        await expectNoRuleViolation(shape.of(staging), POLICY, shape.options);
        await expectNoRuleViolation(shape.of(production), POLICY, shape.options);
      });

      it("names what an engine change in production destroys, on the database's URN", async () => {
        const v = await expectRuleViolation(
          shape.of(mutate(production, "db-instance", (p) => void (p.engine = "aurora-postgresql"))),
          POLICY,
          [
            /\n`parity:components:Database\$aws:rds\/instance:Instance::db-instance` \(aws:rds\/instance:Instance\) `engine` changes from "postgres" \(parity\.lock\.json\) to "aurora-postgresql": AWS replaces the resource, destroying the database instance and every row/,
          ],
          shape.options,
        );
        assert.equal(v.resourceName, "db-instance");
        assert.match(v.urn ?? "", /::db-instance$/);
      });

      it("names a hazard property that disappears from production (dbName dropped)", async () => {
        await expectRuleViolation(
          shape.of(mutate(production, "db-instance", (p) => void delete p.dbName)),
          POLICY,
          [/`dbName` changes from "app" \(parity\.lock\.json\) to \(not set\)/, /destroying the database instance/],
          shape.options,
        );
      });

      it("names a hazard property production gains that the lock lacks", async () => {
        const lockFile = lockWith((l) => void delete l.resources[DB_KEY].properties.dbName);
        const v = await hazards(production, { [POLICY]: { lockFile } });
        assert.ok(
          v.some((m) => /`dbName` changes from \(not set\) \(parity\.lock\.json\) to "app"/.test(m)),
          v.join("\n"),
        );
      });

      it("reports several hazards on one resource in property order", async () => {
        const v = await hazards(
          mutate(production, "db-instance", (p) => {
            p.engine = "aurora-postgresql";
            p.dbName = "main";
          }),
        );
        assert.deepEqual(
          v.map((m) => /`(\w+)` changes from/.exec(m)?.[1]),
          ["dbName", "engine"],
        );
      });

      it("rejects a KMS alias ARN as the database key, in any stack", async () => {
        const v = await expectRuleViolation(
          shape.of(mutate(staging, "db-instance", (p) => void (p.kmsKeyId = ALIAS))),
          POLICY,
          [
            /\n`db-instance` \(aws:rds\/instance:Instance\) uses a KMS alias ARN as `kmsKeyId` \(arn:aws:kms:us-east-1:210987654321:alias\/parity-staging-data\): AWS stores the key's ARN, so every run sees a change and plans to replace the database, destroying the database instance and every row/,
          ],
          shape.options,
        );
        assert.match(v.urn ?? "", /::db-instance$/);
      });

      it("judges the key the program declares, though AWS reports the key's own ARN back", async () => {
        await expectRuleViolation(
          shape.of(mutateDeclared(staging, "db-instance", (p) => void (p.kmsKeyId = ALIAS))),
          POLICY,
          [/KMS alias ARN as `kmsKeyId` \(arn:aws:kms:us-east-1:210987654321:alias\/parity-staging-data\)/],
          shape.options,
        );
      });

      it("rejects a Cognito string attribute without length constraints, naming it and what the pool holds", async () => {
        const v = await expectRuleViolation(
          shape.of(
            mutate(staging, "auth-users", (p) => {
              p.schemas = (p.schemas as Record<string, unknown>[])
                .map((s) => (s.name === "name" ? { ...s, stringAttributeConstraints: undefined } : s))
                .map((s) => JSON.parse(JSON.stringify(s)));
            }),
          ),
          POLICY,
          [
            /\n`auth-users` \(aws:cognito\/userPool:UserPool\) schema attribute `name` is a String without `stringAttributeConstraints`: AWS reports constraints back, so every run plans to re-create the pool, destroying .*every account in it/,
          ],
          shape.options,
        );
        assert.match(v.urn ?? "", /::auth-users$/);
      });

      it("holds only production to the lock: staging's engine change is stack-parity's finding, not a hazard", async () => {
        assert.deepEqual(
          await hazards(mutate(staging, "db-instance", (p) => void (p.engine = "aurora-postgresql"))),
          [],
        );
      });

      it("reads `kmsKeyId` as a hazard only on a database, and only an alias: a log group keyed by an alias is not replaced", async () => {
        assert.deepEqual(await hazards(mutate(staging, "app-web-logs", (p) => void (p.kmsKeyId = ALIAS))), []);
        assert.deepEqual(
          await hazards(
            mutate(
              staging,
              "db-instance",
              (p) => void (p.kmsKeyId = "arn:aws:kms:us-east-1:210987654321:key/alias-but-not-one"),
            ),
          ),
          [],
        );
      });

      it("reads schemas only on a user pool, and asks string constraints only of String attributes", async () => {
        const unconstrained = { name: "nickname", attributeDataType: "String", mutable: true };
        assert.deepEqual(await hazards(mutate(staging, "db-instance", (p) => void (p.schemas = [unconstrained]))), []);
        assert.deepEqual(
          await hazards(
            mutate(
              staging,
              "auth-users",
              (p) =>
                void (p.schemas = [
                  ...(p.schemas as unknown[]),
                  { name: "age", attributeDataType: "Number", mutable: true },
                ]),
            ),
          ),
          [],
        );
      });

      it("takes a production resource the lock does not know yet as new, not as a hazard", async () => {
        const added = structuredClone(production) as StackSnapshot & { resources: { name: string; urn: string }[] };
        const db = added.resources.find((r) => r.name === "db-instance") as { name: string; urn: string };
        added.resources.push({
          ...structuredClone(db),
          name: "db-replica",
          urn: db.urn.replace(/::db-instance$/, "::db-replica"),
        });
        assert.deepEqual(await hazards(added), []);
      });

      it("does not call a value unknown until deployment a change, in the stack or in the lock", async () => {
        assert.deepEqual(await hazards(mutate(production, "db-instance", (p) => void (p.engine = UNKNOWN))), []);
        const lockFile = lockWith((l) => void (l.resources[DB_KEY].properties.engine = UNKNOWN_VALUE));
        assert.deepEqual(
          await hazards(
            mutate(production, "db-instance", (p) => void (p.engine = "aurora-postgresql")),
            { [POLICY]: { lockFile } },
          ),
          [],
        );
      });

      it("reads the lock named in its config", async () => {
        const lockFile = lockWith((l) => void (l.resources[DB_KEY].properties.engine = "mysql"));
        const v = await hazards(production, { [POLICY]: { lockFile } });
        assert.ok(
          v.some((m) => /`engine` changes from "mysql" \(parity\.lock\.json\) to "postgres"/.test(m)),
          v.join("\n"),
        );
      });
    });
  }
});
