import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  loadStackConfig,
  maskedConfig,
  OFFLINE_SECRET_PLACEHOLDER,
  StackConfig,
  StackConfigError,
} from "../tools/simulator/stack-config";

/**
 * tools/simulator/stack-config.ts on small project and stack files: what the program receives, and the
 * message for each way the files can be wrong. No program runs, no passphrase (passphrase.test.ts).
 */

const NAME_ONLY = "name: demo\nruntime: nodejs\n";

/** A project directory holding `Pulumi.yaml` and, when given, `Pulumi.x.yaml`. */
function projectDir(projectYaml: string | undefined, stackYaml?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-stack-config-"));
  if (projectYaml !== undefined) fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml);
  if (stackYaml !== undefined) fs.writeFileSync(path.join(dir, "Pulumi.x.yaml"), stackYaml);
  return dir;
}

const load = (projectYaml: string | undefined, stackYaml?: string): StackConfig =>
  loadStackConfig({ root: projectDir(projectYaml, stackYaml), stack: "x" });

function problems(projectYaml: string | undefined, stackYaml?: string): string[] {
  const root = projectDir(projectYaml, stackYaml);
  try {
    loadStackConfig({ root, stack: "x" });
  } catch (e) {
    assert.ok(e instanceof StackConfigError, String(e));
    return e.problems.map((p) => p.split(root + path.sep).join("<dir>/"));
  }
  assert.fail("expected the files to be refused");
}

describe("stack config: what the program receives", () => {
  it("takes a bare value in Pulumi.yaml's config as a project-wide value, a map without declaration fields too", () => {
    const config = load(`${NAME_ONLY}config:\n  aws:region: eu-west-1\n  limits:\n    max: 3\n`, "config: {}\n");
    assert.deepEqual(config.values, { "aws:region": "eu-west-1", "demo:limits": '{"max":3}' });
  });

  it("reads a declaration that gives only a default", () => {
    assert.deepEqual(load(`${NAME_ONLY}config:\n  count:\n    default: 1\n`, "").values, { "demo:count": "1" });
  });

  it("passes numbers and booleans as their text, and reads an empty stack file as no values", () => {
    assert.deepEqual(load(NAME_ONLY, "config:\n  demo:count: 2\n  demo:on: true\n").values, {
      "demo:count": "2",
      "demo:on": "true",
    });
    assert.deepEqual(load(`${NAME_ONLY}config:\n  label: x\n`, "").values, { "demo:label": "x" });
  });

  it("makes a list holding a `secure:` value a secret, with a placeholder in its place", () => {
    const config = load(NAME_ONLY, "config:\n  demo:tokens:\n    - secure: v1:abc\n    - plain\n");
    assert.equal(config.values["demo:tokens"], JSON.stringify([OFFLINE_SECRET_PLACEHOLDER, "plain"]));
    assert.deepEqual([config.secretKeys, config.placeholders], [["demo:tokens"], ["demo:tokens"]]);
  });

  it("reads a map with `secure` beside other fields as a plain map, not a secret", () => {
    const config = load(NAME_ONLY, "config:\n  demo:odd:\n    secure: v1:abc\n    note: x\n");
    assert.equal(config.values["demo:odd"], '{"secure":"v1:abc","note":"x"}');
    assert.deepEqual(config.secretKeys, []);
  });

  it("lists placeholders in order and names the undecrypted keys, in order, in one note", () => {
    const config = load(NAME_ONLY, "config:\n  demo:zeta:\n    secure: v1:z\n  demo:alpha:\n    secure: v1:a\n");
    assert.deepEqual(config.placeholders, ["demo:alpha", "demo:zeta"]);
    const unchecked = config.notes.filter((n) => n.startsWith("not checked offline"));
    assert.equal(unchecked.length, 1);
    assert.match(
      unchecked[0],
      /^not checked offline: the content of `demo:alpha`, `demo:zeta` \(encrypted\); the pull-request workflow's `pulumi preview --stack x` decrypts/,
    );
  });

  it("runs Pulumi.yaml's `main:`, index.ts when it names none", () => {
    assert.equal(load(`${NAME_ONLY}main: src/program.ts\n`, "").main, "src/program.ts");
    assert.equal(load(NAME_ONLY, "").main, "index.ts");
  });

  it("masks secret values for people, and only those", () => {
    const config = load(`${NAME_ONLY}config:\n  apiKey:\n    secret: true\n`, "config:\n  demo:label: shown\n");
    assert.deepEqual(maskedConfig(config), { "demo:apiKey": "[secret]", "demo:label": "shown" });
  });
});

