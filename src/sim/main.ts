/**
 * CLI: node dist/src/sim/main.js [--host 127.0.0.1] [--base-port N] [--control-port N]
 *        [--seed N] [--step-ms N] [--push-interval-ms N] [--dydx-node] [--no-limits]
 * Starts the simulator, prints one JSON line {controlUrl, endpoints, oracleOverride} and
 * exits 0 on SIGINT/SIGTERM after closing every server. With --base-port N the exchanges
 * listen on N, N+1, ... in registry order (binance_api, kraken_api, coinbase_api,
 * binance_ws, coinbase_ws, okx_ws) and the control API on N+6 unless --control-port is set.
 * Without --base-port every port is ephemeral. Bad arguments exit 2.
 * --no-limits stops enforcing the exchanges' documented connection and subscription limits.
 * --dydx-node also starts a simulated dYdX node (dydx-node.ts: empty x/prices, x/marketmap
 * off, driven through its /sim/* routes) on ephemeral ports; the JSON line then carries
 * `dydx: {restUrl, grpcAddress, researchUrl, oracleOverride}`.
 */
import { startDydxNode, type DydxNode } from './dydx-node.js';
import { startSimulator } from './index.js';
import type { SimulatorOptions } from './index.js';

const USAGE =
  'usage: sim [--host 127.0.0.1] [--base-port N] [--control-port N] [--seed N] [--step-ms N] [--push-interval-ms N] [--dydx-node] [--no-limits]';

const NUMERIC: Record<string, keyof SimulatorOptions> = {
  '--base-port': 'basePort',
  '--control-port': 'controlPort',
  '--seed': 'seed',
  '--step-ms': 'stepMs',
  '--push-interval-ms': 'pushIntervalMs',
};

function parseArgs(args: readonly string[]): (SimulatorOptions & { dydxNode: boolean }) | string {
  const dydxNode = args.includes('--dydx-node');
  const noLimits = args.includes('--no-limits');
  const argv = args.filter((a) => a !== '--dydx-node' && a !== '--no-limits');
  const opts: Record<string, string | number> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (value === undefined) return `${flag}: missing value\n${USAGE}`;
    if (flag === '--host') {
      opts['host'] = value;
      continue;
    }
    const key = NUMERIC[flag];
    if (key === undefined) return `unknown flag ${flag}\n${USAGE}`;
    const n = Number(value);
    const max = key === 'basePort' || key === 'controlPort' ? 65535 : 2 ** 32 - 1;
    if (!/^\d+$/.test(value) || n > max || (key.endsWith('Ms') && n === 0)) return `${flag}: bad value ${value}\n${USAGE}`;
    opts[key] = n;
  }
  return { ...(opts as SimulatorOptions), ...(noLimits ? { limits: false } : {}), dydxNode };
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    console.error(parsed);
    process.exit(2);
  }
  const sim = await startSimulator(parsed);
  let dydx: DydxNode | undefined;
  if (parsed.dydxNode) dydx = await startDydxNode(parsed.host === undefined ? {} : { host: parsed.host });
  const dydxInfo = dydx && { restUrl: dydx.restUrl, grpcAddress: dydx.grpcAddress, researchUrl: dydx.researchUrl, oracleOverride: dydx.oracleOverride() };
  process.stdout.write(
    `${JSON.stringify({ controlUrl: sim.controlUrl, endpoints: sim.endpoints, oracleOverride: sim.oracleOverride(), ...(dydxInfo ? { dydx: dydxInfo } : {}) })}\n`,
  );
  const stop = (): void => {
    Promise.all([sim.close(), dydx?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`simulator failed to start: ${String(err)}`);
  process.exit(1);
});
