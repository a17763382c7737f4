/**
 * The simulated dYdX node's control routes, JSON over HTTP on its REST port:
 *   GET  /sim/state                         {markets, calls}
 *   POST /sim/markets        {markets}      replace the x/prices markets
 *   POST /sim/add-market     {market}       add (or replace by pair) one x/prices market
 *   POST /sim/remove-market  {pair}
 *   POST /sim/research       {markets}      replace the research JSON markets
 *   POST /sim/marketmap      {market_map}   switch x/marketmap on with a market.json-shaped map, or off with null
 *   POST /sim/versions       {versions}     ["v1"], ["v2"] or both
 *   POST /sim/fault          {route, fault} route "prices" | "research"; fault {mode:"none"|"malformed"}, {mode:"status",status}, {mode:"slow",delayMs}
 * Bad input → 400 {"error", "field"}; unknown route → 404. Going down and coming back are
 * programmatic only (the routes live on the port that goes down).
 */
import type http from 'node:http';
import { isRecord } from '../config/coerce.js';
import { decodeMarketMap } from '../config/market-decode.js';
import type { DydxFault, DydxNode, DydxRoute } from './dydx-node.js';
import type { DydxExchange, DydxMarket } from './dydx-rest.js';

type Reply = { status: number; body: unknown };

class BadInput extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const bad = (field: string, message: string): never => {
  throw new BadInput(field, message);
};

const int = (v: unknown, field: string): number => (Number.isSafeInteger(v) ? (v as number) : bad(field, `${field} must be an integer`));
const text = (v: unknown, field: string): string => (typeof v === 'string' ? v : bad(field, `${field} must be a string`));

function exchange(v: unknown, field: string): DydxExchange {
  if (!isRecord(v)) return bad(field, `${field} must be an object`);
  const e: DydxExchange = { exchangeName: text(v.exchangeName, `${field}.exchangeName`), ticker: text(v.ticker, `${field}.ticker`) };
  if (v.adjustByMarket !== undefined) e.adjustByMarket = text(v.adjustByMarket, `${field}.adjustByMarket`);
  if (v.invert !== undefined) e.invert = typeof v.invert === 'boolean' ? v.invert : bad(`${field}.invert`, `${field}.invert must be a boolean`);
  return e;
}

function market(v: unknown, field: string): DydxMarket {
  if (!isRecord(v)) return bad(field, `${field} must be an object`);
  if (!Array.isArray(v.exchanges)) bad(`${field}.exchanges`, `${field}.exchanges must be an array`);
  const m: DydxMarket = {
    pair: text(v.pair, `${field}.pair`),
    exponent: int(v.exponent, `${field}.exponent`),
    minExchanges: int(v.minExchanges, `${field}.minExchanges`),
    exchanges: (v.exchanges as unknown[]).map((e, i) => exchange(e, `${field}.exchanges[${i}]`)),
  };
  if (v.cmcId !== undefined) m.cmcId = int(v.cmcId, `${field}.cmcId`);
  if (v.rawExchangeConfigJson !== undefined) m.rawExchangeConfigJson = text(v.rawExchangeConfigJson, `${field}.rawExchangeConfigJson`);
  return m;
}

const markets = (v: unknown): DydxMarket[] => (Array.isArray(v) ? v.map((m, i) => market(m, `markets[${i}]`)) : bad('markets', 'markets must be an array'));

function fault(v: unknown): DydxFault {
  if (!isRecord(v)) return bad('fault', 'fault must be an object');
  if (v.mode === 'none' || v.mode === 'malformed') return { mode: v.mode };
  if (v.mode === 'status') return { mode: 'status', status: int(v.status, 'fault.status') };
  if (v.mode === 'slow') return { mode: 'slow', delayMs: int(v.delayMs, 'fault.delayMs') };
  return bad('fault.mode', 'fault.mode must be one of none, malformed, status, slow');
}

/** Applies one POST; false when no such route. */
function post(node: DydxNode, path: string, body: Record<string, unknown>): boolean {
  switch (path) {
    case '/sim/markets':
      node.setMarkets(markets(body.markets));
      return true;
    case '/sim/add-market':
      node.addMarket(market(body.market, 'market'));
      return true;
    case '/sim/remove-market':
      node.removeMarket(text(body.pair, 'pair'));
      return true;
    case '/sim/research':
      node.setResearch(markets(body.markets));
      return true;
    case '/sim/marketmap': {
      const problems: string[] = [];
      const map = body.market_map === null ? null : decodeMarketMap(body.market_map, (p, m) => problems.push(`${p}: ${m}`));
      if (problems.length > 0) bad('market_map', problems.join('; '));
      node.setMarketMap(map);
      return true;
    }
    case '/sim/versions': {
      const v = body.versions;
      if (!Array.isArray(v) || v.some((x) => x !== 'v1' && x !== 'v2')) bad('versions', 'versions must be an array of "v1", "v2"');
      node.setVersions(v as Array<'v1' | 'v2'>);
      return true;
    }
    case '/sim/fault': {
      const route = body.route;
      if (route !== 'prices' && route !== 'research') bad('route', 'route must be "prices" or "research"');
      node.setFault(route as DydxRoute, fault(body.fault));
      return true;
    }
    default:
      return false;
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function handleControl(node: DydxNode, req: http.IncomingMessage, url: URL): Promise<Reply> {
  try {
    if (req.method === 'GET' && url.pathname === '/sim/state') {
      return { status: 200, body: { markets: node.markets(), calls: node.calls() } };
    }
    if (req.method !== 'POST') return { status: 404, body: { error: `no route ${req.method ?? ''} ${url.pathname}` } };
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      body = undefined;
    }
    if (!isRecord(body)) return bad('body', 'body must be a JSON object');
    if (post(node, url.pathname, body)) return { status: 200, body: { ok: true } };
    return { status: 404, body: { error: `no route POST ${url.pathname}` } };
  } catch (err) {
    if (err instanceof BadInput) return { status: 400, body: { error: err.message, field: err.field } };
    return { status: 500, body: { error: String(err) } };
  }
}
