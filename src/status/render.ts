/**
 * `oracle-sidecar status` output: the whole map as a table (one line a market, then one a
 * provider), or one market as a tree: the served price ← median ← feeds ← raw quotes and the
 * conversions applied. Pure functions of the /status JSON (types.ts).
 */
import type { FeedStatus, MarketStatus, ProviderStatus, StatusError, StatusReport } from './types.js';

/** How many failing feeds a market line names before "+N more". */
const NOTES_SHOWN = 3;

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 2))).join('').trimEnd());
}

function time(iso: string | null): string {
  return iso === null ? 'never' : iso.replace(/^.*T/, '');
}

function ago(s: number | null): string {
  return s === null ? '-' : `${s} s ago`;
}

function errorText(e: StatusError): string {
  return `${e.code} ${e.message}`;
}

function percent(ratio: number): string {
  const p = Math.abs(ratio) < 5e-6 ? 0 : ratio * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(3)} %`;
}

/** Significant digits of an exact decimal shown in full; longer ones are cut, with "…". */
const EXACT_DIGITS = 15;

/** An exact decimal (a quote, a median) as shown: in full unless it is very long. */
function exact(text: string): string {
  const digits = text.replace(/^[0.]+/, '').replace('.', '').length;
  if (digits <= EXACT_DIGITS || !/^\d+(\.\d+)?$/.test(text)) return text;
  return `${String(Number(Number(text).toPrecision(EXACT_DIGITS)))}…`;
}

/** A converted price to 12 significant digits (the float's last digits are rounding noise). */
function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}

function header(r: StatusReport, url: string): string[] {
  const age = r.tick === null ? '' : ` (${((Date.parse(r.now) - Date.parse(r.tick)) / 1000).toFixed(3)} s before this answer)`;
  return [
    `oracle-sidecar ${r.version} at ${url}`,
    `last tick ${r.tick ?? 'none yet'}${age}; update interval ${r.update_interval_seconds} s, max price age ${r.max_price_age_seconds} s`,
  ];
}

/** Why a feed is not in the median, in a few words. */
function feedWhy(f: FeedStatus): string {
  const why = f.reason ?? f.state;
  return f.detail === null ? why : `${why} (${f.detail})`;
}

function marketNotes(m: MarketStatus): string {
  const failing = m.feeds.filter((f) => f.state === 'excluded');
  if (failing.length === 0) return '';
  const named = failing.slice(0, NOTES_SHOWN).map((f) => `${f.provider}: ${f.reason ?? ''}${f.error && f.reason === 'error' ? ` ${f.error.code}` : ''}`);
  if (failing.length > NOTES_SHOWN) named.push(`+${failing.length - NOTES_SHOWN} more`);
  return `${failing.length} excluded: ${named.join(', ')}`;
}

function providerRows(providers: readonly ProviderStatus[]): string[][] {
  return [
    ['PROVIDER', 'TRANSPORT', 'STATE', 'CONNECTIONS', 'LAST PRICE', 'LAST ERROR'],
    ...providers.map((p) => [
      p.name,
      p.transport ?? '-',
      p.state === 'unavailable' ? `unavailable (${p.reason ?? ''})` : p.state,
      p.connections ? `${p.connections.healthy}/${p.connections.configured}` : '-',
      ago(p.last_delivery_seconds_ago),
      p.last_error ? `${errorText(p.last_error)}, ${ago(p.last_error.seconds_ago)}` : '-',
    ]),
  ];
}

/** The whole map: a summary, one line per market, one line per provider. */
export function renderTable(r: StatusReport, url: string): string {
  const s = r.summary;
  const lines = [...header(r, url), `${s.served} of ${s.enabled} enabled markets served${s.markets > s.enabled ? ` (${s.markets - s.enabled} disabled)` : ''}`];
  if (s.not_served.length > 0) lines.push(`not served: ${s.not_served.join(', ')}`);
  lines.push('');
  lines.push(...table([
    ['MARKET', 'STATE', 'PRICE', 'DECIMALS', 'PROVIDERS', 'NOTES'],
    ...r.markets.map((m) => [
      m.market,
      m.state,
      m.price ?? '-',
      String(m.decimals),
      m.enabled ? `${m.providers_used}/${m.feeds.length} (min ${m.min_providers})` : '-',
      m.enabled ? marketNotes(m) : '',
    ]),
  ]));
  lines.push('', ...table(providerRows(r.providers)), '');
  return lines.join('\n');
}

/** How a feed's value came from its quote: raw quote, age, inversion, normalisation. */
function conversion(f: FeedStatus): string {
  if (f.quote === null) return 'no quote held';
  const steps = [`quote ${exact(f.quote)}, ${f.quote_age_seconds} s old at the tick`];
  if (f.invert) steps.push(f.inverted === null ? 'inverted' : `inverted ${num(f.inverted)}`);
  if (f.normalize_by !== null) {
    const by = (f.normalizer === null ? null : exact(f.normalizer)) ?? (f.reason === 'normalizer_unpriced' ? '(no median)' : f.reason === 'normalizer_missing' ? '(not an enabled market)' : '');
    steps.push(`× ${f.normalize_by} ${by}`.trimEnd());
  }
  if (f.value !== null && (f.invert || f.normalize_by !== null)) steps.push(`= ${num(f.value)}`);
  return steps.join(' → ');
}

/** One market: price ← median ← feeds ← quotes and conversions. */
export function renderMarket(r: StatusReport, url: string): string {
  const m = r.markets[0] as MarketStatus;
  const lines = [...header(r, url), ''];
  const price = m.price === null ? 'no price' : `price ${m.price} (decimals ${m.decimals})`;
  lines.push(`${m.market}  ${m.state}: ${price}${m.tick ? `, tick ${time(m.tick)}` : ''}`);
  lines.push(`  ${m.reason}`);
  const priced = m.feeds.filter((f) => f.state !== 'excluded').length;
  lines.push(`└─ median ${m.median === null ? '-' : exact(m.median)} ← ${priced} of ${m.feeds.length} feeds priced`);
  const rows = table(m.feeds.map((f) => [
    f.state,
    f.provider,
    f.ticker,
    f.state === 'excluded' || f.value === null ? feedWhy(f) : `${num(f.value)}${f.deviation === null ? '' : `  ${percent(f.deviation)}`}`,
  ]));
  m.feeds.forEach((f, i) => {
    const last = i === m.feeds.length - 1;
    lines.push(`   ${last ? '└─' : '├─'} ${rows[i] ?? ''}`);
    const indent = `   ${last ? '  ' : '│ '}    `;
    lines.push(`${indent}└─ ${conversion(f)}`);
    if (f.error) lines.push(`${indent}   last error ${errorText(f.error)}, ${ago(f.error.seconds_ago)}`);
  });
  lines.push('', ...table(providerRows(r.providers)), '');
  return lines.join('\n');
}
