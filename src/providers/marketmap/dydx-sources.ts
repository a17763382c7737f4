/**
 * The dYdX REST market-map sources (reference defi-and-dydx.md §B.2, §B.5):
 *
 * PricesSource (`dydx_api`, and the first leg of `dydx_migration_api`): GET
 * `<url>/dydxprotocol/prices/params/market?pagination.limit=10000` (one page, as connect's
 * api_handler.go; a trailing "/" of the URL is dropped), converted by dydx-convert.ts.
 * connect used endpoints[0] only; with several endpoints (dydx_api) a request that gets no
 * answer, a 5xx or a 429 moves the next poll to the next endpoint.
 *
 * ResearchSource (`dydx_research_json_api`, `dydx_research_coinmarketcap_api`): the x/prices
 * GET on endpoints[0] and the research JSON GET of endpoints[1] (the URL verbatim) in
 * parallel; a failed mainnet answer is the result, else a failed research answer; otherwise
 * mainnet markets plus the research markets mainnet lacks, then, in CMC mode, the
 * CoinMarketCap-only transform (dydx-research.ts).
 *
 * Codes as connect: a conversion failure is 2 (unknown error) for x/prices and 12 (failed
 * to decode) for the research JSON.
 */
import type { ApiConfig, Endpoint } from '../../config/types.js';
import type { MarketMapMetrics } from '../../metrics/provider.js';
import { ErrorCode } from '../types.js';
import { convertMarketParams } from './dydx-convert.js';
import { coinMarketCapOnly, convertResearch, mergeMainnetFirst } from './dydx-research.js';
import { RestGetter, type RestResult } from './rest.js';
import type { MarketMapSource, SourceResult } from './source.js';

export const PRICES_PATH = '/dydxprotocol/prices/params/market?pagination.limit=10000';

export function pricesUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}${PRICES_PATH}`;
}

export interface RestSourceOptions {
  /** The metric label. */
  provider: string;
  config: ApiConfig;
  metrics: MarketMapMetrics;
}

function restGetter(o: RestSourceOptions): RestGetter {
  return new RestGetter({ provider: o.provider, metrics: o.metrics, timeoutMs: o.config.timeout, maxQueries: o.config.maxQueries });
}

/** An x/prices answer converted; a conversion failure keeps connect's code 2. */
function fromPrices(r: RestResult): SourceResult {
  if (!r.ok) return r;
  const converted = convertMarketParams(r.body);
  if (!converted.ok) return { ok: false, code: ErrorCode.Unknown, error: `x/prices: ${converted.error}`, kind: 'invalid_response' };
  return converted;
}

export class PricesSource implements MarketMapSource {
  private readonly rest: RestGetter;
  private next = 0;

  /** `endpoints`: the REST endpoints to use (dydx_migration_api passes its first only). */
  constructor(private readonly o: RestSourceOptions, private readonly endpoints: readonly Endpoint[] = o.config.endpoints) {
    this.rest = restGetter(o);
  }

  async fetch(): Promise<SourceResult> {
    const n = Math.max(1, this.endpoints.length);
    const index = this.next % n;
    const endpoint = this.endpoints[index];
    if (!endpoint) return { ok: false, code: ErrorCode.UnableToCreateURL, error: 'no REST endpoint configured', kind: 'request_error' };
    const r = await this.rest.get(pricesUrl(endpoint.url), endpoint);
    const moveOn = !r.ok && r.kind === 'request_error' && (r.code === ErrorCode.Unknown || r.code === ErrorCode.RateLimitExceeded || r.code >= 500);
    if (moveOn) this.next = (index + 1) % n;
    return fromPrices(r);
  }

  close(): void {
    this.rest.close();
  }
}

export class ResearchSource implements MarketMapSource {
  private readonly rest: RestGetter;

  constructor(private readonly o: RestSourceOptions, private readonly cmcOnly: boolean) {
    this.rest = restGetter(o);
  }

  async fetch(): Promise<SourceResult> {
    const [mainnetEndpoint, researchEndpoint] = this.o.config.endpoints;
    if (!mainnetEndpoint || !researchEndpoint) {
      return { ok: false, code: ErrorCode.UnableToCreateURL, error: 'expected two endpoints: dYdX REST, research JSON', kind: 'request_error' };
    }
    const [mainnetAnswer, researchAnswer] = await Promise.all([
      this.rest.get(pricesUrl(mainnetEndpoint.url), mainnetEndpoint),
      this.rest.get(researchEndpoint.url, researchEndpoint),
    ]);
    const mainnet = fromPrices(mainnetAnswer);
    if (!mainnet.ok) return mainnet;
    if (!researchAnswer.ok) return researchAnswer;
    const research = convertResearch(researchAnswer.body, this.cmcOnly);
    if (!research.ok) return { ok: false, code: ErrorCode.FailedToDecode, error: `research JSON: ${research.error}`, kind: 'invalid_response' };
    const merged = mergeMainnetFirst(mainnet.map, research.map);
    const dropped = [...mainnet.dropped, ...research.dropped];
    if (!this.cmcOnly) return { ok: true, map: merged, dropped };
    const cmc = coinMarketCapOnly(merged, research.map);
    if (Object.keys(cmc.map.markets).length === 0 && Object.keys(merged.markets).length > 0) {
      return { ok: false, code: ErrorCode.Unknown, error: 'no market has a CoinMarketCap id', kind: 'invalid_response' };
    }
    return { ok: true, map: cmc.map, dropped: [...dropped, ...cmc.dropped] };
  }

  close(): void {
    this.rest.close();
  }
}
