/**
 * Only the replay rows: `npm run bench:replay` (or, after `npx tsc -p tsconfig.bench.json`,
 * `node dist-bench/bench/replay-run.js [rounds] [windowMs]`). Prints the rows and every run;
 * writes nothing.
 */
import { replayRows, runReplay } from './replay-bench.js';

const [rounds = '3', windowMs = '3000'] = process.argv.slice(2);
const r = await runReplay(Number(rounds), Number(windowMs));
console.log(r.notes.join('\n'));
console.log(['| benchmark | result | detail | target | |', '|---|---|---|---|---|', ...replayRows(r).map((row) => `| ${row.join(' | ')} |`)].join('\n'));
