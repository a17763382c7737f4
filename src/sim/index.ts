/**
 * The offline exchange simulator: every exchange of registry.ts in its real wire format on loopback,
 * each on its own port, quoting from one moving PriceBook, with per-exchange fault
 * injection and an HTTP control API. See registry.ts for the port order, faults.ts for
 * fault semantics and symbols.ts for the price rounding contract.
 */
import { startControl } from './control.js';
import { NodeEndpoints, type EndpointKnobs } from './endpoints.js';
import { BAD_PRICE, NO_FAULT } from './faults.js';
import type { Fault } from './faults.js';
import { ReceivedLog } from './faults.js';
import { startHttpExchange } from './http-server.js';
import { PriceBook } from './price-book.js';
import { SIM_EXCHANGES } from './registry.js';
import type { ExchangeView, LimitKind, RunningExchange, SimExchange } from './types.js';
import { startWsExchange } from './ws-server.js';

export type { Fault } from './faults.js';
export { PriceBook } from './price-book.js';
export { SIM_EXCHANGES } from './registry.js';

export interface SimulatorOptions {
  host?: string;
  /** First exchange port (ports follow registry order); 0 = ephemeral ports for all. */
  basePort?: number;
  /** Control API port; default basePort + the number of exchanges when basePort > 0, else ephemeral. */
  controlPort?: number;
  seed?: number;
  stepMs?: number;
  pushIntervalMs?: number;
  /** Enforce each exchange's documented limits (default true; `false` only counts nothing). */
  limits?: boolean;
}

export interface Simulator {
  readonly controlUrl: string;
  /** Provider name → endpoint URL keeping the real path and %s templates. */
  readonly endpoints: Record<string, string>;
  /** Partial oracle.json pointing every simulated provider's endpoints[0].url here (for a WS
   *  exchange with an HTTP side, kucoin_ws, both webSocket and api endpoints). */
  oracleOverride(): object;
  readonly book: PriceBook;
  /** The price this exchange quotes now for its own symbol (as rendered, then parsed), or undefined. */
  quote(exchange: string, symbol: string): number | undefined;
  /** Every symbol the exchange lists, with its current quote. */
  quotes(exchange: string): Record<string, number>;
  exchanges(): string[];
  fault(exchange: string): Fault;
  setFault(exchange: string, fault: Fault): void;
  received(exchange: string): Array<{ at: number; text: string }>;
  /** A DeFi node's endpoint `index`: its knobs, the height it reports, and the requests the
   *  node refused for a missing or wrong API key (all endpoints). */
  endpoint(exchange: string, index: number): EndpointKnobs & { height: string; refused: number };
  setEndpoint(exchange: string, index: number, knobs: Partial<EndpointKnobs>): void;
  connections(exchange: string): number;
  /** An exchange's documented limits (ws exchanges that declare them) and the violations counted. */
  limits(exchange: string): { source: string | null; limits: Record<string, unknown>; violations: Record<LimitKind, number> };
  close(): Promise<void>;
}

