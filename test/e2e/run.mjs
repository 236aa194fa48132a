// Entry of the end-to-end tests: bundles the harness and the in-VS Code suite, then runs the
// harness. `node test/e2e/run.mjs [--mode development|vsix] [--keep-profile]`; the extension's own
// bundles must be built first (`npm run test:e2e` and `npm test` do it).
import { pathToFileURL } from 'node:url';
import { buildE2e, e2e, repo, results } from './build.mjs';

const { harness, suite } = await buildE2e();
const { main } = await import(pathToFileURL(harness).href);
process.exitCode = await main(process.argv.slice(2), { repo, e2e, results, suite });
