/**
 * Container health check: GET http://127.0.0.1:$HEALTHCHECK_PORT/healthz (default port 8002,
 * the metrics port) and exit 0 on 200, 1 on anything else or after 3 s. No dependencies, so
 * the runtime image needs no curl.
 */
import http from 'node:http';

const TIMEOUT_MS = 3000;

function fail(reason: string): never {
  process.stderr.write(`unhealthy: ${reason}\n`);
  process.exit(1);
}

const port = process.env.HEALTHCHECK_PORT ?? '8002';
if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail(`HEALTHCHECK_PORT ${JSON.stringify(port)} is not a port`);

const url = `http://127.0.0.1:${port}/healthz`;
const req = http.get(url, { timeout: TIMEOUT_MS }, (res) => {
  res.resume();
  if (res.statusCode === 200) process.exit(0);
  fail(`${url} answered ${res.statusCode}`);
});
req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
req.on('error', (err) => fail(`${url}: ${err.message}`));
