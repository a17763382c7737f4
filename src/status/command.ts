/**
 * `oracle-sidecar status [--url http://host:8002] [--json] [MARKET]`: asks a running side-car's
 * metrics port for /status and prints it (render.ts), for an operator on the host.
 * Exit codes: 0 every market shown is served (or disabled); 1 the side-car cannot be reached or
 * answered something else than a status; 2 bad arguments; 3 a market is not served, or MARKET
 * is not in the market map.
 */
import { redactUrls } from '../log.js';
import { renderMarket, renderTable } from './render.js';
import type { StatusReport } from './types.js';

export const DEFAULT_STATUS_URL = 'http://127.0.0.1:8002';
const TIMEOUT_MS = 10_000;

export const STATUS_USAGE = [
  'Usage: oracle-sidecar status [--url URL] [--json] [MARKET]',
  '',
  'Shows why each market of a running side-car is served or not (GET URL/status on its metrics',
  'port); with MARKET (e.g. BTC/USD), how its price was computed from each provider.',
  '',
  `  --url URL   the side-car's metrics address (default ${DEFAULT_STATUS_URL})`,
  '  --json      print the JSON answer as it came',
  '',
  'Exit status: 0 all served, 1 side-car unreachable, 2 bad arguments, 3 a market not served or unknown.',
  '',
].join('\n');

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

interface StatusArgs {
  url: string;
  json: boolean;
  market: string | undefined;
}

function parse(argv: readonly string[]): StatusArgs | 'help' | Error {
  const args: StatusArgs = { url: DEFAULT_STATUS_URL, json: false, market: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--json') args.json = true;
    else if (a === '--url' || a.startsWith('--url=')) {
      const value = a === '--url' ? argv[++i] : a.slice('--url='.length);
      if (!value) return new Error('--url needs a value, e.g. --url http://127.0.0.1:8002');
      args.url = value;
    } else if (a.startsWith('-')) return new Error(`unknown flag ${a}`);
    else if (args.market !== undefined) return new Error(`one market at most (got ${args.market} and ${a})`);
    else args.market = a;
  }
  try {
    const u = new URL(args.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return new Error(`--url ${redactUrls(args.url)}: expected an http:// or https:// address`);
  } catch {
    return new Error(`--url ${redactUrls(args.url)} is not a URL`);
  }
  return args;
}

export async function statusCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv);
  if (args === 'help') {
    io.out(STATUS_USAGE);
    return 0;
  }
  if (args instanceof Error) {
    io.err(`oracle-sidecar status: ${args.message}\n${STATUS_USAGE}`);
    return 2;
  }
  const base = args.url.replace(/\/+$/, '');
  const where = redactUrls(base);
  const target = `${base}/status${args.market === undefined ? '' : `?${new URLSearchParams({ market: args.market })}`}`;
  let code: number;
  let text: string;
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    code = res.status;
    text = await res.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    io.err(`oracle-sidecar status: cannot reach the side-car at ${where}: ${redactUrls(cause?.code ?? cause?.message ?? (err as Error).message)}\n`);
    return 1;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const missing = body as { error?: unknown; market?: unknown } | undefined;
  if (code === 404 && typeof missing?.market === 'string' && typeof missing.error === 'string') {
    io.err(`oracle-sidecar status: ${missing.error}\n`);
    return 3;
  }
  if (code !== 200 || !isReport(body)) {
    io.err(`oracle-sidecar status: ${where}/status answered HTTP ${code} without a status report (is this the side-car's metrics port?)\n`);
    return 1;
  }
  io.out(args.json ? `${text}\n` : args.market === undefined ? renderTable(body, where) : renderMarket(body, where));
  return body.markets.every((m) => m.state === 'served' || m.state === 'disabled') ? 0 : 3;
}

function isReport(x: unknown): x is StatusReport {
  if (!x || typeof x !== 'object') return false;
  const r = x as Partial<StatusReport>;
  return Array.isArray(r.markets) && Array.isArray(r.providers) && typeof r.summary === 'object';
}
