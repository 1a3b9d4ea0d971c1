import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// The pack the CLI serves: index.ts is its entry (package.json `main`), policies.ts its contents.
new PolicyPack("parity", { enforcementLevel: "mandatory", policies });
