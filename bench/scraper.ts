/**
 * Scrape `url` every `everyMs` for `count` scrapes (after one warm-up scrape), timing each from
 * the request to the body's last byte. The timing client is curl (a C client writing the body to
 * /dev/null, as close as this machine gets to Prometheus's Go client); without curl, a Node
 * client reading the body as bytes. Prints {ms:[...], bytes, series, client}.
 */
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';

const [url = '', everyArg = '1000', countArg = '10'] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true });
const haveCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;

function fetchBody(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Milliseconds from request to last byte, as curl reports it. */
function curlScrape(): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = spawn('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('exit', () => {
      const [code, seconds] = out.trim().split(' ');
      if (code !== '200') reject(new Error(`curl: HTTP ${code}`));
      else resolve(Number(seconds) * 1000);
    });
  });
}

async function nodeScrape(): Promise<number> {
  const t = performance.now();
  await fetchBody();
  return performance.now() - t;
}

const ms: number[] = [];
for (let i = 0; i <= Number(countArg); i++) {
  const next = performance.now() + Number(everyArg);
  const took = haveCurl ? await curlScrape() : await nodeScrape();
  if (i > 0) ms.push(took); // the first scrape warms up the server's JIT
  await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
}
const body = await fetchBody();
agent.destroy();
const series = body.toString('utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
process.stdout.write(`${JSON.stringify({ ms, bytes: body.length, series, client: haveCurl ? 'curl' : 'node' })}\n`);
