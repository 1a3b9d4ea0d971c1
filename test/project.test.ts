import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { PROJECT, readYaml, ROOT, STACKS } from "./mocks";

/** Vendored from the Pulumi repository (see fixtures/schemas/README.md): a fresh clone needs nothing beside it. */
const SCHEMA = path.resolve(__dirname, "fixtures/schemas/pulumi-project.schema.json");

interface Declaration {
  type: string;
  default?: unknown;
  secret?: boolean;
  description?: string;
}

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
}

describe("project files", () => {
  const project = readYaml("Pulumi.yaml") as { name: string; config: Record<string, Declaration> };
  const stackKeys = (stack: string) =>
    Object.keys((readYaml(`Pulumi.${stack}.yaml`) as { config: Record<string, unknown> }).config).sort();

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
      assert.ok(
        ["string", "integer", "boolean", "array"].includes(declaration.type),
        `${key} has type ${declaration.type}`,
      );
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
    const perStack = Object.entries(project.config)
      .filter(([, d]) => d.default === undefined && !d.secret)
      .map(([key]) => `${PROJECT}:${key}`);
    for (const stack of STACKS) {
      const keys = stackKeys(stack);
      for (const key of perStack) assert.ok(keys.includes(key), `Pulumi.${stack}.yaml does not set ${key}`);
      for (const key of keys) {
        const [namespace, name] = key.split(":");
        assert.ok(
          namespace === "aws" || (namespace === PROJECT && name in project.config),
          `Pulumi.${stack}.yaml sets undeclared ${key}`,
        );
      }
      assert.ok(
        !keys.includes(`${PROJECT}:paymentsApiKey`) ||
          /secure:/.test(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")),
        `Pulumi.${stack}.yaml holds the payment key in clear`,
      );
    }
  });
});

describe("a fresh clone", () => {
  /** Tracked text files: what a clone holds. */
  const tracked = () =>
    execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter(
        (f) =>
          /\.(ts|js|mjs|json|ya?ml|md|sh)$/.test(f) && !f.startsWith("test/fixtures/") && f !== "package-lock.json",
      );

  it("needs nothing beside the repository: no tracked file reads ../shared", () => {
    const files = tracked();
    assert.ok(files.includes("test/project.test.ts"), "git ls-files listed the repository");
    const outside = files.filter(
      (f) =>
        /\.\.\/shared\b|["'`]\.\.\/\.\.\/shared/.test(fs.readFileSync(path.join(ROOT, f), "utf8")) &&
        f !== "test/project.test.ts",
    );
    assert.deepEqual(outside, []);
  });

  it("the pull-request workflow runs what a fresh clone runs: one checkout, npm ci, npm test", () => {
    const workflow = readYaml(".github/workflows/pull-request.yml") as {
      jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
    };
    const steps = workflow.jobs["checks"].steps;
    const checkouts = steps.filter((s) => s.uses?.startsWith("actions/checkout"));
    assert.equal(checkouts.length, 1);
    assert.equal(checkouts[0].with?.["repository"], undefined, "checks out only this repository");
    const runs = steps.map((s) => s.run ?? "");
    const ci = runs.findIndex((r) => /^npm ci\b/.test(r));
    assert.ok(ci >= 0 && runs.findIndex((r) => r.trim() === "npm test") > ci, "npm ci, then npm test");
    assert.ok(!runs.some((r) => /shared/.test(r)), "no step reaches outside the clone");
  });
});
