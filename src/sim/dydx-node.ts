/**
 * A simulated dYdX node for the dYdX market-map providers (reference defi-and-dydx.md §B.6),
 * on loopback, ephemeral ports by default:
 * - REST: x/prices market params at `/dydxprotocol/prices/params/market` and the research
 *   JSON at `/configs/otherMarketData.json` (dydx-rest.ts), other paths 404;
 * - gRPC: x/marketmap MarketMap in v1 and/or v2 (dydx-grpc.ts), UNIMPLEMENTED while
 *   x/marketmap is off (the default, as on a node before its migration).
 * Scriptable: set, add and remove x/prices markets, set the research markets, switch
 * x/marketmap on with a map (or off), choose the versions served, inject faults per route
 * (HTTP status such as 429/500, malformed JSON, slow answers; a gRPC delay), and go down and
 * come back on the same ports. `/sim/*` on the REST port drives the same over HTTP
 * (dydx-control.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import type { MarketMap } from '../config/types.js';
import { handleControl } from './dydx-control.js';
import { bindGrpc, createGrpcServer, type MarketMapVersion } from './dydx-grpc.js';
import { marketParamsBody, pageLimit, PRICES_PATH, RESEARCH_PATH, researchBody, type DydxMarket } from './dydx-rest.js';
import { corrupt } from './faults.js';
import { urlHost } from './index.js';

export type { DydxExchange, DydxMarket } from './dydx-rest.js';
export type { MarketMapVersion } from './dydx-grpc.js';

/** A fault of one REST route. */
export type DydxFault = { mode: 'none' } | { mode: 'status'; status: number } | { mode: 'malformed' } | { mode: 'slow'; delayMs: number };
export type DydxRoute = 'prices' | 'research';

export interface DydxNodeOptions {
  host?: string;
  restPort?: number;
  grpcPort?: number;
  /** x/prices markets. */
  markets?: DydxMarket[];
  /** Research JSON markets (default: none). */
  research?: DydxMarket[];
  /** x/marketmap's map; null or absent: x/marketmap off. */
  marketMap?: MarketMap | null;
  /** The x/marketmap query versions served (default v1, as dYdX v7 nodes). */
  versions?: MarketMapVersion[];
}

