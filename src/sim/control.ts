/**
 * The simulator's control API (JSON over HTTP):
 *   GET  /health                       {status:"ok", exchanges:[..]}
 *   GET  /book                         {frozen, assets:{BTC:usd,..}, exchanges:{name:{fault, frozen, quotes:{symbol:price}}}}
 *   GET  /quote?exchange=&symbol=      {exchange, symbol, price}
 *   GET  /received?exchange=           {exchange, received:[{at,text}]}
 *   GET  /limits[?exchange=]           {violations: total, exchanges:{name:{source, limits, violations:{kind:n}}}}
 *   POST /fault  {exchange, fault}     {exchange, fault}
 *   POST /freeze {frozen: bool}        {frozen}
 *   POST /price  {asset, usd}          {asset, usd}
 *   GET  /endpoint?exchange=&index=    a DeFi node endpoint: its knobs, height and refused count
 *   POST /endpoint {exchange, index, lag?, frozen?, delayMs?, apiKeyHeader?, apiKey?, rpcError?,
 *                   noHeight?, corrupt?, priceOffsetBps?}  sets those knobs (sim/endpoints.ts); answers as GET
 * Bad input → 400 {"error": "...", "field": "<name>"}; unknown route → 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_ENDPOINTS, parseKnobs } from './endpoints.js';
import { parseFault } from './faults.js';
import type { Simulator } from './index.js';

type Reply = { status: number; body: unknown };

/** The part of the simulator the control API drives. */
export type ControlTarget = Omit<Simulator, 'controlUrl' | 'close'>;

const MAX_BODY = 64 * 1024;

class BadInput extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function bad(field: string, message: string): never {
  throw new BadInput(field, message);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new BadInput('body', `body larger than ${MAX_BODY} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    bad('body', 'body must be a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('body', 'body must be a JSON object');
  return value as Record<string, unknown>;
}

function exchangeParam(sim: ControlTarget, value: unknown): string {
  if (typeof value !== 'string' || !sim.exchanges().includes(value)) {
    bad('exchange', `exchange must be one of ${sim.exchanges().join(', ')}`);
  }
  return value;
}

function indexParam(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= MAX_ENDPOINTS) {
    bad('index', `index must be an integer 0-${MAX_ENDPOINTS - 1}`);
  }
  return n;
}

function getRoute(sim: ControlTarget, path: string, query: URLSearchParams): Reply | undefined {
  switch (path) {
    case '/health':
      return { status: 200, body: { status: 'ok', exchanges: sim.exchanges() } };
    case '/book': {
      const exchanges: Record<string, unknown> = {};
      for (const name of sim.exchanges()) {
        exchanges[name] = { fault: sim.fault(name), frozen: sim.book.isExchangeFrozen(name), quotes: sim.quotes(name) };
      }
      return { status: 200, body: { frozen: sim.book.frozen, assets: sim.book.snapshot(), exchanges } };
    }
    case '/quote': {
      const exchange = exchangeParam(sim, query.get('exchange') ?? undefined);
      const symbol = query.get('symbol');
      if (symbol === null || symbol === '') bad('symbol', 'symbol is required');
      const price = sim.quote(exchange, symbol);
      if (price === undefined) bad('symbol', `${exchange} does not list ${symbol}`);
      return { status: 200, body: { exchange, symbol, price } };
    }
    case '/limits': {
      const name = query.get('exchange');
      const names = name === null ? sim.exchanges() : [exchangeParam(sim, name)];
      const exchanges: Record<string, unknown> = {};
      let total = 0;
      for (const n of names) {
        const l = sim.limits(n);
        exchanges[n] = l;
        total += Object.values(l.violations).reduce((a, b) => a + b, 0);
      }
      return { status: 200, body: { violations: total, exchanges } };
    }
    case '/received': {
      const exchange = exchangeParam(sim, query.get('exchange') ?? undefined);
      return { status: 200, body: { exchange, received: sim.received(exchange) } };
    }
    case '/endpoint': {
      const exchange = exchangeParam(sim, query.get('exchange') ?? undefined);
      const index = indexParam(query.get('index') ?? '0');
      return { status: 200, body: { exchange, index, ...sim.endpoint(exchange, index) } };
    }
    default:
      return undefined;
  }
}

function postRoute(sim: ControlTarget, path: string, body: Record<string, unknown>): Reply | undefined {
  switch (path) {
    case '/fault': {
      const exchange = exchangeParam(sim, body['exchange']);
      const parsed = parseFault(body['fault']);
      if (!parsed.ok) bad(parsed.field, parsed.error);
      sim.setFault(exchange, parsed.fault);
      return { status: 200, body: { exchange, fault: parsed.fault } };
    }
    case '/endpoint': {
      const exchange = exchangeParam(sim, body['exchange']);
      const index = indexParam(body['index'] ?? 0);
      const parsed = parseKnobs(body);
      if (!parsed.ok) bad(parsed.field, parsed.error);
      sim.setEndpoint(exchange, index, parsed.knobs);
      return { status: 200, body: { exchange, index, ...sim.endpoint(exchange, index) } };
    }
    case '/freeze': {
      const frozen = body['frozen'];
      if (typeof frozen !== 'boolean') bad('frozen', 'frozen must be a boolean');
      sim.book.freeze(frozen);
      return { status: 200, body: { frozen } };
    }
    case '/price': {
      const { asset, usd } = body;
      if (typeof asset !== 'string' || !/^[A-Z0-9]{1,20}$/.test(asset) || asset === 'USD') {
        bad('asset', 'asset must be an upper-case symbol other than USD');
      }
      if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0) bad('usd', 'usd must be a finite number > 0');
      sim.book.set(asset, usd);
      return { status: 200, body: { asset, usd } };
    }
    default:
      return undefined;
  }
}

async function route(sim: ControlTarget, req: http.IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://control.invalid');
  if (req.method === 'GET') {
    return getRoute(sim, url.pathname, url.searchParams) ?? { status: 404, body: { error: `no route GET ${url.pathname}` } };
  }
  if (req.method === 'POST') {
    const body = parseObject(await readBody(req));
    return postRoute(sim, url.pathname, body) ?? { status: 404, body: { error: `no route POST ${url.pathname}` } };
  }
  return { status: 405, body: { error: `method ${req.method ?? ''} not allowed` } };
}

export async function startControl(
  sim: ControlTarget,
  host: string,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    route(sim, req)
      .catch((err: unknown): Reply => {
        if (err instanceof BadInput) return { status: 400, body: { error: err.message, field: err.field } };
        return { status: 500, body: { error: String(err) } };
      })
      .then(({ status, body }) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }, () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
