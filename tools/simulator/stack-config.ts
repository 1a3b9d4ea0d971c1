import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { cutText, showValue, SHOWN_CHARACTERS } from "../../policy/engine/show-value";
import {
  placeholderResolution,
  resolveSecureValues,
  SecureValue,
  SecureValueInput,
  SecureValueResolution,
} from "./stack-secrets";

/**
 * Stack configuration as the Pulumi CLI hands it to a program: the project's `config:` declarations
 * (types, defaults, `secret: true`) overlaid with the stack file's values, every value a string
 * (numbers and booleans as text, lists and objects as JSON), secret keys listed separately.
 *
 * `secure:` values are decrypted when the stack uses the passphrase provider and PULUMI_CONFIG_PASSPHRASE
 * (or _FILE) is set (loadStackConfigWithSecrets; see stack-secrets.ts). Otherwise, and for a declared
 * secret the stack does not set, the value is a placeholder that is still marked secret: validation
 * then sees a secret of the right kind (not a live key, not clear text) and the preview never holds a
 * real credential it was not given.
 */

/** Shaped like a test-mode API key so validators that reject live keys accept it; never a real secret. */
export const OFFLINE_SECRET_PLACEHOLDER = "sk_test_offline_placeholder";

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  /** Full key (`parity:domain`, `aws:region`) → the raw string the program receives. */
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** Keys whose value is (or holds) an offline placeholder: an undecrypted `secure:` value or an unset declared secret. */
  readonly placeholders: readonly string[];
  /** The program entry point named by `main:` in Pulumi.yaml, relative to the project root. */
  readonly main: string;
  readonly stackFile: string;
  /** For people: how the stack file's `secure:` values were handled (empty when it has none). */
  readonly notes: readonly string[];
}

export interface StackConfigOptions {
  readonly root: string;
  readonly stack: string;
  readonly stackFile?: string;
  readonly configOverrides?: Readonly<Record<string, string>>;
  /** Where PULUMI_CONFIG_PASSPHRASE(_FILE) are looked up; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A problem with the project or stack file itself: which file, what is wrong, how to fix it. */
export class StackConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Stack "${cutText(stack, SHOWN_CHARACTERS)}" cannot be loaded:\n${problems.map((p) => `  - ${shownLines(p)}`).join("\n")}`,
    );
    this.name = "StackConfigError";
  }
}

/**
 * A problem as a terminal may show it: each line bounded and its control characters escaped. A key or
 * value from the file (or the parser's excerpt of it) may be megabytes long or hold ANSI escapes.
 */
function shownLines(problem: string): string {
  return problem
    .split("\n")
    .map((line) => cutText(line, 4 * SHOWN_CHARACTERS))
    .join("\n");
}

type Declared = { type?: string; default?: unknown; secret?: boolean; items?: unknown };
const CONFIG_TYPES = new Set(["string", "integer", "boolean", "array", "object"]);

/** The project and stack files, read and parsed, before any value is resolved. */
interface StackFiles {
  readonly projectFile: string;
  readonly stackFile: string;
  readonly projectName: string;
  readonly project: Record<string, unknown>;
  readonly stackDoc: Record<string, unknown>;
  readonly stackConfig: Record<string, unknown>;
}

/** Synchronous, and never decrypts: every `secure:` value is a placeholder. */
export function loadStackConfig(opts: StackConfigOptions): StackConfig {
  const files = readStackFiles(opts);
  return assemble(files, opts, placeholderResolution(secureInput(files, opts)));
}

/**
 * As loadStackConfig, but a passphrase stack's `secure:` values are decrypted when a passphrase is set
 * (about a second per stack for the key derivation, off the event loop). A wrong passphrase or a
 * corrupt value is a StackConfigError.
 */
export async function loadStackConfigWithSecrets(opts: StackConfigOptions): Promise<StackConfig> {
  const files = readStackFiles(opts);
  return assemble(files, opts, await resolveSecureValues(secureInput(files, opts), opts.env ?? process.env));
}

function readStackFiles(opts: StackConfigOptions): StackFiles {
  const projectFile = path.join(opts.root, "Pulumi.yaml");
  const stackFile = path.resolve(opts.root, opts.stackFile ?? `Pulumi.${opts.stack}.yaml`);
  const project = readYamlObject(projectFile, opts.stack, `create ${projectFile} with \`name:\` and \`runtime:\``);
  const projectName = typeof project["name"] === "string" ? project["name"] : "";
  if (!projectName)
    throw new StackConfigError(opts.stack, [`${projectFile} has no \`name:\`; add \`name: <project>\`.`]);
  const stackDoc = readYamlObject(
    stackFile,
    opts.stack,
    `create it with the same keys as the other stacks' files (\`pulumi stack init ${opts.stack}\` then \`pulumi config set\`)`,
  );
  const stackConfig = stackDoc["config"] ?? {};
  if (!isPlainObject(stackConfig)) {
    throw new StackConfigError(opts.stack, [`${stackFile}: \`config:\` must be a map of key → value.`]);
  }
  return { projectFile, stackFile, projectName, project, stackDoc, stackConfig };
}

