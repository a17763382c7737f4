/**
 * `npm run soak -- --attack`, short and small, against the built side-car: it runs every
 * attack, measures the side-car, and reports in the documented shape with an exit code that
 * matches its verdict. The verdict itself is not asserted here (that is the soak's job).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/daemon.js';

const SOAK = join(ROOT, 'dist/src/tools/soak.js');

function runSoak(args: string[], killAfterMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SOAK, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Report {
  mode: string;
  attackSeconds: number;
  crashes: number;
  faultsInjected: number;
  ticks: { expected: number; counted: number | null; missed: number | null; seenByProbe: number };
  prices: { answered: number; failed: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null };
  memory: { rssStartMiB: number | null; rssEndMiB: number | null; rssGrowthPct: number | null };
  fds: { start: number | null; end: number | null; peak: number | null; backToBaseline: boolean };
  attack: { budget: number; totals: Record<string, number>; plan: Record<string, number>; byAttack: Record<string, Record<string, number>> } | null;
  verdict: { pass: boolean; failures: string[] };
}

describe('soak --attack', () => {
  it('attacks both ports, measures the side-car and reports with a matching exit code', async () => {
    const reportPath = join(mkdtempSync(join(tmpdir(), 'oracle-sidecar-soak-test-')), 'report.json');
    const r = await runSoak(
      ['--attack', '--minutes', '0.35', '--warmup', '3', '--grace', '3', '--sockets', '200', '--watch-streams', '200', '--rapid-reset-rate', '10', '--report', reportPath],
      100_000,
    );
    expect(r.stderr).not.toContain('soak --attack:');
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    // the JSON line on stdout is the same report
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    expect(JSON.parse(line ?? 'null')).toEqual(report);
    expect(r.code).toBe(report.verdict.pass ? 0 : 1);
    expect(r.stdout).toMatch(report.verdict.pass ? /^verdict: PASS$/m : /^verdict: FAIL: /m);
    expect(report.verdict.pass).toBe(report.verdict.failures.length === 0);

    expect(report.mode).toBe('attack');
    expect(report.attackSeconds).toBeGreaterThanOrEqual(20);
    expect(report.faultsInjected).toBeGreaterThan(0);
    expect(report.ticks.expected).toBeGreaterThan(0);
    expect(report.ticks.counted).toBeGreaterThan(0);
    expect(report.ticks.missed).toBeGreaterThanOrEqual(0);
    expect(report.ticks.seenByProbe).toBeGreaterThan(0);
    expect(report.prices.answered).toBeGreaterThan(0);
    const { p50Ms, p99Ms, maxMs } = report.prices;
    expect(p50Ms).toBeGreaterThan(0);
    expect(p99Ms).toBeGreaterThanOrEqual(p50Ms ?? Infinity);
    expect(maxMs).toBeGreaterThanOrEqual(p99Ms ?? Infinity);
    expect(report.memory.rssStartMiB).toBeGreaterThan(0);
    expect(report.memory.rssEndMiB).toBeGreaterThan(0);
    expect(typeof report.memory.rssGrowthPct).toBe('number');
    expect(report.fds.start).toBeGreaterThan(0);
    expect(report.fds.end).toBeGreaterThan(0);
    expect(report.fds.peak).toBeGreaterThanOrEqual(report.fds.start ?? Infinity);

    const attack = report.attack;
    expect(attack).not.toBeNull();
    expect(attack?.budget).toBe(200);
    // every attack of the plan ran: it opened connections
    for (const name of Object.keys(attack?.plan ?? {})) expect(attack?.byAttack[name]?.['connections'], name).toBeGreaterThan(0);
    const metricsAnswers = Object.entries(attack?.byAttack['metrics-flood'] ?? {}).filter(([k]) => k.startsWith('status_'));
    expect(metricsAnswers.reduce((a, [, v]) => a + v, 0)).toBeGreaterThan(0);
    expect(attack?.byAttack['prices-flood']?.['requests']).toBeGreaterThan(0);
    expect(attack?.totals['streams']).toBeGreaterThan(0);
    expect(attack?.totals['streamsReset']).toBeGreaterThan(0);
  }, 120_000);

  it('rejects a bad flag naming it, with exit 2', async () => {
    const r = await runSoak(['--attack', '--minutes', '0'], 15_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--minutes');
    const unknown = await runSoak(['--attack', '--sokets', '10'], 15_000);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--sokets');
  });
});
