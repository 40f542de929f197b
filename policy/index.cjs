// Entry point the Pulumi CLI loads (package.json `main`). Its policy-pack runner (@pulumi/pulumi
// cmd/run-policy-pack) require()s the pack directory, after registering its own CommonJS-only ts-node for `.ts`.
// The pack is TypeScript in ESM syntax that imports the program's constants (../infra/limits.ts), so this file
// loads it through tsx's namespaced require, which compiles it on the fly without touching the global `.ts` hook.
// (tsx/esm/api's tsImport would be the ESM route, but its CommonJS build fails to find its own loader in tsx 4.23.)
// policy/test/pack-loads.test.ts starts the pack exactly this way.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./index.ts', __filename);
