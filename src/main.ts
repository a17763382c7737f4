#!/usr/bin/env node
/** Entry point of the `oracle-sidecar` binary; see app.ts. */
import { main } from './app.js';
import { redactUrls } from './log.js';

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`oracle-sidecar: ${redactUrls(err instanceof Error ? err.message : String(err))}\n`);
    process.exit(1);
  },
);
