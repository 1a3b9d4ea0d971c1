/* global process */
// Stryker's mocha runner (9.x, the last line that runs on Node 20) loads mocha's CLI helpers by
// extensionless path (`mocha/lib/cli/run-helpers`); mocha 12 ships them as `.cjs`. Letting `require`
// try `.cjs` too makes those paths resolve. Loaded by the Stryker configs only, never by `npm test`.
// A `--require` (not `--import`) script: with `--import`, node would load every child process's
// entry point (the program host, the pack, the CLIs) as ESM, which cannot run `.ts` files.
const Module = process.getBuiltinModule("node:module");
Module._extensions[".cjs"] ??= Module._extensions[".js"];
