/**
 * Endpoint URL templates against the built-in ones: an exchange whose built-in template
 * carries `%s` placeholders (the tickers go there, e.g. kraken_api `…/Ticker?pair=%s`,
 * binance_api's three) fills exactly that many, so a configured URL with another count fails
 * every request at run time (UnableToCreateURL), and the driver's log line about it quoted the
 * whole URL every 10 s. It is rejected at load instead, naming the key. Data-driven: the
 * built-in entries of the exchange registry are the reference; providers without one, and
 * templates without `%s`, are not checked. Messages never show a query string (redactUrls).
 */
import { redactUrls } from '../log.js';
import type { Problems } from './origins.js';
import type { Endpoint, ProviderConfig } from './types.js';

const PLACEHOLDER = '%s';

/** How many `%s` a template holds. */
export function placeholderCount(template: string): number {
  return template.split(PLACEHOLDER).length - 1;
}

/** Checks provider `key`'s enabled transports against `builtIn` (its registry entry). */
export function validatePlaceholders(key: string, p: ProviderConfig, builtIn: ProviderConfig | undefined, problems: Problems): void {
  if (!builtIn) return;
  if (p.api.enabled) check(p.api.endpoints, builtIn.api.endpoints, ['providers', key, 'api', 'endpoints'], problems);
  if (p.webSocket.enabled) check(p.webSocket.endpoints, builtIn.webSocket.endpoints, ['providers', key, 'webSocket', 'endpoints'], problems);
}

function check(list: Endpoint[], defaults: Endpoint[], at: string[], problems: Problems): void {
  const template = defaults[0]?.url ?? '';
  const want = placeholderCount(template);
  if (want === 0) return;
  list.forEach((e, i) => {
    const got = placeholderCount(e.url);
    if (e.url === '' || got === want) return;
    // The built-in template holds no secret: its path and query show where the `%s` go.
    const shape = template.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
    problems.at([...at, i, 'url'], `must contain ${want} "%s" placeholder(s) for the tickers, like the built-in ` +
      `template ${shape}; found ${got} in ${redactUrls(e.url).slice(0, 200)}`);
  });
}
