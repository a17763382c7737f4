/**
 * undici, loaded on first use. Its entry module loads every part of the package (fetch,
 * WebSocket, EventSource, caches, mocks): about 3 MB of heap after a full GC, which a side-car
 * whose market map uses only WebSocket providers never needs. HTTP pollers and the WebSocket
 * token request (kucoin) load it when they first run.
 */
import { createRequire } from 'node:module';

type Undici = typeof import('undici');

const require = createRequire(import.meta.url);
let loaded: Undici | undefined;

export function undici(): Undici {
  loaded ??= require('undici') as Undici;
  return loaded;
}
