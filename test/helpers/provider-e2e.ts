/**
 * The per-provider end-to-end check: the built daemon, pointed at the simulator through an
 * --oracle-config override of that provider's endpoint URL only, serves the simulator's price
 * for a market fed only by that provider (side_car_provider_price and /prices).
 */
import { expect } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { parseExposition, startDaemon } from './daemon.js';
import { waitFor } from './metrics.js';

export interface ProviderCase {
  provider: string;
  /** Market key, BASE/QUOTE. */
  market: string;
  offChainTicker: string;
  /** The exchange's own symbol in the simulator, when it differs from the off-chain ticker. */
  simSymbol?: string;
  decimals?: number;
  invert?: boolean;
  metadataJSON?: string;
}

export async function checkProviderEndToEnd(c: ProviderCase): Promise<void> {
  const sim = await startSimulator({ seed: 9 });
  sim.book.freeze(true);
  try {
    const override = sim.oracleOverride() as { providers: Record<string, object> };
    const providerOverride = override.providers[c.provider];
    expect(providerOverride, `simulator serves ${c.provider}`).toBeDefined();
    const [Base = '', Quote = ''] = c.market.split('/');
    const decimals = c.decimals ?? 8;
    const market = {
      markets: {
        [c.market]: {
          ticker: { currency_pair: { Base, Quote }, decimals, min_provider_count: 1, enabled: true, metadata_JSON: '' },
          provider_configs: [{ name: c.provider, off_chain_ticker: c.offChainTicker, invert: c.invert ?? false, metadata_JSON: c.metadataJSON ?? '' }],
        },
      },
    };
    const daemon = await startDaemon({ providers: { [c.provider]: providerOverride } }, market);
    try {
      const prices = async () => ((await (await fetch(`${daemon.apiUrl}/connect/oracle/v2/prices`)).json()) as { prices: Record<string, string> }).prices;
      await waitFor(async () => (await prices())[c.market] !== undefined, 20_000, 100).catch(() => undefined);
      const served = (await prices())[c.market];
      expect(served, `${c.provider}: /prices has ${c.market}\n${daemon.stdout().slice(-2000)}`).toMatch(/^\d+$/);
      const quoted = sim.quote(c.provider, c.simSymbol ?? c.offChainTicker);
      expect(quoted, `simulator quotes ${c.simSymbol ?? c.offChainTicker} on ${c.provider}`).toBeGreaterThan(0);
      const expected = c.invert ? 1 / (quoted ?? NaN) : (quoted ?? NaN);
      expect(Number(served) / 10 ** decimals / expected - 1, `${c.provider} /prices ${served}`).toBeCloseTo(0, 7);

      const fams = parseExposition(await (await fetch(`${daemon.metricsUrl}/metrics`)).text());
      const id = c.market.toLowerCase();
      const gauge = fams.get('side_car_provider_price')?.samples.find((s) => s.labels.provider === c.provider && s.labels.id === id);
      expect(gauge?.value, `side_car_provider_price{provider="${c.provider}",id="${id}"}`).toBeDefined();
      expect((gauge?.value ?? NaN) / expected - 1).toBeCloseTo(0, 7);
      const ok = fams.get('side_car_provider_status_responses')?.samples.find((s) => s.labels.provider === c.provider && s.labels.status === 'success');
      expect(ok?.value).toBeGreaterThan(0);
    } finally {
      await daemon.stop();
    }
  } finally {
    await sim.close();
  }
}
