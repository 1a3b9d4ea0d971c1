import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { EmptyStackExportError, StackExportError } from "./export-error";
import { isRecord, parseExportText, untypedDeployment } from "./export-format";
import { ExportSecrets, SecretsEnvironment } from "./export-secrets";
import {
  SECRET_SIG,
  SECRET_VALUE,
  type CollectedOptions,
  type CollectedResource,
  type StackSnapshot,
} from "./snapshot";

/**
 * The one reader of `pulumi stack export` files, for `npm run policy` and `npm run parity`: the
 * file's text (tools/simulator/export-format.ts: byte-order mark, versions 1-4), its secrets
 * (export-secrets.ts), the integrity rules the CLI applies before it uses a state, and the check that
 * the export is of this project.
 */

export interface ReadOptions {
  /** Names the stack in messages ("staging"); default "the". */
  readonly role?: string;
  /** Where PULUMI_CONFIG_PASSPHRASE(_FILE) is looked up; default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface FileReadOptions extends ReadOptions {
  /** The project the export must be of (its URNs' second part). */
  readonly project?: string;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** `name:` of the repository's Pulumi.yaml: the project every export given to these tools must be of. */
export function repositoryProject(root: string = REPO_ROOT): string {
  const doc: unknown = parseYaml(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
  const name = isRecord(doc) ? doc["name"] : undefined;
  if (typeof name !== "string" || !name) throw new Error(`${path.join(root, "Pulumi.yaml")} has no \`name:\``);
  return name;
}

/** Reads, parses and checks one export file; every fault is a StackExportError (callers add the file). */
export function readStackExportFile(file: string, opts: FileReadOptions = {}): StackSnapshot {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StackExportError(
      `cannot be read (${code === "ENOENT" ? "it does not exist" : (code ?? (e as Error).message)})`,
      "check the path, or write the file with `pulumi stack export --stack NAME --file FILE`",
    );
  }
  const snapshot = fromStackExport(parseExportText(text), opts);
  if (opts.project !== undefined) assertProject(snapshot, opts.project);
  return snapshot;
}

/**
 * The export must be of this repository's project: the pack and the report judge its stacks against
 * its own lock and contract, and another project's resources would only show as hundreds of
 * divergences. (`npm run parity` also refuses two exports of different projects.)
 */
export function assertProject(snapshot: StackSnapshot, project: string): void {
  if (snapshot.project === project) return;
  throw new StackExportError(
    `is of project \`${snapshot.project}\`, not \`${project}\` (its URNs read \`urn:pulumi:${snapshot.stack}::${snapshot.project}::…\`); this repository's pack and report judge only \`${project}\`'s stacks`,
    `export a stack of this project: \`pulumi stack export --stack <stack> --file FILE\` run in this repository`,
  );
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` → stack and project, or undefined. */
export function parseUrn(urn: string): { stack: string; project: string } | undefined {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return undefined;
  const stack = parts[0].slice("urn:pulumi:".length);
  return stack && parts[1] ? { stack, project: parts[1] } : undefined;
}

/**
 * An export's resources as a snapshot: `inputs` and `checkedInputs` are both the stored inputs (an
 * export has no record of the program's raw inputs), `outputs` the stored outputs. Pending deletions
 * (`delete: true`, left by an interrupted update) are not part of the stack's desired state and are
 * left out. `role` names the stack in messages ("staging").
 */
export function fromStackExport(parsed: unknown, opts: ReadOptions | string = {}): StackSnapshot {
  const options = typeof opts === "string" ? { role: opts } : opts;
  const role = options.role ?? "the";
  const { deployment } = untypedDeployment(parsed);
  if (!isRecord(deployment["manifest"])) throw new StackExportError("has no `deployment.manifest`");
  const resources = deployment["resources"] ?? [];
  if (!Array.isArray(resources)) throw new StackExportError("has a `deployment.resources` that is not a list");
  if (resources.length === 0)
    throw new EmptyStackExportError(
      `deploy the ${role} stack first, or compare the programs offline with \`npm run parity\``,
    );
  const environment: SecretsEnvironment = { env: options.env ?? process.env, cwd: options.cwd ?? process.cwd() };
  const secrets = new ExportSecrets(deployment["secrets_providers"], environment);
  const integrity = new Integrity();
  let identity: { stack: string; project: string } | undefined;
  const out: CollectedResource[] = [];
  resources.forEach((resource: unknown, i: number) => {
    const where = `resources[${i}]`;
    if (!isRecord(resource)) throw new StackExportError(`has an entry ${where} that is not an object`);
    const { urn, type } = resource;
    if (typeof urn !== "string") throw new StackExportError(`has an entry ${where} without a string \`urn\``);
    const parsedUrn = parseUrn(urn);
    if (!parsedUrn)
      throw new StackExportError(
        `has an entry ${where} whose urn \`${urn}\` is not \`urn:pulumi:<stack>::<project>::<type>::<name>\``,
      );
    if (identity === undefined) identity = parsedUrn;
    else if (identity.stack !== parsedUrn.stack || identity.project !== parsedUrn.project) {
      throw new StackExportError(
        `mixes stacks: ${where} belongs to \`${parsedUrn.project}/${parsedUrn.stack}\`, earlier entries to \`${identity.project}/${identity.stack}\``,
        "export a single stack per file",
      );
    }
    if (typeof type !== "string")
      throw new StackExportError(`has an entry ${where} (${urn}) without a string \`type\``);
    const inputs = resource["inputs"] ?? {};
    if (!isRecord(inputs))
      throw new StackExportError(`has an entry ${where} (${urn}) whose \`inputs\` is not an object`);
    integrity.check(resource, urn, i, resources);
    if (resource["delete"] === true) return;
    const open = (v: unknown, at: string) =>
      decodeSecrets(v, (s, path) => secrets.open(s, `${where} (${urn}) ${path}`), at);
    const decodedInputs = open(inputs, "inputs") as Record<string, unknown>;
    const outputs = isRecord(resource["outputs"])
      ? (open(resource["outputs"], "outputs") as Record<string, unknown>)
      : {};
    out.push(collected(resource, urn, type, decodedInputs, outputs));
  });
  const { stack, project } = identity as { stack: string; project: string };
  const root = out.find((r) => r.type === "pulumi:pulumi:Stack" && r.parent === undefined);
  const notes = secrets.notes();
  return {
    project,
    stack,
    config: {},
    resources: out,
    outputs: root?.outputs ?? {},
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * The rules of pkg/resource/deploy/snapshot.go `VerifyIntegrity` that keep a reader from looping or
 * conflating resources: a parent comes before its children (so no chain of parents can loop), and
 * a URN is held by at most one resource not marked for deletion. The CLI refuses a state that breaks
 * them ("snapshot integrity failure; refusing to use it", pkg/backend/diy/backend.go getSnapshot).
 */
class Integrity {
  private readonly seen = new Map<string, number>();

  check(resource: Record<string, unknown>, urn: string, i: number, all: readonly unknown[]): void {
    const parent = resource["parent"];
    if (typeof parent === "string" && parent && !this.seen.has(parent)) {
      const later = all.findIndex((r, j) => j > i && isRecord(r) && r["urn"] === parent);
      throw new StackExportError(
        later >= 0
          ? `has resources[${i}] (${urn}) whose parent ${parent} comes after it, at resources[${later}]; the Pulumi CLI refuses such a state ("child resource's parent comes after it", pkg/resource/deploy/snapshot.go VerifyIntegrity): a parent must come before its children, and parents that form a cycle break that rule`
          : `has resources[${i}] (${urn}) whose parent ${parent} is not in the export; the Pulumi CLI refuses such a state ("child resource refers to missing parent", pkg/resource/deploy/snapshot.go VerifyIntegrity)`,
        "export the stack again with `pulumi stack export --file FILE`; a hand-edited file needs each parent listed before its children, and no resource its own ancestor",
      );
    }
    const earlier = this.seen.get(urn);
    if (earlier !== undefined && resource["delete"] !== true) {
      throw new StackExportError(
        `has two resources with the URN ${urn} (resources[${earlier}] and resources[${i}]), neither marked for deletion; the Pulumi CLI refuses such a state ("duplicate resource (not marked for deletion)", pkg/resource/deploy/snapshot.go VerifyIntegrity)`,
        "export the stack again with `pulumi stack export --file FILE`; if the stack itself holds both, remove the stale one with `pulumi state delete <urn>`",
      );
    }
    this.seen.set(urn, i);
  }
}

/** Secrets anywhere in a value: the snapshot's `{sig, value}` form, opened by `open` where encrypted. */
function decodeSecrets(
  v: unknown,
  open: (secret: Record<string, unknown>, at: string) => unknown,
  at: string,
): unknown {
  if (Array.isArray(v)) return v.map((x, i) => decodeSecrets(x, open, `${at}[${i}]`));
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (o[SECRET_SIG] === SECRET_VALUE) {
    if ("value" in o) return { [SECRET_SIG]: SECRET_VALUE, value: decodeSecrets(o["value"], open, at) };
    return { [SECRET_SIG]: SECRET_VALUE, value: decodeSecrets(open(o, at), open, at) };
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeSecrets(x, open, `${at}.${k}`)]));
}

