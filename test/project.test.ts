import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { PROJECT, readYaml, ROOT, STACKS } from "./mocks";

/** CI runs in a clone with `../shared/` beside it, as the workspace does. */
const SCHEMA = path.resolve(__dirname, "../../shared/schemas/pulumi-project.schema.json");

interface Declaration {
  type: string;
  default?: unknown;
  secret?: boolean;
  description?: string;
}

function validator() {
  if (!fs.existsSync(SCHEMA)) {
    assert.fail(`the Pulumi project schema is missing at ${SCHEMA}; check out the shared folder beside the repo (../shared/schemas/pulumi-project.schema.json)`);
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
}

describe("project files", () => {
  const project = readYaml("Pulumi.yaml") as { name: string; config: Record<string, Declaration> };
  const stackKeys = (stack: string) => Object.keys((readYaml(`Pulumi.${stack}.yaml`) as { config: Record<string, unknown> }).config).sort();

  it("Pulumi.yaml validates against the Pulumi project schema", () => {
    const validate = validator();
    const ok = validate(project);
    assert.ok(ok, `Pulumi.yaml is not a valid project file: ${JSON.stringify(validate.errors, null, 2)}`);
  });

  it("the schema check catches a broken project file", () => {
    const validate = validator();
    const broken = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    broken.runtime = { name: "nodejs", typo: true };
    assert.equal(validate(broken), false);
  });

  it("declares every key with a type the project config allows, and a description", () => {
    assert.equal(project.name, PROJECT);
    for (const [key, declaration] of Object.entries(project.config)) {
      assert.ok(["string", "integer", "boolean", "array"].includes(declaration.type), `${key} has type ${declaration.type}`);
      assert.ok(declaration.description, `${key} has no description`);
    }
    assert.equal(project.config.paymentsApiKey.secret, true);
  });

  it("gives staging and production exactly the same keys", () => {
    const [staging, production] = STACKS.map(stackKeys);
    assert.ok(staging.length > 0);
    assert.deepEqual(staging, production, "the stack files set different keys");
  });

  it("sets every per-stack key in every stack file and nothing undeclared", () => {
    const perStack = Object.entries(project.config).filter(([, d]) => d.default === undefined && !d.secret).map(([key]) => `${PROJECT}:${key}`);
    for (const stack of STACKS) {
      const keys = stackKeys(stack);
      for (const key of perStack) assert.ok(keys.includes(key), `Pulumi.${stack}.yaml does not set ${key}`);
      for (const key of keys) {
        const [namespace, name] = key.split(":");
        assert.ok(namespace === "aws" || (namespace === PROJECT && name in project.config), `Pulumi.${stack}.yaml sets undeclared ${key}`);
      }
      assert.ok(!keys.includes(`${PROJECT}:paymentsApiKey`) || /secure:/.test(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")), `Pulumi.${stack}.yaml holds the payment key in clear`);
    }
  });
});
