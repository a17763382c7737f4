/**
 * polymarket_api: GET /markets/<condition id> (Polymarket CLOB "Get market").
 * Docs: https://docs.polymarket.com/ (CLOB API, Markets)
 * - Answers the market object (condition_id, question, market_slug, active, closed,
 *   minimum_tick_size, end_date_iso, ...) with `tokens: [{token_id, outcome, price, winner}]`;
 *   `price` is a JSON number (3 significant digits, the 0.001 tick). Unknown market: 404
 *   {"error":"market not found"}. Under `bad-price` every price is the string "abc".
 *
 * Synthetic markets (the ids are made up; the shapes are real):
 * | market (condition id)  | question                                 | Yes price            | No price  |
 * |------------------------|------------------------------------------|----------------------|-----------|
 * | 0xe960…6dcc            | Will DOGE trade above $1 before 2027?    | the book's DOGE/USD  | 1 − Yes   |
 * | 0xf90d…4ab0            | Will OSMO close 2026 above $0.50?        | the book's OSMO/USD  | 1 − Yes   |
 * | 0x342b…7b72 (settled)  | Did BTC trade above $1,000,000 in 2025?  | 0 (lost)             | 1 (won)   |
 * So a live market's Yes token moves with the price book (DOGE/USD stays near 0.15, OSMO/USD
 * near 0.5) and its two prices sum to 1; the settled market's losing token quotes exactly 0
 * (the adapter's 0 → 0.0001 rule).
 * Symbols (off-chain tickers): `<condition id>/<token id>`. Only live Yes tokens follow a
 * book pair, so only they resolve (and have a `quote()`); No and settled tokens are served
 * but not listed. For an end-to-end market use e.g.
 * `WILL_DOGE_TRADE_ABOVE_1_BEFORE_2027?YES/USD` with the DOGE market's Yes ticker.
 */
import { renderDecimal } from '../../sim/symbols.js';
import type { Pair } from '../../sim/symbols.js';
import type { ExchangeView, HttpSimExchange } from '../../sim/types.js';

interface Market {
  conditionId: string;
  question: string;
  slug: string;
  yesToken: string;
  noToken: string;
  /** Live: the Yes price follows this book pair. Settled: Yes lost (0) and No won (1). */
  yes: Pair | 'lost';
}

const MARKETS: readonly Market[] = [
  {
    conditionId: '0xe9601786f2a069ea03d9f65e4d17818ff1247d0be659cf438f8dcb9e3cff6dcc',
    question: 'Will DOGE trade above $1 before 2027?',
    slug: 'will-doge-trade-above-1-before-2027',
    yesToken: '35501226802281006558279189269590642908610077338745802625585949386592085413014',
    noToken: '95433015729366691420084268458673541745403833387583764516378942399339980362404',
    yes: { base: 'DOGE', quote: 'USD' },
  },
  {
    conditionId: '0xf90de34809b43cbd7322e6ed5205b894d5506d7dfe1ecbae9fb487780b574ab0',
    question: 'Will OSMO close 2026 above $0.50?',
    slug: 'will-osmo-close-2026-above-0-50',
    yesToken: '90948163252144646612313725579260705581391772906415588982673024909902997538098',
    noToken: '87174843424884067176303549198171858720782100284677494875458513874474895816972',
    yes: { base: 'OSMO', quote: 'USD' },
  },
  {
    conditionId: '0x342b7b2e02781e837f52c2895f81f867eb5f5c79323929731298541ef00f7b72',
    question: 'Did BTC trade above $1,000,000 in 2025?',
    slug: 'did-btc-trade-above-1000000-in-2025',
    yesToken: '22613491358219586769542474686185860062083084855748798903211658063153828683867',
    noToken: '26888665172248428317479303565744113552846035271145330691806837683184576633573',
    yes: 'lost',
  },
];

const market = (conditionId: string): Market | undefined => MARKETS.find((m) => m.conditionId === conditionId.toLowerCase());

/** [Yes, No] prices as they go on the wire, or undefined when the book lacks the asset. */
function prices(m: Market, view: ExchangeView): [number | string, number | string] | undefined {
  if (m.yes === 'lost') return view.fault().mode === 'bad-price' ? ['abc', 'abc'] : [0, 1];
  const field = view.priceField(m.yes);
  if (field === undefined) return undefined;
  const yes = Number(field);
  return Number.isFinite(yes) ? [yes, Number(view.render(1 - yes))] : [field, field];
}

function body(m: Market, view: ExchangeView): object | undefined {
  const [yes, no] = prices(m, view) ?? [];
  if (yes === undefined || no === undefined) return undefined;
  const closed = m.yes === 'lost';
  return {
    enable_order_book: !closed,
    active: !closed,
    closed,
    archived: false,
    accepting_orders: !closed,
    minimum_order_size: 5,
    minimum_tick_size: 0.001,
    condition_id: m.conditionId,
    question_id: `0x${m.conditionId.slice(2).split('').reverse().join('')}`,
    question: m.question,
    description: 'Synthetic market served by the oracle-sidecar simulator.',
    market_slug: m.slug,
    end_date_iso: closed ? '2025-12-31T00:00:00Z' : '2026-12-31T00:00:00Z',
    game_start_time: null,
    seconds_delay: 0,
    neg_risk: false,
    is_50_50_outcome: false,
    tokens: [
      { token_id: m.yesToken, outcome: 'Yes', price: yes, winner: false },
      { token_id: m.noToken, outcome: 'No', price: no, winner: closed },
    ],
    tags: ['Crypto'],
  };
}

export const sim = {
  kind: 'http',
  name: 'polymarket_api',
  offsetBps: 0,
  endpointPath: '/markets/%s',
  resolve: (symbol, known) => {
    const [conditionId = '', token = '', ...extra] = symbol.split('/');
    const m = market(conditionId);
    if (m === undefined || m.yes === 'lost' || token !== m.yesToken || extra.length > 0) return undefined;
    return known(m.yes.base) ? m.yes : undefined;
  },
  symbols: (assets) => MARKETS.flatMap((m) => (m.yes !== 'lost' && assets.includes(m.yes.base) ? [`${m.conditionId}/${m.yesToken}`] : [])),
  render: (value) => renderDecimal(value, 3, 0),
  handle(req, view) {
    const match = /^\/markets\/([^/]+)$/.exec(req.url.pathname);
    const m = match ? market(match[1] ?? '') : undefined;
    const reply = m && body(m, view);
    return reply ? { status: 200, body: reply } : { status: 404, body: { error: 'market not found' } };
  },
} satisfies HttpSimExchange;
