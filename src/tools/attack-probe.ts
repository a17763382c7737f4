/**
 * The measuring client of `npm run soak -- --attack`, in a worker thread of its own so that
 * nothing else in the soak delays it: GET /prices every `periodMs` (the next one `periodMs`
 * after the last one started, or at once if the last took longer) on one keep-alive
 * connection of its own, recording each answer's latency, the tick timestamps seen and how
 * stale the served prices were.
 * It connects before the attack starts; only answers after "begin" are recorded.
 *   workerData {url, periodMs, timeoutMs};  parent → "begin", later "stop";
 *   worker → ProbeResult, then exits.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export interface ProbeOptions {
  url: string;
  periodMs: number;
  /** A request without an answer after this long is given up and counted as failed. */
  timeoutMs: number;
}

export interface ProbeResult {
  /** Latency in ms of every request answered 200, in order. */
  latencies: number[];
  /** Requests not answered 200 (timeouts, errors, other statuses), by reason. */
  failures: Record<string, number>;
  /** New connections the probe had to open (1 when its connection held all along). */
  connections: number;
  /** Distinct tick timestamps seen in the answers. */
  ticksSeen: number;
  /** Longest time between two consecutive tick timestamps seen, ms. */
  maxTickGapMs: number;
  /** Largest age of the served prices (answer time − tick timestamp), ms. */
  maxStaleMs: number;
}

function get(agent: http.Agent, o: ProbeOptions, onConnection: () => void): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(o.url, { agent, timeout: o.timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ error: 'body' }));
    });
    req.on('socket', () => {
      if (!req.reusedSocket) onConnection();
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ error: 'timeout' });
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? 'error' }));
  });
}

export async function probe(o: ProbeOptions, recording: () => boolean, stopped: () => boolean): Promise<ProbeResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const r: ProbeResult = { latencies: [], failures: {}, connections: 0, ticksSeen: 0, maxTickGapMs: 0, maxStaleMs: 0 };
  const onConnection = () => (r.connections += 1);
  let lastTick: number | undefined;
  while (!stopped()) {
    const t0 = performance.now();
    const answer = await get(agent, o, onConnection);
    const ms = performance.now() - t0;
    if (!recording()) {
      // warming the connection up: nothing recorded yet
    } else if ('error' in answer || answer.status !== 200) {
      const why = 'error' in answer ? answer.error : `status_${answer.status}`;
      r.failures[why] = (r.failures[why] ?? 0) + 1;
    } else {
      r.latencies.push(ms);
      let tick = NaN;
      try {
        tick = Date.parse((JSON.parse(answer.body) as { timestamp?: string }).timestamp ?? '');
      } catch {
        r.failures['bad_body'] = (r.failures['bad_body'] ?? 0) + 1;
      }
      if (Number.isFinite(tick) && tick > 0) {
        r.maxStaleMs = Math.max(r.maxStaleMs, Date.now() - tick);
        if (tick !== lastTick) {
          if (lastTick !== undefined) r.maxTickGapMs = Math.max(r.maxTickGapMs, tick - lastTick);
          lastTick = tick;
          r.ticksSeen += 1;
        }
      }
    }
    await new Promise((res) => setTimeout(res, Math.max(0, o.periodMs - ms)));
  }
  agent.destroy();
  return r;
}

if (parentPort) {
  const port = parentPort;
  let begun = false;
  let stop = false;
  port.on('message', (m) => {
    if (m === 'begin') begun = true;
    if (m === 'stop') stop = true;
  });
  void probe(workerData as ProbeOptions, () => begun, () => stop).then((result) => {
    port.postMessage(result);
    port.close();
  });
}
