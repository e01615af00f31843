// The `quiver` command, run from the TypeScript sources (as bin/quiver.js runs dist/): tests
// start it as a subprocess with `node --import tsx test/pipeline/quiver-cli.ts ...`, so they
// exercise the code of this checkout even when dist/ has not been rebuilt.
import { main } from '../../controller/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
