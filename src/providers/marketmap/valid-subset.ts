/**
 * connect's MarketMap.GetValidSubset (x/marketmap/types/market.go), used for maps read from
 * the chain: instead of rejecting the whole map, (1) drop provider configs whose
 * normalize_by_pair market is missing, or disabled while the referring market is enabled,
 * then (2) drop markets that fail validation (the same rules as market.json,
 * src/config/market-map.ts validateMarket). Unlike connect, the two steps repeat until
 * nothing changes, so a feed normalised by a market dropped in step 2 is dropped too and the
 * result always validates (connect's final ValidateBasic failed there and the whole update
 * was skipped). Pure: the input is not modified.
 */
import { marketPath } from '../../config/market-decode.js';
import { validateMarket } from '../../config/market-map.js';
import { pairString, type Market, type MarketMap, type MarketProviderConfig } from '../../config/types.js';

export interface ValidSubset {
  /** The valid markets (provider configs pruned as above). */
  map: MarketMap;
  /** Removed market key → its problems, each `path: message`. */
  removed: Record<string, string[]>;
  /** Provider configs dropped for their normalize_by_pair, each `path: reason`. */
  droppedFeeds: string[];
}

/** Why `pc` (of a market enabled or not) cannot normalise against `markets`, or undefined. */
function normalizeProblem(markets: Record<string, Market>, pc: MarketProviderConfig, enabled: boolean): string | undefined {
  if (!pc.normalize_by_pair) return undefined;
  const key = pairString(pc.normalize_by_pair);
  const target = markets[key];
  if (!target) return `normalize_by_pair market ${JSON.stringify(key)} is not in the valid market map`;
  if (enabled && !target.ticker.enabled) return `normalize_by_pair market ${JSON.stringify(key)} is disabled while this market is enabled`;
  return undefined;
}

/** Step 1 over every market (replaces the pruned ones). */
function pruneFeeds(markets: Record<string, Market>, original: MarketMap, dropped: string[]): void {
  for (const [key, m] of Object.entries(markets)) {
    const keep = m.provider_configs.filter((pc) => {
      const problem = normalizeProblem(markets, pc, m.ticker.enabled);
      if (problem === undefined) return true;
      const index = original.markets[key]?.provider_configs.indexOf(pc) ?? -1;
      dropped.push(`${marketPath(key)}.provider_configs[${index}]: ${problem}`);
      return false;
    });
    if (keep.length !== m.provider_configs.length) markets[key] = { ticker: m.ticker, provider_configs: keep };
  }
}

/** Step 2; returns whether any market was removed. */
function dropInvalid(markets: Record<string, Market>, removed: Record<string, string[]>): boolean {
  const snapshot: MarketMap = { markets: { ...markets } };
  let changed = false;
  for (const [key, m] of Object.entries(snapshot.markets)) {
    const problems: string[] = [];
    validateMarket(snapshot, key, m, (path, message) => problems.push(`${path}: ${message}`));
    if (problems.length === 0) continue;
    removed[key] = problems;
    delete markets[key];
    changed = true;
  }
  return changed;
}

export function validSubset(map: MarketMap): ValidSubset {
  const markets: Record<string, Market> = { ...map.markets };
  const removed: Record<string, string[]> = {};
  const droppedFeeds: string[] = [];
  for (;;) {
    pruneFeeds(markets, map, droppedFeeds);
    if (!dropInvalid(markets, removed)) break;
  }
  return { map: { markets }, removed, droppedFeeds };
}