function collected(
  resource: Record<string, unknown>,
  urn: string,
  type: string,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown>,
): CollectedResource {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const timeouts = isRecord(resource["customTimeouts"]) ? resource["customTimeouts"] : undefined;
  const customTimeouts = timeouts
    ? Object.fromEntries(
        Object.entries({
          create: durationText(timeouts["create"]),
          update: durationText(timeouts["update"]),
          delete: durationText(timeouts["delete"]),
        }).filter(([, v]) => v !== undefined),
      )
    : undefined;
  const options: CollectedOptions = {
    protect: resource["protect"] === true,
    retainOnDelete: resource["retainOnDelete"] === true,
    deleteBeforeReplace: false,
    ignoreChanges: strings(resource["ignoreChanges"]),
    replaceOnChanges: strings(resource["replaceOnChanges"]),
    additionalSecretOutputs: strings(resource["additionalSecretOutputs"]),
    aliases: strings(resource["aliases"]),
    ...(customTimeouts && Object.keys(customTimeouts).length > 0 ? { customTimeouts } : {}),
  };
  const propertyDependencies = isRecord(resource["propertyDependencies"])
    ? Object.fromEntries(Object.entries(resource["propertyDependencies"]).map(([k, v]) => [k, strings(v)]))
    : {};
  return {
    urn,
    type,
    name: urn.slice(urn.lastIndexOf("::") + 2),
    custom: resource["custom"] === true,
    ...(typeof resource["id"] === "string" && resource["id"] ? { id: resource["id"] } : {}),
    ...(typeof resource["parent"] === "string" && resource["parent"] ? { parent: resource["parent"] } : {}),
    ...(typeof resource["provider"] === "string" && resource["provider"] ? { provider: resource["provider"] } : {}),
    inputs,
    checkedInputs: inputs,
    outputs,
    options,
    dependencies: strings(resource["dependencies"]),
    propertyDependencies,
  };
}

/** customTimeouts in state are Go durations: nanoseconds. */
function durationText(ns: unknown): string | undefined {
  return typeof ns === "number" && ns > 0 ? `${ns / 1e9}s` : undefined;
}