export interface DydxNode {
  /** `http://host:port`, the REST endpoint (dydx_api, endpoints[0] of the others). */
  readonly restUrl: string;
  /** `host:port`, the gRPC endpoint (dydx_migration_api endpoints[1]). */
  readonly grpcAddress: string;
  /** The research JSON's full URL. */
  readonly researchUrl: string;
  /** A partial oracle.json pointing the four dydx providers here. */
  oracleOverride(o?: { interval?: string; timeout?: string }): { providers: Record<string, object> };
  markets(): DydxMarket[];
  setMarkets(markets: DydxMarket[]): void;
  /** Adds a market, replacing one with the same pair. */
  addMarket(market: DydxMarket): void;
  removeMarket(pair: string): void;
  setResearch(markets: DydxMarket[]): void;
  /** Switches x/marketmap on with `map`, or off with null. */
  setMarketMap(map: MarketMap | null): void;
  setVersions(versions: MarketMapVersion[]): void;
  setFault(route: DydxRoute, fault: DydxFault): void;
  /** Delays every gRPC answer by `ms`. */
  setGrpcDelay(ms: number): void;
  /** Requests and calls received since start, per route and per x/marketmap version. */
  calls(): { prices: number; research: number; v1: number; v2: number };
  /** Goes down: both ports stop listening and open connections are cut. */
  stop(): Promise<void>;
  /** Comes back on the same ports. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startDydxNode(opts: DydxNodeOptions = {}): Promise<DydxNode> {
  const host = opts.host ?? '127.0.0.1';
  let markets = [...(opts.markets ?? [])];
  let research = [...(opts.research ?? [])];
  let marketMap = opts.marketMap ?? null;
  let versions = [...(opts.versions ?? ['v1'])];
  let grpcDelay = 0;
  const faults: Record<DydxRoute, DydxFault> = { prices: { mode: 'none' }, research: { mode: 'none' } };
  const calls = { prices: 0, research: 0, v1: 0, v2: 0 };
  const timers = new Set<NodeJS.Timeout>();

  const reply = (res: http.ServerResponse, status: number, body: unknown, fault: DydxFault = { mode: 'none' }) => {
    let text = JSON.stringify(body);
    if (fault.mode === 'malformed') text = corrupt(text);
    const send = () => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (fault.mode !== 'slow') return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, fault.delayMs);
    timers.add(timer);
  };

  const serveRoute = (route: DydxRoute, res: http.ServerResponse, body: () => object) => {
    calls[route] += 1;
    const fault = faults[route];
    if (fault.mode === 'status') return reply(res, fault.status, { code: fault.status === 429 ? 8 : 13, message: 'simulated fault', details: [] });
    reply(res, 200, body(), fault);
  };

  const rest = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dydx.invalid');
    if (url.pathname.startsWith('/sim/')) return void handleControl(node, req, url).then(({ status, body }) => reply(res, status, body));
    req.resume();
    if (req.method === 'GET' && url.pathname === PRICES_PATH) return serveRoute('prices', res, () => marketParamsBody(markets, pageLimit(url)));
    if (req.method === 'GET' && url.pathname === RESEARCH_PATH) return serveRoute('research', res, () => researchBody(research));
    reply(res, 404, { code: 5, message: 'Not Found', details: [] });
  });
  const state = {
    versions: () => versions,
    marketMap: () => marketMap,
    delayMs: () => grpcDelay,
    called: (v: MarketMapVersion) => void (calls[v] += 1),
  };
  let grpcServer: grpc.Server | undefined = createGrpcServer(state, timers);

  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    rest.once('error', reject);
    rest.listen(port, host, () => {
      rest.off('error', reject);
      resolve((rest.address() as AddressInfo).port);
    });
  });
  const restPort = await listen(opts.restPort ?? 0);
  const grpcPort = await bindGrpc(grpcServer, host, opts.grpcPort ?? 0).catch(async (err: unknown) => {
    await new Promise((r) => rest.close(r));
    throw err;
  });

  const goDown = async () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    grpcServer?.forceShutdown();
    grpcServer = undefined;
    if (rest.listening) {
      const closed = new Promise<void>((resolve) => rest.close(() => resolve()));
      rest.closeAllConnections();
      await closed;
    }
  };

  const restUrl = `http://${urlHost(host)}:${restPort}`;
  const node: DydxNode = {
    restUrl,
    grpcAddress: `${urlHost(host)}:${grpcPort}`,
    researchUrl: `${restUrl}${RESEARCH_PATH}`,
    oracleOverride: (o = {}) => {
      const api = (urls: string[]) => ({ api: { ...o, endpoints: urls.map((url) => ({ url })) } });
      return {
        providers: {
          dydx_api: api([restUrl]),
          dydx_migration_api: api([restUrl, node.grpcAddress]),
          dydx_research_json_api: api([restUrl, node.researchUrl]),
          dydx_research_coinmarketcap_api: api([restUrl, node.researchUrl]),
        },
      };
    },
    markets: () => [...markets],
    setMarkets: (m) => void (markets = [...m]),
    addMarket: (m) => void (markets = [...markets.filter((x) => x.pair !== m.pair), m]),
    removeMarket: (pair) => void (markets = markets.filter((x) => x.pair !== pair)),
    setResearch: (m) => void (research = [...m]),
    setMarketMap: (map) => void (marketMap = map),
    setVersions: (v) => void (versions = [...v]),
    setFault: (route, fault) => void (faults[route] = fault),
    setGrpcDelay: (ms) => void (grpcDelay = ms),
    calls: () => ({ ...calls }),
    stop: goDown,
    async restart() {
      if (!rest.listening) await listen(restPort);
      if (!grpcServer) {
        grpcServer = createGrpcServer(state, timers);
        await bindGrpc(grpcServer, host, grpcPort);
      }
    },
    close: goDown,
  };
  return node;
}
