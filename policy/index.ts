import { PolicyPack } from "@pulumi/policy";
import { installWireMemory } from "./wire-memory";
import { policies } from "./policies";

installWireMemory();
// The pack the CLI serves: index.ts is its entry (package.json `main`), policies.ts its contents.
new PolicyPack("parity", { enforcementLevel: "mandatory", policies });
