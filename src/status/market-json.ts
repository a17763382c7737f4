/**
 * One market of /status as JSON (a MarketStatus, types.ts), written straight from the last
 * tick's plan into a byte buffer, feed by feed: at 1000 markets × 8 providers, building 8,000
 * feed objects and serialising them, or joining the feeds' texts, cost about twice as long,
 * mostly in garbage collection. explain.ts parses the bytes where it needs objects, so there is
 * one writer of the format.
 */
import { pairString, type Market, type MarketProviderConfig } from '../config/types.js';
import { writeThousandths, type ByteWriter } from '../metrics/byte-writer.js';
import { FeedState, type FeedPlan, type MarketPlan } from '../oracle/plan.js';
import type { QuoteSlot } from '../oracle/store.js';
import { errorCodeMessage } from '../providers/types.js';
import type { FeedReason, MarketState } from './types.js';

/** What a market is explained from: the sources that change over time. */
export interface MarketContext {
  readonly maxPriceAgeMs: number;
  /** Providers the map references that cannot run here, with why. */
  readonly unavailable: ReadonlyMap<string, string>;
  /** Enabled markets (BASE/QUOTE) that can never reach min_provider_count here. */
  readonly unsupported: ReadonlySet<string>;
}

const FEED_REASONS: Record<FeedState, FeedReason | null> = {
  [FeedState.Priced]: null,
  [FeedState.NoQuote]: 'not_received',
  [FeedState.Stale]: 'stale',
  [FeedState.Invalid]: 'invalid_price',
  [FeedState.NoNormalizer]: 'normalizer_missing',
  [FeedState.NormalizerUnpriced]: 'normalizer_unpriced',
};

export const seconds = (ms: number): number => Math.round(ms) / 1000;
const str = (s: string): string => JSON.stringify(s);
const opt = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));
const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/** JSON of an error code: code, meaning and age. */
export function errorJson(code: number, at: number, now: number): string {
  return `{"code":${code},"message":${str(errorCodeMessage(code))},"seconds_ago":${seconds(now - at)}}`;
}

/** RFC 3339 text of the last tick time asked for (every market of one answer shares it). */
let isoOf = { at: Number.NaN, text: '' };

function iso(at: number): string {
  if (isoOf.at !== at) isoOf = { at, text: new Date(at).toISOString() };
  return isoOf.text;
}

/** The start of a feed's JSON up to its state, which never changes for a compiled plan: as text,
 *  and with `"state":"` appended, as bytes. */
const feedHeads = new WeakMap<FeedPlan, string>();
const feedHeadBytes = new WeakMap<FeedPlan, Buffer>();

function feedHead(pc: MarketProviderConfig, f?: FeedPlan): string {
  let head = f && feedHeads.get(f);
  if (head === undefined) {
    const by = pc.normalize_by_pair ? str(pairString(pc.normalize_by_pair)) : 'null';
    head = `{"provider":${str(pc.name)},"ticker":${str(pc.off_chain_ticker)},"invert":${pc.invert},"normalize_by":${by},`;
    if (f) feedHeads.set(f, head);
  }
  return head;
}

function feedHeadAsBytes(pc: MarketProviderConfig, f: FeedPlan): Buffer {
  let head = feedHeadBytes.get(f);
  if (head === undefined) {
    head = Buffer.from(`${feedHead(pc, f)}"state":"`);
    feedHeadBytes.set(f, head);
  }
  return head;
}

const USED = Buffer.from('used","reason":null,"detail":null,"quote":"');
const PRICED = Buffer.from('priced","reason":null,"detail":null,"quote":"');
const AGE = Buffer.from('","quote_age_seconds":');
const VALUE = Buffer.from(',"inverted":null,"normalizer":null,"value":');
const DEVIATION = Buffer.from(',"deviation":');
const END = Buffer.from(',"error":null}');
const END_UNSERVED = Buffer.from(',"deviation":null,"error":null}');

