/**
 * gecko_terminal_api: GET /api/v2/simple/networks/eth/token_price/<address>[,<address>...]
 * (GeckoTerminal "token price").
 * Docs: https://api.geckoterminal.com/docs/index.html
 * - Answers {data: {id: <uuid>, type: "simple_token_price", attributes: {token_prices:
 *   {"<address>": "<decimal string>"}}}} with lower-case address keys, in request order.
 * - Addresses match case-insensitively; unknown addresses are left out of `token_prices`.
 *   More than 30 addresses answer 400; a network other than `eth` answers 404, both in
 *   GeckoTerminal's JSON:API error shape {"errors":[{"status","title"}]}.
 * - Fault `error-ack` answers 200 with `data.type` "error" (a wrong response type).
 * - Prices: 12 significant digits, as strings.
 * Symbols: Ethereum ERC-20 addresses, from an explicit table: WETH → ETH, WBTC → BTC,
 * USDC → USDC, USDT → USDT, each quoted against USD.
 */
import { randomUUID } from 'node:crypto';
import { renderDecimal } from '../../sim/symbols.js';
import type { HttpReply, HttpSimExchange } from '../../sim/types.js';

const TOKENS: Readonly<Record<string, string>> = {
  '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2': 'ETH', // WETH
  '0x2260fac5e5542a773aa44fbcfedf7c193bc2c599': 'BTC', // WBTC
  '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48': 'USDC',
  '0xdac17f958d2ee523a2206206994597c13d831ec7': 'USDT',
};

const PATH = /^\/api\/v2\/simple\/networks\/([^/]+)\/token_price\/([^/]+)$/;
const MAX_ADDRESSES = 30;

const error = (status: number, title: string): HttpReply => ({ status, body: { errors: [{ status: String(status), title }] } });

export const sim = {
  kind: 'http',
  name: 'gecko_terminal_api',
  offsetBps: 3,
  endpointPath: '/api/v2/simple/networks/eth/token_price/%s',
  resolve: (symbol, known) => {
    const address = symbol.toLowerCase();
    const asset = Object.hasOwn(TOKENS, address) ? TOKENS[address] : undefined;
    return asset !== undefined && known(asset) ? { base: asset, quote: 'USD' } : undefined;
  },
  symbols: (assets) => Object.entries(TOKENS).filter(([, asset]) => assets.includes(asset)).map(([address]) => address),
  render: (value) => renderDecimal(value, 12, 0),
  handle(req, view) {
    const match = PATH.exec(req.url.pathname);
    if (match === null || match[1] !== 'eth') return error(404, 'Not Found');
    const addresses = (match[2] ?? '').split(',').map((a) => a.trim().toLowerCase());
    if (addresses.length > MAX_ADDRESSES) return error(400, `Too many addresses (max ${MAX_ADDRESSES})`);
    const prices: Record<string, string> = {};
    for (const address of addresses) {
      const pair = view.resolve(address);
      const field = pair && view.priceField(pair);
      if (field !== undefined) prices[address] = field;
    }
    const type = view.fault().mode === 'error-ack' ? 'error' : 'simple_token_price';
    return { status: 200, body: { data: { id: randomUUID(), type, attributes: { token_prices: prices } } } };
  },
} satisfies HttpSimExchange;
