/**
 * Helpers for the WebSocket simulator integration tests (binance, coinbase, okx, bitfinex,
 * bitstamp, bybit, crypto.com, gate): a recording WebSocket client, and one simulated exchange served alone with a given
 * definition (for exchange options the registry does not turn on).
 */
import { WebSocket } from 'ws';
import { NO_FAULT, type Fault } from '../../src/sim/faults.js';
import { PriceBook } from '../../src/sim/price-book.js';
import type { LimitKind, RunningExchange, WsSimExchange } from '../../src/sim/types.js';
import { startWsExchange } from '../../src/sim/ws-server.js';
import { NodeEndpoints } from '../../src/sim/endpoints.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const has = (part: string) => (frame: string): boolean => frame.includes(part);

/** A ws client that keeps every text frame and waits for one matching a predicate. */
export class Client {
  readonly frames: string[] = [];
  readonly closed: Promise<number>;
  private wake: () => void = () => undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(String(data));
      this.wake();
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  static async open(url: string, registry: Client[]): Promise<Client> {
    const ws = new WebSocket(url);
    const client = new Client(ws);
    registry.push(client);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** JSON frames from index `from` on (non-JSON frames skipped). */
  json(from = 0): unknown[] {
    return this.frames.slice(from).flatMap((f) => {
      try {
        return [JSON.parse(f) as unknown];
      } catch {
        return [];
      }
    });
  }

  /** JSON object frames from index `from` on. */
  objects(from = 0): Array<Record<string, unknown>> {
    return this.json(from).filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && !Array.isArray(m));
  }

  async waitFor(pred: (frame: string) => boolean, from = 0, timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.slice(from).find(pred);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`no matching frame in ${timeoutMs} ms; got ${this.frames.slice(-3).join(' | ')}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

/**
 * Upgrade once: 101 when the connection opened (kept as a Client in `keep`, else closed), the
 * HTTP status it was refused with, or 0 when the socket failed.
 */
export function upgrade(url: string, keep?: Client[]): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('error', () => resolve(0));
    ws.once('open', () => {
      if (keep) keep.push(new Client(ws));
      else ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
  });
}

/** The limit violations `running` has counted, only the kinds that are not 0. */
export function violated(running: RunningExchange): Partial<Record<LimitKind, number>> {
  return Object.fromEntries(Object.entries(running.violations()).filter(([, n]) => n > 0));
}

/** One exchange definition on its own loopback port, quoting a frozen default book. */
export async function startAlone(def: WsSimExchange, pushIntervalMs = 50, limits = true): Promise<{ url: string; running: RunningExchange; setFault(f: Fault): void }> {
  const book = new PriceBook({ seed: 3 });
  let fault: Fault = NO_FAULT;
  let n = 0;
  const nodes = new NodeEndpoints();
  const view = {
    name: def.name,
    resolve: (symbol: string) => def.resolve(symbol, (asset) => book.has(asset)),
    symbols: () => def.symbols(book.assets()),
    price: (p: { base: string; quote: string }) => book.price(def.name, p.base, p.quote),
    priceField: (p: { base: string; quote: string }) => {
      const price = book.price(def.name, p.base, p.quote);
      return price === undefined ? undefined : def.render(price);
    },
    render: (value: number) => def.render(value),
    fault: () => fault,
    now: () => Date.now(),
    height: (index: number) => nodes.height(index),
    endpoint: (index: number) => nodes.get(index),
  };
  const env = { view, record: () => undefined, pushIntervalMs, limits, nextConnId: () => `alone${++n}` };
  const running = await startWsExchange(def, env, '127.0.0.1', 0);
  return { url: `ws://127.0.0.1:${running.port}${def.endpointPath}`, running, setFault: (f) => (fault = f) };
}