/** Append ASCII text (digits, a plain decimal) to `w`. */
function ascii(w: ByteWriter, s: string): void {
  w.reserve(s.length);
  w.length += w.buf.write(s, w.length, 'latin1');
}

/**
 * The common feed, written as bytes with no string built: a fresh plain quote used as it came
 * (no inversion, no normalisation, PLAIN_DECIMAL text, so no escaping) and no error on record.
 * The same JSON as feedJson writes for it.
 */
function writePlainFeed(w: ByteWriter, pc: MarketProviderConfig, f: FeedPlan, text: string, served: boolean, median: number, tickAt: number): void {
  w.bytes(feedHeadAsBytes(pc, f));
  w.bytes(served ? USED : PRICED);
  ascii(w, text);
  w.bytes(AGE);
  w.reserve(24);
  w.length = writeThousandths(w.buf, w.length, Math.round(tickAt - f.quoteAt));
  w.bytes(VALUE);
  ascii(w, text);
  if (!served) return w.bytes(END_UNSERVED);
  w.bytes(DEVIATION);
  ascii(w, num((f.value - median) / median));
  w.bytes(END);
}

/** A market the last tick did not price: disabled, or not priced yet. */
function idleMarket(ctx: MarketContext, key: string, id: string, market: Market): { json: string; state: MarketState } {
  const { ticker } = market;
  const state: MarketState = ticker.enabled ? 'pending' : 'disabled';
  const reason = ticker.enabled ? 'not priced yet: no tick since start-up or since the market map changed' : 'disabled in the market map';
  const feeds = market.provider_configs.map((pc) => {
    const unavailable = ctx.unavailable.get(pc.name);
    const why = state === 'disabled' ? 'market_disabled' : unavailable !== undefined ? 'provider_unavailable' : 'pending';
    return `${feedHead(pc)}"state":"excluded","reason":"${why}","detail":${opt(unavailable ?? null)},"quote":null,"quote_age_seconds":null,"inverted":null,"normalizer":null,"value":null,"deviation":null,"error":null}`;
  });
  const json = `{"market":${str(id)},"key":${str(key)},"enabled":${ticker.enabled},"state":"${state}","reason":${str(reason)},"price":null,"decimals":${ticker.decimals},"median":null,"tick":null,"min_providers":${ticker.min_provider_count},"providers_used":0,"feeds":[${feeds.join(',')}]}`;
  return { json, state };
}

/** The slot of the feed's ticker (any spelling) with the most recent error, if any. */
function lastError(f: FeedPlan): QuoteSlot | undefined {
  let slot: QuoteSlot = f.slot;
  for (let i = 0; i < f.otherSlots.length; i++) {
    const s = f.otherSlots[i] as QuoteSlot;
    if (s.errorAt > slot.errorAt) slot = s;
  }
  return slot.errorAt === 0 ? undefined : slot;
}

/** One feed as the tick at `tickAt` left it. */
function feedJson(ctx: MarketContext, pc: MarketProviderConfig, f: FeedPlan, mp: MarketPlan, served: boolean, tickAt: number, now: number): string {
  const err = lastError(f);
  const priced = f.state === FeedState.Priced;
  let reason = FEED_REASONS[f.state];
  let detail: string | null = null;
  if (!priced) {
    const unavailable = ctx.unavailable.get(pc.name);
    if (unavailable !== undefined) {
      reason = 'provider_unavailable';
      detail = unavailable;
    } else if ((f.state === FeedState.NoQuote || f.state === FeedState.Stale) && err && err.errorAt >= f.quoteAt) {
      // The provider's last word on this ticker was an error.
      reason = 'error';
      detail = `${err.errorCode}: ${errorCodeMessage(err.errorCode)}`;
    } else if (f.state === FeedState.Stale) {
      detail = `older than max_price_age ${seconds(ctx.maxPriceAgeMs)} s`;
    }
  }
  const state = priced ? (served ? 'used' : 'priced') : 'excluded';
  const held = f.quote !== '';
  const quote = held ? `${str(f.quote)},"quote_age_seconds":${seconds(tickAt - f.quoteAt)}` : 'null,"quote_age_seconds":null';
  const median = mp.currentValue;
  return `${feedHead(pc, f)}"state":"${state}","reason":${reason === null ? 'null' : `"${reason}"`},"detail":${opt(detail)},"quote":${quote},` +
    `"inverted":${priced && f.invert ? num(f.base) : 'null'},"normalizer":${priced && f.normalizeBy ? opt(f.norm ?? null) : 'null'},` +
    `"value":${priced ? (f.plainText ?? num(f.value)) : 'null'},"deviation":${priced && served ? num((f.value - median) / median) : 'null'},` +
    `"error":${err ? errorJson(err.errorCode, err.errorAt, now) : 'null'}}`;
}

