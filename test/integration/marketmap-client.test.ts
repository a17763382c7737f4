/** The x/marketmap gRPC client against fake nodes speaking connect v2, connect v1, or both:
 *  it asks v2 first, falls back to v1 on UNIMPLEMENTED, sticks to the version that answered,
 *  and follows a node that changes version. */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createMarketMapClient, type MarketMapClient, type MarketMapQuery } from '../../src/providers/marketmap/client.js';
import { marketMapFromResponse } from '../../src/providers/marketmap/convert.js';
import { startChainNode, type ChainNode, type NodeVersion } from '../helpers/chain-node.js';
import { feed, market, marketMap } from '../helpers/market.js';

const MAP = marketMap(market('BTC/USD', 5, 1, [feed('coinbase_ws', 'BTC-USD')]));
const V2 = 'connect.marketmap.v2.Query';
const V1 = 'slinky.marketmap.v1.Query';

let node: ChainNode | undefined;
let client: MarketMapClient | undefined;

afterEach(async () => {
  client?.close();
  await node?.stop();
});

async function setup(versions: NodeVersion[]) {
  node = await startChainNode(MAP, { versions });
  const heard: MarketMapQuery[] = [];
  client = createMarketMapClient(node.address, { maxReconnectBackoffMs: 200, onVersion: (q) => heard.push(q) });
  return { node, client, heard };
}

describe('createMarketMapClient', () => {
  it('asks connect.marketmap.v2 of a v2 node, once per call', async () => {
    const t = await setup(['v2']);
    for (let i = 0; i < 3; i++) expect(marketMapFromResponse(await t.client.marketMap(2000))).toEqual({ ok: true, map: MAP });
    expect(t.node.callsBy()).toEqual({ [V2]: 3 });
    expect(t.heard).toEqual([V2]);
  });

  it('falls back to slinky.marketmap.v1 on a v1 node and keeps using it', async () => {
    const t = await setup(['v1']);
    for (let i = 0; i < 3; i++) expect(marketMapFromResponse(await t.client.marketMap(2000))).toEqual({ ok: true, map: MAP });
    // UNIMPLEMENTED from v2 is not counted by the fake node: only the three v1 calls reached a handler.
    expect(t.node.callsBy()).toEqual({ [V1]: 3 });
    expect(t.heard).toEqual([V1]);
  });

  it('follows a node upgraded from v1 to v2 (and back)', async () => {
    const t = await setup(['v1']);
    await t.client.marketMap(2000);
    await t.node.stop();
    t.node.setVersions(['v2']);
    await t.node.restart();
    expect(marketMapFromResponse(await t.client.marketMap(5000))).toEqual({ ok: true, map: MAP });
    await t.node.stop();
    t.node.setVersions(['v1']);
    await t.node.restart();
    await t.client.marketMap(5000);
    expect(t.heard).toEqual([V1, V2, V1]);
  });

  it('rejects with UNIMPLEMENTED when the node serves neither version', async () => {
    const t = await setup([]);
    await expect(t.client.marketMap(2000)).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    expect(t.heard).toEqual([]);
  });
});
