import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/**
 * Stack configuration as the Pulumi CLI hands it to a program: the project's `config:` declarations
 * (types, defaults, `secret: true`) overlaid with the stack file's values, every value a string
 * (numbers and booleans as text, lists and objects as JSON), secret keys listed separately.
 *
 * There is no secrets provider offline, so a `secure:` value and a declared secret the stack does not
 * set both become a placeholder that is still marked secret: validation then sees a secret of the
 * right kind (not a live key, not clear text) and the preview never holds a real credential.
 */

/** Shaped like a test-mode API key so validators that reject live keys accept it; never a real secret. */
export const OFFLINE_SECRET_PLACEHOLDER = "sk_test_offline_placeholder";

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  /** Full key (`parity:domain`, `aws:region`) → the raw string the program receives. */
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** Keys whose value is an offline placeholder (a `secure:` value or an unset declared secret). */
  readonly placeholders: readonly string[];
  /** The program entry point named by `main:` in Pulumi.yaml, relative to the project root. */
  readonly main: string;
  readonly stackFile: string;
}

export interface StackConfigOptions {
  readonly root: string;
  readonly stack: string;
  readonly stackFile?: string;
  readonly configOverrides?: Readonly<Record<string, string>>;
}

/** A problem with the project or stack file itself: which file, what is wrong, how to fix it. */
export class StackConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: readonly string[],
  ) {
    super(`Stack "${stack}" cannot be loaded:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackConfigError";
  }
}

type Declared = { type?: string; default?: unknown; secret?: boolean; items?: unknown };
const CONFIG_TYPES = new Set(["string", "integer", "boolean", "array", "object"]);

export function loadStackConfig(opts: StackConfigOptions): StackConfig {
  const projectFile = path.join(opts.root, "Pulumi.yaml");
  const stackFile = path.resolve(opts.root, opts.stackFile ?? `Pulumi.${opts.stack}.yaml`);
  const problems: string[] = [];
  const project = readYamlObject(projectFile, opts.stack, `create ${projectFile} with \`name:\` and \`runtime:\``);
  const projectName = typeof project["name"] === "string" ? project["name"] : "";
  if (!projectName) throw new StackConfigError(opts.stack, [`${projectFile} has no \`name:\`; add \`name: <project>\`.`]);
  const stackDoc = readYamlObject(
    stackFile,
    opts.stack,
    `create it with the same keys as the other stacks' files (\`pulumi stack init ${opts.stack}\` then \`pulumi config set\`)`,
  );

  const fullKey = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const placeholders = new Set<string>();
  const declarations = new Map<string, Declared>();

  const declaredConfig = project["config"] ?? {};
  if (!isPlainObject(declaredConfig)) {
    throw new StackConfigError(opts.stack, [`${projectFile}: \`config:\` must be a map of key → declaration.`]);
  }
  for (const [key, decl] of Object.entries(declaredConfig)) {
    // A bare value in the project file is a project-wide value, not a declaration.
    const declaration: Declared = isPlainObject(decl) && ("type" in decl || "default" in decl || "secret" in decl || "value" in decl)
      ? (decl as Declared)
      : { default: decl };
    if (declaration.type !== undefined && !CONFIG_TYPES.has(declaration.type)) {
      problems.push(`${projectFile}: \`${key}\` declares type \`${declaration.type}\`; use string, integer, boolean, array or object.`);
    }
    declarations.set(fullKey(key), declaration);
    if (declaration.default !== undefined) values[fullKey(key)] = toConfigString(declaration.default);
    if (declaration.secret === true) secretKeys.add(fullKey(key));
  }

  const stackConfig = stackDoc["config"] ?? {};
  if (!isPlainObject(stackConfig)) {
    throw new StackConfigError(opts.stack, [`${stackFile}: \`config:\` must be a map of key → value.`]);
  }
  for (const [key, value] of Object.entries(stackConfig)) {
    const k = fullKey(key);
    if (isPlainObject(value) && typeof value["secure"] === "string") {
      values[k] = OFFLINE_SECRET_PLACEHOLDER;
      secretKeys.add(k);
      placeholders.add(k);
      continue;
    }
    if (value === null || value === undefined) {
      problems.push(`${stackFile}: \`${key}\` has no value; set one or remove the line.`);
      continue;
    }
    values[k] = toConfigString(value);
  }

  for (const [key, value] of Object.entries(opts.configOverrides ?? {})) values[fullKey(key)] = value;

  for (const [key, declaration] of declarations) {
    const value = values[key];
    if (value === undefined) {
      if (declaration.secret === true) {
        values[key] = OFFLINE_SECRET_PLACEHOLDER;
        placeholders.add(key);
        continue;
      }
      problems.push(`${path.basename(stackFile)}: \`${key}\` is declared in Pulumi.yaml without a default but not set; add \`${key}: <value>\` under \`config:\`.`);
      continue;
    }
    const typeProblem = checkType(value, declaration.type);
    if (typeProblem) problems.push(`${path.basename(stackFile)}: \`${key}\` is ${JSON.stringify(value)}, ${typeProblem} (declared in Pulumi.yaml).`);
  }

  if (problems.length > 0) throw new StackConfigError(opts.stack, problems);
  const main = typeof project["main"] === "string" ? project["main"] : "index.ts";
  return { project: projectName, stack: opts.stack, values, secretKeys: [...secretKeys].sort(), placeholders: [...placeholders].sort(), main, stackFile };
}

/** The config as a person may see it: secrets masked, the way `pulumi config` prints them. */
export function maskedConfig(config: StackConfig): Record<string, string> {
  const secret = new Set(config.secretKeys);
  return Object.fromEntries(Object.entries(config.values).map(([k, v]) => [k, secret.has(k) ? "[secret]" : v]));
}

function checkType(value: string, type: string | undefined): string | undefined {
  switch (type) {
    case "integer":
      return /^-?\d+$/.test(value) ? undefined : "but must be an integer";
    case "boolean":
      return value === "true" || value === "false" ? undefined : "but must be `true` or `false`";
    case "array":
      return Array.isArray(tryJson(value)) ? undefined : "but must be a list";
    case "object":
      return isPlainObject(tryJson(value)) ? undefined : "but must be a map";
    default:
      return undefined;
  }
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The CLI passes scalars as their text and structured values as JSON. */
function toConfigString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function readYamlObject(file: string, stack: string, fix: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new StackConfigError(stack, [`${file} does not exist; ${fix}.`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new StackConfigError(stack, [`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`]);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new StackConfigError(stack, [`${file} must be a YAML map at the top level.`]);
  return doc;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
