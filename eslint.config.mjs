// Flat config: typescript-eslint's recommended rules over every TypeScript file in the repo, and
// Pulumi's rules over the program itself.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // .stryker-tmp/ holds mutation sandboxes (instrumented copies of the repo) while `npm run mutate` runs.
  {
    ignores: [
      "node_modules/",
      "policy/node_modules/",
      "bin/",
      ".stryker-tmp/",
      ".parity/",
      "**/*.js",
      "!eslint.config.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      eqeqeq: ["error", "always"],
      "no-console": "off",
      // A component's constructor reads as named steps (functions below it, as SST's components do);
      // they create their resources under `parent`, the component, since a function has no `this`.
      "@typescript-eslint/no-this-alias": ["error", { allowedNames: ["parent"] }],
    },
  },
  {
    // An Output in a plain template literal becomes "Calling [toString] on an [Output<T>] is not
    // supported" in a resource name, URL or policy document, silently. The rules need type
    // information, so they run on the program's files only (typed linting of the whole repo
    // would cost a full type-check).
    files: ["index.ts", "components/**/*.ts", "config/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
);
