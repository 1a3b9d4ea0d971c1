// Stryker's mocha runner (9.x, the last line that runs on Node 20) loads mocha's CLI helpers by
// extensionless path (`mocha/lib/cli/run-helpers`); mocha 12 ships them as `.cjs`. Letting `require`
// try `.cjs` too makes those paths resolve. Loaded by the Stryker configs only, never by `npm test`.
import Module from "node:module";

Module._extensions[".cjs"] ??= Module._extensions[".js"];