describe("stack config: files it refuses, and what it says", () => {
  it("joins every problem under the stack's name", () => {
    const err = new StackConfigError("x", ["one", "two"]);
    assert.equal(err.message, 'Stack "x" cannot be loaded:\n  - one\n  - two');
    assert.equal(err.name, "StackConfigError");
  });

  it("a missing Pulumi.yaml, or one without a text `name:`", () => {
    assert.deepEqual(problems(undefined, ""), [
      "<dir>/Pulumi.yaml does not exist; create <dir>/Pulumi.yaml with `name:` and `runtime:`.",
    ]);
    for (const project of ["runtime: nodejs\n", "name: 7\nruntime: nodejs\n"]) {
      assert.deepEqual(problems(project, ""), ["<dir>/Pulumi.yaml has no `name:`; add `name: <project>`."], project);
    }
  });

  it("a file that is not a map at the top level, or invalid YAML with the parser's excerpt", () => {
    assert.deepEqual(problems(NAME_ONLY, "- a\n"), ["<dir>/Pulumi.x.yaml must be a YAML map at the top level."]);
    const [invalid] = problems(NAME_ONLY, "config: [\n");
    assert.match(invalid, /^<dir>\/Pulumi\.x\.yaml is not valid YAML: \S/);
    assert.doesNotMatch(invalid, /\s$/, "no trailing blank line after the excerpt");
  });

  it("a `config:` that is not a map, in either file", () => {
    assert.deepEqual(problems(NAME_ONLY, "config: [a]\n"), [
      "<dir>/Pulumi.x.yaml: `config:` must be a map of key → value.",
    ]);
    assert.deepEqual(problems(`${NAME_ONLY}config: [a]\n`, ""), [
      "<dir>/Pulumi.yaml: `config:` must be a map of key → declaration.",
    ]);
  });

  it("a declared type the CLI does not have", () => {
    assert.deepEqual(problems(`${NAME_ONLY}config:\n  count:\n    type: number\n    default: 1\n`, ""), [
      "<dir>/Pulumi.yaml: `count` declares type `number`; use string, integer, boolean, array or object.",
    ]);
  });

  it("a declared key without default the stack leaves unset (a declared secret gets a placeholder instead)", () => {
    assert.deepEqual(problems(`${NAME_ONLY}config:\n  label:\n    type: string\n`, ""), [
      "Pulumi.x.yaml: `demo:label` is declared in Pulumi.yaml without a default but not set; add `demo:label: <value>` under `config:`.",
    ]);
  });

  it("an empty line: for a declared secret, remove it and set it as a secret; for an undeclared key, set one", () => {
    assert.deepEqual(
      problems(`${NAME_ONLY}config:\n  token:\n    secret: true\n`, "config:\n  demo:token:\n  demo:other:\n"),
      [
        "Pulumi.x.yaml: `demo:token` has no value; remove the line, then set it with `pulumi config set --secret demo:token <value>`.",
        "Pulumi.x.yaml: `demo:other` has no value; set one: `demo:other: <value>`.",
      ],
    );
  });

  it("a value of the wrong declared type, each type", () => {
    const declared =
      "config:\n  n:\n    type: integer\n  b:\n    type: boolean\n  l:\n    type: array\n  m:\n    type: object\n  s:\n    type: string\n";
    const bad = problems(
      NAME_ONLY + declared,
      'config:\n  demo:n: "12x"\n  demo:b: "yes"\n  demo:l: x\n  demo:m: "[1]"\n  demo:s: "[1]"\n',
    );
    assert.deepEqual(bad, [
      'Pulumi.x.yaml: `demo:n` is "12x", but must be an integer (declared in Pulumi.yaml).',
      'Pulumi.x.yaml: `demo:b` is "yes", but must be `true` or `false` (declared in Pulumi.yaml).',
      'Pulumi.x.yaml: `demo:l` is "x", but must be a list (declared in Pulumi.yaml).',
      'Pulumi.x.yaml: `demo:m` is "[1]", but must be a map (declared in Pulumi.yaml).',
    ]);
    assert.match(
      problems(
        NAME_ONLY + declared,
        'config:\n  demo:n: "x12"\n  demo:b: true\n  demo:l: []\n  demo:m: {}\n  demo:s: s\n',
      )[0],
      /`demo:n` is "x12", but must be an integer/,
    );
    assert.deepEqual(
      load(
        NAME_ONLY + declared,
        "config:\n  demo:n: -12\n  demo:b: false\n  demo:l: [1]\n  demo:m: {a: 1}\n  demo:s: s\n",
      ).values["demo:n"],
      "-12",
    );
  });
});
