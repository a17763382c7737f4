/**
 * Node's flags for the daemon, as `npm start` passes them (package.json; the image's entrypoint
 * and bin/connect carry the same, test/unit/run-commands.test.ts): the soak and attack tools,
 * the benchmarks and the end-to-end tests run the daemon the way production does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function daemonNodeFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/src/main.js'));
}
