import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import type { Kind } from "./shapes";

/**
 * Reads each type's `<Resource>State` interface from the installed Pulumi provider SDKs: the output
 * properties a deployed resource of that type has. `aws:sqs/queue:Queue` → `@pulumi/aws/sqs/queue.d.ts`,
 * `random:index/randomId:RandomId` → `@pulumi/random/randomId.d.ts`.
 */

export const SHAPES_FILE = path.join(__dirname, "state-shapes.json");

export function declarationFile(type: string, root: string): string {
  const [pkg, module] = type.split(":");
  const [dir, file] = module.split("/");
  return path.join(root, "node_modules", "@pulumi", pkg, dir === "index" ? "" : dir, `${file}.d.ts`);
}

export function readStateShape(type: string, root: string): Record<string, Kind> {
  const file = declarationFile(type, root);
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const interfaceName = `${type.split(":")[2]}State`;
  const decl = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === interfaceName,
  );
  if (!decl) throw new Error(`${file} has no interface ${interfaceName}`);
  const shape: Record<string, Kind> = {};
  for (const member of decl.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    shape[member.name.getText(source)] = kindOf(unwrapInput(member.type));
  }
  return shape;
}

/** `pulumi.Input<T | undefined>` → `T`. */
function unwrapInput(node: ts.TypeNode): ts.TypeNode {
  if (ts.isTypeReferenceNode(node) && node.typeName.getText() === "pulumi.Input" && node.typeArguments?.[0]) {
    return unwrapInput(node.typeArguments[0]);
  }
  if (ts.isUnionTypeNode(node)) {
    const rest = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
    return rest.length === 1
      ? unwrapInput(rest[0])
      : (rest.map(unwrapInput).find((t) => kindOf(t) !== "string") ?? rest[0]);
  }
  if (ts.isParenthesizedTypeNode(node)) return unwrapInput(node.type);
  return node;
}

function kindOf(node: ts.TypeNode): Kind {
  if (node.kind === ts.SyntaxKind.NumberKeyword) return "number";
  if (node.kind === ts.SyntaxKind.BooleanKeyword) return "boolean";
  if (ts.isArrayTypeNode(node)) return "list";
  if (ts.isTypeLiteralNode(node)) return "map";
  // `inputs.rds.InstanceBlueGreenUpdate`: a nested block; enums and `PolicyDocument` are strings on the wire.
  if (ts.isTypeReferenceNode(node) && node.typeName.getText().startsWith("inputs.")) return "object";
  return "string";
}

export function readStateShapes(types: readonly string[], root: string): Record<string, Record<string, Kind>> {
  return Object.fromEntries([...types].sort().map((t) => [t, readStateShape(t, root)]));
}
