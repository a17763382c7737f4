/**
 * The configuration limits through the built binary: each bad value exits 2 before anything
 * listens, naming the key and its source (flag, variable or file), and nothing hangs: a
 * configuration file that is /dev/zero, a FIFO or a huge sparse file is refused at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from '../helpers/daemon.js';
import { feed, market, marketMap } from '../helpers/market.js';

const goodMarket = marketMap(market('BTC/USD', 8, 1, [feed('kraken_api', 'XXBTZUSD')]));
const dir = mkdtempSync(join(tmpdir(), 'config-limits-e2e-'));
let n = 0;

/** A path in a fresh name that `make` turns into something other than a good file. */
function special(make: (path: string) => void): string {
  const path = join(dir, `${n++}.json`);
  make(path);
  return path;
}
const devZero = () => special((p) => symlinkSync('/dev/zero', p));
const fifo = () => special((p) => execFileSync('mkfifo', [p]));
const sparse = () => special((p) => {
  writeFileSync(p, '');
  truncateSync(p, 64 * 1024 * 1024 + 1);
});

interface Case {
  name: string;
  args?: string[];
  env?: Record<string, string>;
  oracle?: unknown;
  /** The market.json content. */
  market?: unknown;
  /** Flags of the test's own start-up line left out, so that the file or variable counts. */
  omit?: string[];
  expect: Array<string | RegExp>;
}

