/**
 * `npm run demo`: the built-in exchange simulator plus a side-car pointed at it, on this
 * machine, with no internet. Extra arguments go to the side-car (e.g. `-- --port 9080`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './app.js';
import { startSimulator } from './sim/index.js';

const sim = await startSimulator();
const dir = mkdtempSync(join(tmpdir(), 'oracle-sidecar-demo-'));
const oracleConfig = join(dir, 'oracle.json');
writeFileSync(oracleConfig, JSON.stringify(sim.oracleOverride(), null, 2));
const marketConfig = fileURLToPath(new URL('../../market.json', import.meta.url));

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return fallback;
  return args[i]?.includes('=') ? (args[i]?.split('=')[1] ?? fallback) : (args[i + 1] ?? fallback);
};
const port = flag('--port', '8080');
const metrics = flag('--metrics-prometheus-address', '0.0.0.0:8002').split(':').pop();
process.stderr.write(
  [
    'oracle-sidecar demo: simulator + side-car',
    `  prices:     http://127.0.0.1:${port}/connect/oracle/v2/prices (v1 nodes: /slinky/oracle/v1/prices)`,
    `  market map: http://127.0.0.1:${port}/connect/oracle/v2/marketmap`,
    `  metrics:    http://127.0.0.1:${metrics}/metrics`,
    `  simulator:  ${sim.controlUrl}/book  (fault injection: POST ${sim.controlUrl}/fault)`,
    `  config:     ${oracleConfig} (simulator endpoints), ${marketConfig}`,
    '  Ctrl-C stops both.',
    '',
  ].join('\n'),
);

const code = await main(['--oracle-config', oracleConfig, '--market-config-path', marketConfig, ...args], process.env);
await sim.close();
process.exit(code);
