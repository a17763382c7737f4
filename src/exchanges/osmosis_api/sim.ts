/**
 * osmosis_api in the simulator: an Osmosis LCD (Cosmos gRPC gateway) answering
 * `GET /osmosis/poolmanager/v2/pools/{pool_id}/prices?base_asset_denom=&quote_asset_denom=`
 * with `200 {"spot_price":"<36 decimals>"}` and the header
 * `grpc-metadata-x-cosmos-block-height: <height of the endpoint called>`.
 * Docs: https://docs.osmosis.zone/osmosis-core/modules/poolmanager (SpotPriceV2); connect
 * providers/apis/defi/osmosis/client.go reads the same route and header.
 *
 * - Pools (real mainnet ids and denoms, all four tokens with 6 decimals, so the raw-unit
 *   ratio Osmosis reports equals the human price):
 *   pool 1 ATOM/OSMO (the first Osmosis pool; ATOM = ibc/27394FB0…, channel-0 to cosmoshub-4),
 *   pool 1248 TIA/OSMO (the supercharged pool of Osmosis proposal 673; TIA = ibc/D79E7D83…),
 *   pool 1464 OSMO/USDC (the supercharged OSMO/USDC pool, USDC = Noble's ibc/498A0751…).
 *   connect's own market map (cmd/constants/marketmaps/markets.go OsmosisMarketMapJSON) only
 *   has pool 1096 STARS/OSMO, and STARS is not in the price book.
 * - Either denom may be the base: the reverse query answers the inverse, as a pool does.
 * - The price is the book's (offset included), rendered with 12 significant digits, then
 *   written with exactly 36 decimals like Osmosis's BigDec. The `bad-price` and `price`
 *   faults replace it.
 * - Unknown pool (or the `unknown-symbol` fault), a denom not in the pool, missing query
 *   parameters: 400 with the gateway's error JSON `{"code":3,"message":…,"details":[]}`.
 *   Another path: 404 `{"code":5,"message":"Not Found","details":[]}`.
 * - Endpoint knobs (sim/endpoints.ts): `rpcError` answers 400 with a gateway error,
 *   `noHeight` omits the height header, `corrupt` answers `{"spot_price":""}`; lag and freeze
 *   act through the reported height. Error replies carry the height header too, as the
 *   gateway forwards header metadata on errors.
 */
import { renderDecimal, type Pair } from '../../sim/symbols.js';
import type { ExchangeView, HttpReply, HttpSimExchange } from '../../sim/types.js';
import { endpointPrice, type EndpointKnobs } from '../../sim/endpoints.js';

const ROUTE = /^\/osmosis\/poolmanager\/v2\/pools\/(\d+)\/prices$/;
const DECIMALS = 36;

interface Token {
  readonly asset: string;
  readonly denom: string;
}

const ATOM: Token = { asset: 'ATOM', denom: 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2' };
const OSMO: Token = { asset: 'OSMO', denom: 'uosmo' };
const TIA: Token = { asset: 'TIA', denom: 'ibc/D79E7D83AB399BFFF93433E54FAA480C191248FC556924A2A8351AE2638B3877' };
const USDC: Token = { asset: 'USDC', denom: 'ibc/498A0751C798A0D9A389AA3691123DADA57DAA4FE165D5C75894505B876BA6E4' };

interface Pool {
  readonly id: number;
  readonly base: Token;
  readonly quote: Token;
}

const POOLS: readonly Pool[] = [
  { id: 1, base: ATOM, quote: OSMO },
  { id: 1248, base: TIA, quote: OSMO },
  { id: 1464, base: OSMO, quote: USDC },
];

/** A simulated pool as a market map uses it (osmosis_api provider_config). */
export interface OsmosisPoolConfig {
  /** A label for `off_chain_ticker`, e.g. "ATOM/OSMO". */
  readonly offChainTicker: string;
  readonly poolId: number;
  /** The book pair the pool prices (base in quote). */
  readonly pair: Pair;
  /** The provider_config's metadata_JSON (connect osmosis TickerMetadata). */
  readonly metadataJSON: string;
}

/** Every simulated pool with its metadata_JSON and book pair, for building market maps. */
export function osmosisPools(): OsmosisPoolConfig[] {
  return POOLS.map((p) => ({
    offChainTicker: `${p.base.asset}/${p.quote.asset}`,
    poolId: p.id,
    pair: { base: p.base.asset, quote: p.quote.asset },
    metadataJSON: JSON.stringify({ pool_id: p.id, base_token_denom: p.base.denom, quote_token_denom: p.quote.denom }),
  }));
}

/** A price as Osmosis writes it: 12 significant digits, exactly 36 decimals. */
export function spotPriceText(value: number): string {
  const text = renderDecimal(value, 12, 0);
  if (text === '0') return `0.${'0'.repeat(DECIMALS)}`;
  const [int = '0', frac = ''] = text.split('.');
  return `${int}.${frac.slice(0, DECIMALS).padEnd(DECIMALS, '0')}`;
}

function gatewayError(status: number, code: number, message: string, headers: Record<string, string>): HttpReply {
  return { status, body: { code, message, details: [] }, headers };
}

function spotPrice(pool: Pool, base: string, quote: string, view: ExchangeView, knobs: EndpointKnobs): string | undefined {
  const pair = { base: pool.base.asset, quote: pool.quote.asset };
  const inverse = base === pool.quote.denom && quote === pool.base.denom;
  if (!inverse && (base !== pool.base.denom || quote !== pool.quote.denom)) return undefined;
  // A fault that replaces the price field (bad-price, price) applies to the inverse as well.
  const mode = view.fault().mode;
  if (mode === 'bad-price' || mode === 'price') return view.priceField(pair);
  const forward = view.price(pair);
  if (forward === undefined) return undefined;
  const price = endpointPrice(forward, knobs);
  return view.render(inverse ? 1 / price : price);
}

export const sim = {
  kind: 'http',
  name: 'osmosis_api',
  offsetBps: -1,
  endpointPath: '',
  resolve: (symbol, known) => {
    const pool = POOLS.find((p) => String(p.id) === symbol);
    return pool && known(pool.base.asset) && known(pool.quote.asset) ? { base: pool.base.asset, quote: pool.quote.asset } : undefined;
  },
  symbols: () => POOLS.map((p) => String(p.id)),
  render: spotPriceText,
  handle(req, view) {
    const knobs = view.endpoint(req.endpoint);
    const headers: Record<string, string> = knobs.noHeight ? {} : { 'grpc-metadata-x-cosmos-block-height': String(view.height(req.endpoint)) };
    const route = ROUTE.exec(req.url.pathname);
    if (req.method !== 'GET' || !route) return gatewayError(404, 5, 'Not Found', headers);
    if (knobs.rpcError) return gatewayError(400, 3, 'rpc error: code = Unavailable desc = simulated node error', headers);
    const id = route[1] ?? '';
    const pool = view.resolve(id) ? POOLS.find((p) => String(p.id) === id) : undefined;
    if (!pool) return gatewayError(400, 3, `pool with id ${id} not found`, headers);
    const base = req.url.searchParams.get('base_asset_denom') ?? '';
    const quote = req.url.searchParams.get('quote_asset_denom') ?? '';
    const price = spotPrice(pool, base, quote, view, knobs);
    if (price === undefined) {
      return gatewayError(400, 3, `base denom (${base}) or quote denom (${quote}) not found in pool ${id}`, headers);
    }
    return { status: 200, body: { spot_price: knobs.corrupt ? '' : price }, headers };
  },
} satisfies HttpSimExchange;