/** The host clients dial: a wildcard listen address maps to loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const basePort = opts.basePort ?? 0;
  const controlPort = opts.controlPort ?? (basePort > 0 ? basePort + SIM_EXCHANGES.length : 0);
  const pushIntervalMs = opts.pushIntervalMs ?? 250;
  const offsetsBps = Object.fromEntries(SIM_EXCHANGES.map((d) => [d.name, d.offsetBps]));
  const book = new PriceBook({ seed: opts.seed ?? 1, stepMs: opts.stepMs ?? 500, offsetsBps });
  const faults = new Map<string, Fault>();
  const logs = new Map<string, ReceivedLog>();
  const running = new Map<string, RunningExchange>();
  const nodes = new Map(SIM_EXCHANGES.map((d) => [d.name, new NodeEndpoints()]));
  const nodeOf = (name: string): NodeEndpoints => nodes.get(name) as NodeEndpoints;
  let connCounter = 0;

  const viewOf = (def: SimExchange): ExchangeView => ({
    name: def.name,
    resolve: (symbol) => ((faults.get(def.name) ?? NO_FAULT).mode === 'unknown-symbol' ? undefined : def.resolve(symbol, (asset) => book.has(asset))),
    symbols: () => def.symbols(book.assets()),
    price: (pair) => book.price(def.name, pair.base, pair.quote),
    priceField: (pair) => {
      const price = book.price(def.name, pair.base, pair.quote);
      if (price === undefined) return undefined;
      const fault = faults.get(def.name) ?? NO_FAULT;
      if (fault.mode === 'price') return fault.value;
      return fault.mode === 'bad-price' ? BAD_PRICE : def.render(price);
    },
    render: (value) => def.render(value),
    fault: () => faults.get(def.name) ?? NO_FAULT,
    now: () => Date.now(),
    height: (index) => nodeOf(def.name).height(index),
    endpoint: (index) => nodeOf(def.name).get(index),
  });
  const views = new Map(SIM_EXCHANGES.map((def) => [def.name, viewOf(def)]));

  const closeAll = async (): Promise<void> => {
    book.stop();
    await Promise.all([...running.values()].map((r) => r.close()));
  };

  try {
    for (const [i, def] of SIM_EXCHANGES.entries()) {
      const log = new ReceivedLog(1000);
      logs.set(def.name, log);
      const env = {
        view: views.get(def.name) as ExchangeView,
        record: (text: string) => log.add(text),
        pushIntervalMs,
        limits: opts.limits ?? true,
        nextConnId: () => `sim${(++connCounter).toString(16).padStart(6, '0')}`,
      };
      const port = basePort > 0 ? basePort + i : 0;
      const started = def.kind === 'http' ? await startHttpExchange(def, env, host, port, nodeOf(def.name)) : await startWsExchange(def, env, host, port);
      running.set(def.name, started);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  const endpoints: Record<string, string> = {};
  for (const r of running.values()) {
    endpoints[r.def.name] = `${r.def.kind === 'http' ? 'http' : 'ws'}://${urlHost(host)}:${r.port}${r.def.endpointPath}`;
  }

  const known = (exchange: string): RunningExchange => {
    const r = running.get(exchange);
    if (r === undefined) throw new RangeError(`unknown exchange ${JSON.stringify(exchange)}; known: ${[...running.keys()].join(', ')}`);
    return r;
  };

  const quote = (exchange: string, symbol: string): number | undefined => {
    const def = running.get(exchange)?.def;
    const view = views.get(exchange);
    const pair = view?.resolve(symbol);
    const price = pair && view?.price(pair);
    return def === undefined || price === undefined ? undefined : Number(def.render(price));
  };

  const core: Omit<Simulator, 'controlUrl' | 'close'> = {
    endpoints,
    book,
    oracleOverride: () => {
      const providers: Record<string, object> = {};
      for (const r of running.values()) {
        const endpoint = { endpoints: [{ url: endpoints[r.def.name] }] };
        if (r.def.kind === 'http') providers[r.def.name] = { api: endpoint };
        else if (r.def.apiEndpointPath === undefined) providers[r.def.name] = { webSocket: endpoint };
        else {
          const api = { endpoints: [{ url: `http://${urlHost(host)}:${r.port}${r.def.apiEndpointPath}` }] };
          providers[r.def.name] = { webSocket: endpoint, api };
        }
      }
      return { providers };
    },
    quote,
    quotes: (exchange) => {
      known(exchange);
      const out: Record<string, number> = {};
      for (const symbol of views.get(exchange)?.symbols() ?? []) {
        const q = quote(exchange, symbol);
        if (q !== undefined) out[symbol] = q;
      }
      return out;
    },
    exchanges: () => [...running.keys()],
    fault: (exchange) => {
      known(exchange);
      return faults.get(exchange) ?? NO_FAULT;
    },
    setFault: (exchange, fault) => {
      const r = known(exchange);
      if (fault.mode === 'none') faults.delete(exchange);
      else faults.set(exchange, fault);
      book.freezeExchange(exchange, fault.mode === 'freeze');
      r.onFault(fault);
    },
    received: (exchange) => {
      known(exchange);
      return logs.get(exchange)?.list() ?? [];
    },
    connections: (exchange) => known(exchange).connections(),
    limits: (exchange) => {
      const r = known(exchange);
      const l = r.def.kind === 'ws' ? r.def.limits : undefined;
      const numbers: Record<string, unknown> = {};
      if (l) {
        for (const key of ['connections', 'openConnections', 'messages', 'topicsPerMessage', 'topicsPerConnection'] as const) {
          if (l[key] !== undefined) numbers[key] = l[key];
        }
      }
      return { source: l?.source ?? null, limits: numbers, violations: r.violations() };
    },
    endpoint: (exchange, index) => {
      known(exchange);
      const node = nodeOf(exchange);
      return { ...node.get(index), height: String(node.height(index)), refused: node.refused() };
    },
    setEndpoint: (exchange, index, knobs) => {
      known(exchange);
      nodeOf(exchange).set(index, knobs);
    },
  };

  const controlServer = await startControl(core, host, controlPort).catch(async (err: unknown) => {
    await closeAll();
    throw err;
  });
  book.start();
  let closing: Promise<void> | undefined;
  return {
    ...core,
    controlUrl: `http://${urlHost(host)}:${controlServer.port}`,
    close: () => (closing ??= Promise.all([closeAll(), controlServer.close()]).then(() => undefined)),
  };
}
