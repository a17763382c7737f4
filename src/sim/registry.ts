/**
 * The simulator's view of the exchange registry (src/exchanges/index.ts): every exchange's
 * emulation, in registry order, which is port order: with basePort N the i-th entry listens
 * on N + i. The emulations are loaded here, once, by the registry's lazy imports (a top-level
 * await), so that the side-car, which reads the same registry, never loads them.
 */
import { EXCHANGES } from '../exchanges/index.js';
import type { SimExchange } from './types.js';

export const SIM_EXCHANGES: readonly SimExchange[] = await Promise.all(EXCHANGES.map(async (e) => (await e.sim()).sim));
