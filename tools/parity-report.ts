/**
 * `npm run parity`: staging and production side by side, classified by the parity contract.
 * `npm run notes`: the same comparison, written as docs/staging-notes.md. See tools/parity/cli.ts.
 */
import { main } from "./parity/cli";

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  },
);
