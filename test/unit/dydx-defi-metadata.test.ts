/**
 * A dYdX market map's DeFi feeds, converted by the dYdX market-map providers, are read by the
 * DeFi adapters: the metadata_JSON the converter writes is the one the adapters parse.
 */
import { describe, expect, it } from 'vitest';
import { poolMetadata } from '../../src/exchanges/raydium_api/metadata.js';
import { parsePoolConfig } from '../../src/exchanges/uniswapv3/pool-config.js';
import { raydiumMetadata, uniswapV3Metadata } from '../../src/providers/marketmap/dydx-metadata.js';

// dYdX x/prices exchange-config tickers (connect providers/apis/dydx/parse_test.go forms).
const RAYDIUM = 'SMOLE-SOL-VDZ9kwvKRbqhNdsoRZyLVzAAQMbGY9akHbtM6YugViS-8-HiLcngHP5y1Jno53tuuNeFHKWhyyZp3XuxtKPszD6rG2-9-FeKBjZ5rBvHPyppHf11qjYxwaQuiympppCTQ5pC6om3F-5EgCcjkuE42YyTZY4QG8qTioUwNh6agTvJuNRyEqcqV1';
const UNISWAP = '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640-18-6';

describe('dYdX DeFi metadata as the adapters read it', () => {
  it('raydium: the converted vaults, decimals, AMM and open orders', () => {
    const m = raydiumMetadata(RAYDIUM);
    if (!m.ok) throw new Error(m.error);
    // BASE-QUOTE-BASE_VAULT-BASE_DECIMALS-QUOTE_VAULT-QUOTE_DECIMALS-OPEN_ORDERS-AMM_INFO
    const [, , baseVault, baseDecimals, quoteVault, quoteDecimals, openOrders, ammInfo] = RAYDIUM.split('-');
    expect(poolMetadata(m.json)).toEqual({
      baseVault, baseDecimals: Number(baseDecimals), quoteVault, quoteDecimals: Number(quoteDecimals), ammInfo, openOrders,
    });
  });

  it('uniswap: address, decimals and invert', () => {
    for (const invert of [false, true]) {
      const m = uniswapV3Metadata(UNISWAP, invert);
      if (!m.ok) throw new Error(m.error);
      const parsed = parsePoolConfig(m.json);
      expect(parsed).not.toBeInstanceOf(Error);
      expect(parsed).toMatchObject({ baseDecimals: 18, quoteDecimals: 6, invert });
      expect(JSON.stringify(parsed).toLowerCase()).toContain(UNISWAP.split('-')[0]?.toLowerCase().slice(2));
    }
  });
});