function fullKeyIn(projectName: string): (key: string) => string {
  return (key) => (key.includes(":") ? key : `${projectName}:${key}`);
}

/** Every `secure:` value in the stack file, nested ones included, in file order. */
function secureInput(files: StackFiles, opts: StackConfigOptions): SecureValueInput {
  const fullKey = fullKeyIn(files.projectName);
  const values: SecureValue[] = [];
  for (const [key, value] of Object.entries(files.stackConfig)) {
    walkSecure(value, fullKey(key), (at, secure) => values.push({ key: at, secure }));
  }
  return {
    stack: opts.stack,
    stackFile: files.stackFile,
    encryptionsalt: files.stackDoc["encryptionsalt"],
    secretsprovider: files.stackDoc["secretsprovider"],
    values,
  };
}

/** A `{ secure: "v1:…" }` map is one secret value wherever it sits (`pulumi config set --path --secret`). */
function isSecure(value: unknown): value is { secure: string } {
  return isPlainObject(value) && typeof value["secure"] === "string" && Object.keys(value).length === 1;
}

function walkSecure(value: unknown, at: string, found: (at: string, secure: string) => void): void {
  if (isSecure(value)) return found(at, value.secure);
  if (Array.isArray(value)) value.forEach((v, i) => walkSecure(v, `${at}[${i}]`, found));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walkSecure(v, `${at}.${k}`, found);
}

function holdsSecure(value: unknown): boolean {
  let found = false;
  walkSecure(value, "", () => (found = true));
  return found;
}

/** The value with each `secure:` leaf replaced by its plaintext, or a placeholder when there is none. */
function revealSecure(value: unknown, secrets: SecureValueResolution, placeholder: () => void): unknown {
  if (isSecure(value)) {
    const plaintext = secrets.plaintexts.get(value.secure);
    if (plaintext !== undefined) return plaintext;
    placeholder();
    return OFFLINE_SECRET_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((v) => revealSecure(v, secrets, placeholder));
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecure(v, secrets, placeholder)]));
  return value;
}

