/**
 * The floor of the replay benchmark: a bare `ws` client that subscribes to the Coinbase
 * `ticker` channel for every product in one request and does JSON.parse + Map.set per frame.
 *
 *   node dist-bench/bench/replay-floor.js <url> <products,comma>
 *
 * Each line read on stdin is answered with the number of frames received so far, so the
 * benchmark reads the count from outside without a timer inside this process.
 */
import WebSocket from 'ws';

const [url = '', list = ''] = process.argv.slice(2);
const latest = new Map<string, unknown>();
let frames = 0;

const ws = new WebSocket(url, { perMessageDeflate: false });
ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', product_ids: list.split(','), channels: ['ticker'] })));
ws.on('message', (data) => {
  frames += 1;
  const m = JSON.parse(String(data)) as { product_id?: string };
  latest.set(m.product_id ?? '', m);
});
ws.on('close', () => process.exit(1));
process.stdin.on('data', () => process.stdout.write(`${frames}\n`));