const cases: Case[] = [
  // defect: durations past 2^31 ms became 1 ms timers; "1ns" made ~730 ticks/s
  { name: 'updateInterval 1000h in the file', oracle: { updateInterval: '1000h' }, expect: [/updateInterval: must be at most 24h .*\(file .*oracle\.json\)/] },
  { name: 'api.interval 1000h in the file', oracle: { providers: { kraken_api: { api: { interval: '1000h' } } } }, expect: ['providers.kraken_api.api.interval: must be at most 24h'] },
  { name: 'api.timeout 1000h in a variable', env: { CONNECT_CONFIG_PROVIDERS_KRAKEN_API_API_TIMEOUT: '1000h' }, expect: ['providers.kraken_api.api.timeout: must be at most 24h', '(env CONNECT_CONFIG_PROVIDERS_KRAKEN_API_API_TIMEOUT)'] },
  { name: '--update-interval 1000h', args: ['--update-interval', '1000h'], expect: ['updateInterval: must be at most 24h (86400000 ms), got "1000h" (flag --update-interval)'] },
  { name: 'updateInterval 1ns', oracle: { updateInterval: '1ns' }, expect: ['updateInterval: must be at least 10ms'] },
  // defect: bad ports and addresses failed late with raw Node errors, or listened elsewhere
  { name: '--port 99999', args: ['--port', '99999'], omit: ['--port'], expect: ['port: must be a decimal port number from 0 to 65535, got "99999" (flag --port)'] },
  { name: '--port http', args: ['--port', 'http'], omit: ['--port'], expect: ['port: must be a decimal port number from 0 to 65535, got "http" (flag --port)'] },
  { name: '--port -1', args: ['--port', '-1'], omit: ['--port'], expect: ['port: must be a decimal port number from 0 to 65535, got "-1" (flag --port)'] },
  { name: '--port 0x6f61', args: ['--port', '0x6f61'], omit: ['--port'], expect: ['port: must be a decimal port number from 0 to 65535, got "0x6f61" (flag --port)'] },
  { name: 'port in oracle.json', oracle: { port: '99999' }, omit: ['--port'], expect: [/port: must be a decimal port .*\(file .*oracle\.json\)/] },
  { name: 'port in a variable', env: { CONNECT_CONFIG_PORT: 'http' }, omit: ['--port'], expect: ['(env CONNECT_CONFIG_PORT)'] },
  { name: 'a 1 MB host', oracle: { host: 'h'.repeat(1024 * 1024) }, omit: ['--host'], expect: [/host: must be at most 253 characters, got 1048576 \(file /] },
  { name: 'host in a variable', env: { CONNECT_CONFIG_HOST: 'not a host' }, omit: ['--host'], expect: ['host: must be a host name or an IP address, got "not a host" (env CONNECT_CONFIG_HOST)'] },
  { name: 'metrics address with a bad port', args: ['--metrics-prometheus-address', '127.0.0.1:99999'], omit: ['--metrics-prometheus-address'], expect: ['metrics.prometheusServerAddress: port must be a decimal port number', '(flag --metrics-prometheus-address)'] },
  { name: 'metrics address in oracle.json', oracle: { metrics: { prometheusServerAddress: '127.0.0.1:0x1f42' } }, omit: ['--metrics-prometheus-address'], expect: [/metrics\.prometheusServerAddress: port must be .*\(file .*oracle\.json\)/] },
  // defect: an endpoint without its placeholder failed every request, logging the URL
  { name: 'endpoint without %s', oracle: { providers: { kraken_api: { api: { endpoints: [{ url: 'https://proxy.example/kraken?apikey=SEKRIT' }] } } } }, expect: ['providers.kraken_api.api.endpoints[0].url: must contain 1 "%s"', 'https://proxy.example/kraken?<redacted>'] },
  // defect: a "__proto__" market key vanished without a word
  { name: '"__proto__" market key', market: `{"markets": {"__proto__": ${JSON.stringify(goodMarket.markets['BTC/USD'])}}}`, expect: ['markets["__proto__"]: key must equal the ticker\'s currency pair "BTC/USD"'] },
];

/** Cases whose files must be made when the test runs (one FIFO per run). */
const fileCases: Array<{ name: string; make: () => string; flag: string; expect: string }> = [
  { name: 'market.json a symlink to /dev/zero', make: devZero, flag: '--market-config-path', expect: 'cannot read market map: not a regular file but a character device' },
  { name: 'market.json a FIFO', make: fifo, flag: '--market-config-path', expect: 'cannot read market map: not a regular file but a FIFO' },
  { name: 'market.json a sparse 64 MiB + 1 file', make: sparse, flag: '--market-config-path', expect: 'cannot read market map: file too large: 67108865 bytes, the limit is 64 MiB' },
  { name: 'oracle.json a symlink to /dev/zero', make: devZero, flag: '--oracle-config', expect: 'cannot read oracle config: not a regular file but a character device' },
  { name: 'oracle.json a FIFO', make: fifo, flag: '--oracle-config', expect: 'cannot read oracle config: not a regular file but a FIFO' },
  { name: 'oracle.json a sparse 64 MiB + 1 file', make: sparse, flag: '--oracle-config', expect: 'cannot read oracle config: file too large' },
];

/** The start-up line around a case: loopback, free ports, no log file; `omit` leaves flags out. */
function base(marketPath: string, omit: string[] = []): string[] {
  const listen = [['--host', '127.0.0.1'], ['--port', '0'], ['--metrics-prometheus-address', '127.0.0.1:0']];
  const kept = listen.filter(([flag]) => !omit.includes(flag ?? '')).flat();
  return ['--market-config-path', marketPath, ...kept, '--log-disable-file-rotation'];
}

describe.concurrent('configuration limits at start-up', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const args = base(tempFile('market.json', c.market ?? goodMarket), c.omit);
      if (c.oracle !== undefined) args.push('--oracle-config', tempFile('oracle.json', c.oracle));
      const r = await runCli([...args, ...(c.args ?? [])], c.env);
      expect(r.code, r.stderr).toBe(2);
      for (const e of c.expect) {
        if (typeof e === 'string') expect(r.stderr).toContain(e);
        else expect(r.stderr).toMatch(e);
      }
      expect(r.stderr.length).toBeLessThan(4000);
      expect(r.stderr).not.toContain('SEKRIT');
      expect(r.stdout).not.toContain('listening');
    }, 20_000);
  }

  for (const c of fileCases) {
    it(`${c.name}: exits 2 at once, naming the file`, async () => {
      const path = c.make();
      const args = base(c.flag === '--market-config-path' ? path : tempFile('market.json', goodMarket));
      if (c.flag === '--oracle-config') args.push('--oracle-config', path);
      const started = Date.now();
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${c.expect}`);
      expect(r.stderr).toContain(`(file ${path})`);
      // runCli kills a run that has not ended after 15 s; a refusal takes well under that.
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 20_000);
  }

  it('--update-market-config-path that is a FIFO exits 2 naming the flag', async () => {
    const path = fifo();
    const r = await runCli(['--host', '127.0.0.1', '--port', '0', '--metrics-prometheus-address', '127.0.0.1:0', '--log-disable-file-rotation', '--update-market-config-path', path]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--update-market-config-path: not a regular file but a FIFO (file ${path})`);
  }, 20_000);
});
