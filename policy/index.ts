import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./policies";
import { installWireMemory } from "./wire-memory";

installWireMemory();
// The pack the CLI serves: index.ts is its entry (package.json `main`), policies.ts its contents.
new PolicyPack(PACK_NAME, packArgs);