function assemble(files: StackFiles, opts: StackConfigOptions, secrets: SecureValueResolution): StackConfig {
  const { projectFile, stackFile, project, projectName } = files;
  const problems: string[] = [...secrets.problems];
  const fullKey = fullKeyIn(projectName);
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const placeholders = new Set<string>();
  const undecrypted = new Set<string>();
  const declarations = new Map<string, Declared>();

  const declaredConfig = project["config"] ?? {};
  if (!isPlainObject(declaredConfig)) {
    throw new StackConfigError(opts.stack, [`${projectFile}: \`config:\` must be a map of key → declaration.`]);
  }
  for (const [key, decl] of Object.entries(declaredConfig)) {
    // A bare value in the project file is a project-wide value, not a declaration.
    const declaration: Declared =
      isPlainObject(decl) && ("type" in decl || "default" in decl || "secret" in decl || "value" in decl)
        ? (decl as Declared)
        : { default: decl };
    if (declaration.type !== undefined && !CONFIG_TYPES.has(declaration.type)) {
      problems.push(
        `${projectFile}: \`${key}\` declares type \`${declaration.type}\`; use string, integer, boolean, array or object.`,
      );
    }
    declarations.set(fullKey(key), declaration);
    if (declaration.default !== undefined) values[fullKey(key)] = toConfigString(declaration.default);
    if (declaration.secret === true) secretKeys.add(fullKey(key));
  }

  const file = path.basename(stackFile);
  const emptyLines = new Set<string>();
  for (const [key, value] of Object.entries(files.stackConfig)) {
    const k = fullKey(key);
    if (value === null || value === undefined) {
      problems.push(emptyValueProblem(file, k, declarations.get(k)));
      emptyLines.add(k);
      continue;
    }
    // As the CLI refuses it: a declared secret in clear text is in git's history for good.
    if (declarations.get(k)?.secret === true && !holdsSecure(value)) {
      problems.push(clearTextSecretProblem(file, opts.stack, k));
      continue;
    }
    // Like the CLI: a value holding any secret is a secret as a whole.
    if (holdsSecure(value)) secretKeys.add(k);
    values[k] = toConfigString(revealSecure(value, secrets, () => (placeholders.add(k), undecrypted.add(k))));
  }
  for (const [key, value] of Object.entries(opts.configOverrides ?? {})) values[fullKey(key)] = value;

  for (const [key, declaration] of declarations) {
    const value = values[key];
    if (emptyLines.has(key)) continue;
    if (value === undefined) {
      if (declaration.secret === true) {
        values[key] = OFFLINE_SECRET_PLACEHOLDER;
        placeholders.add(key);
        continue;
      }
      problems.push(
        `${file}: \`${key}\` is declared in Pulumi.yaml without a default but not set; add \`${key}: <value>\` under \`config:\`.`,
      );
      continue;
    }
    const typeProblem = checkType(value, declaration.type);
    if (typeProblem)
      problems.push(`${file}: \`${key}\` is ${showValue(value)}, ${typeProblem} (declared in Pulumi.yaml).`);
  }

  if (problems.length > 0) throw new StackConfigError(opts.stack, problems);
  const main = typeof project["main"] === "string" ? project["main"] : "index.ts";
  return {
    project: projectName,
    stack: opts.stack,
    values,
    secretKeys: [...secretKeys].sort(),
    placeholders: [...placeholders].sort(),
    main,
    stackFile,
    notes: [...secrets.notes, ...uncheckedNote(opts.stack, [...undecrypted].sort())],
  };
}

/**
 * What the offline preview could not check, and where it is checked: the validation of an encrypted
 * value's content (a live payments key in staging) runs where the stack's secrets provider decrypts
 * it, in the pull-request workflow's `pulumi preview` of the stack. A pass here is not that check.
 */
function uncheckedNote(stack: string, keys: readonly string[]): string[] {
  if (keys.length === 0) return [];
  const names = keys.map((k) => `\`${k}\``).join(", ");
  return [
    `not checked offline: the content of ${names} (encrypted); the pull-request workflow's \`pulumi preview --stack ${stack}\` decrypts and validates it (see RELEASING.md).`,
  ];
}

/** One fix per line: set the value, or drop the line when a default applies; never both at once. */
function emptyValueProblem(file: string, key: string, declaration: Declared | undefined): string {
  if (declaration?.default !== undefined) {
    return `${file}: \`${key}\` has no value; remove the line to use the project default (${showValue(declaration.default)} in Pulumi.yaml).`;
  }
  if (declaration?.secret === true) {
    return `${file}: \`${key}\` has no value; remove the line, then set it with \`pulumi config set --secret ${key} <value>\`.`;
  }
  return `${file}: \`${key}\` has no value; set one: \`${key}: <value>\`.`;
}

/** Names the key and the command, never the value: it is a secret that leaked once already. */
function clearTextSecretProblem(file: string, stack: string, key: string): string {
  return `${file}: \`${key}\` is declared secret in Pulumi.yaml but set in clear text (value not shown). Fix: remove the line, run \`pulumi config set --secret --stack ${stack} ${key} <value>\`, and rotate the value: it is in the file's history.`;
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

/** Far above any honest project or stack file (a few KB), far below what floods memory and terminals. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

function readYamlObject(file: string, stack: string, fix: string): Record<string, unknown> {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES) {
      throw new StackConfigError(stack, [
        `${file} is ${size} bytes, more than the ${MAX_FILE_BYTES} a project or stack file may hold; it holds values, not data. Fix: keep large content in the program or a file it reads, and its key in the stack file.`,
      ]);
    }
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof StackConfigError) throw e;
    throw new StackConfigError(stack, [`${file} does not exist; ${fix}.`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    // The parser's message carries the line and a caret under the fault: the excerpt a person needs.
    throw new StackConfigError(stack, [`${file} is not valid YAML: ${(e as Error).message.trimEnd()}`]);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new StackConfigError(stack, [`${file} must be a YAML map at the top level.`]);
  return doc;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