const ASCII = /^[\x20-\x7e]*$/;

/** Append `s` to `w` as UTF-8 (as Latin-1 when it is printable ASCII, which is the same bytes
 *  and several times faster), reserving its worst-case size instead of measuring it. */
function put(w: ByteWriter, s: string): void {
  w.reserve(s.length * 3);
  w.length += w.buf.write(s, w.length, ASCII.test(s) ? 'latin1' : 'utf8');
}

/**
 * Append the market `key` (BASE/QUOTE `id`) to `w` as the last tick left it: `mp` is its plan
 * entry at the tick at `tickAt`, undefined when that tick did not price it (disabled, or added
 * since). Each feed is written to the buffer as soon as it is built, so no string outlives it.
 * Returns the market's state.
 */
export function writeMarket(
  w: ByteWriter, ctx: MarketContext, key: string, id: string, market: Market, mp: MarketPlan | undefined, tickAt: number | undefined, now: number,
): MarketState {
  if (!market.ticker.enabled || mp === undefined || tickAt === undefined) {
    const idle = idleMarket(ctx, key, id, market);
    put(w, idle.json);
    return idle.state;
  }
  const served = mp.current !== undefined;
  let waiting = 0;
  for (const f of mp.feeds) if (f.state === FeedState.NoNormalizer || f.state === FeedState.NormalizerUnpriced) waiting += 1;
  let state: MarketState = 'served';
  let reason = `median of ${mp.count} fresh provider prices (min ${mp.minProviders})`;
  if (!served) {
    if (ctx.unsupported.has(id)) {
      state = 'unsupported';
      reason = `fewer provider configs can ever deliver a price here than min_provider_count ${mp.minProviders}`;
    } else if (waiting > 0 && mp.count + waiting >= mp.minProviders) {
      state = 'normalizer_missing';
      reason = `${waiting} feeds wait for the median of their normalize_by_pair market`;
    } else {
      state = 'below_min_providers';
      reason = `${mp.count} fresh provider prices, min_provider_count is ${mp.minProviders}`;
    }
  }
  const price = served ? `${str(mp.scaled)},"decimals":${mp.decimals},"median":${str(mp.current as string)}` : `null,"decimals":${mp.decimals},"median":null`;
  put(w, `{"market":${str(id)},"key":${str(key)},"enabled":true,"state":"${state}","reason":${str(reason)},"price":${price},` +
    `"tick":"${iso(tickAt)}","min_providers":${mp.minProviders},"providers_used":${mp.count},"feeds":[`);
  for (let i = 0; i < mp.feeds.length; i++) {
    if (i > 0) ascii(w, ',');
    const f = mp.feeds[i] as FeedPlan;
    const pc = market.provider_configs[i] as MarketProviderConfig;
    const text = f.plainText;
    if (f.state === FeedState.Priced && text !== undefined && lastError(f) === undefined) writePlainFeed(w, pc, f, text, served, mp.currentValue, tickAt);
    else put(w, feedJson(ctx, pc, f, mp, served, tickAt, now));
  }
  ascii(w, ']}');
  return state;
}
