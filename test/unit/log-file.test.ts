import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupName, backupTime, pruneByAge } from '../../src/log-file.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 4, 10, 12, 0, 0, 0);

describe('backup names (lumberjack)', () => {
  it('inserts the UTC time before the extension, with milliseconds and dashes for colons', () => {
    expect(backupName('sidecar.log', new Date(Date.UTC(2024, 4, 1, 10, 20, 30, 123)))).toBe('sidecar-2024-05-01T10-20-30.123.log');
    expect(backupName('sidecar', new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe('sidecar-2024-01-02T03-04-05.006');
  });

  it('adds an index for a second rotation in the same millisecond', () => {
    expect(backupName('side.log', new Date(Date.UTC(2024, 4, 1)), 2)).toBe('side-2024-05-01T00-00-00.000-2.log');
  });

  it('reads the time back from plain and gzip names, and nothing from other files', () => {
    const at = Date.UTC(2024, 4, 1, 10, 20, 30, 123);
    const name = backupName('sidecar.log', new Date(at));
    expect(backupTime('sidecar.log', name)).toBe(at);
    expect(backupTime('sidecar.log', `${name}.gz`)).toBe(at);
    expect(backupTime('sidecar.log', backupName('sidecar.log', new Date(at), 3))).toBe(at);
    for (const other of ['sidecar.log', 'sidecar.log.history', 'other-2024-05-01T10-20-30.123.log', 'sidecar-2024-05-01.log', 'sidecar-2024-05-01T10-20-30.123.txt']) {
      expect(backupTime('sidecar.log', other)).toBeUndefined();
    }
  });
});

describe('pruneByAge (lumberjack MaxAge)', () => {
  function dirWith(names: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'log-prune-'));
    for (const n of names) writeFileSync(join(dir, n), 'x');
    return dir;
  }

  it('removes backups whose name time is older than the limit and keeps everything else', async () => {
    const old = backupName('sidecar.log', new Date(NOW - 4 * DAY));
    const oldGz = `${backupName('sidecar.log', new Date(NOW - 3 * DAY - 1))}.gz`;
    const recent = `${backupName('sidecar.log', new Date(NOW - 2 * DAY))}.gz`;
    const foreign = backupName('other.log', new Date(NOW - 30 * DAY));
    const dir = dirWith(['sidecar.log', old, oldGz, recent, foreign]);
    const removed = await pruneByAge(join(dir, 'sidecar.log'), 3, NOW);
    expect(removed.sort()).toEqual([old, oldGz].sort());
    expect(readdirSync(dir).sort()).toEqual(['sidecar.log', recent, foreign].sort());
  });

  it('keeps every backup when the limit is 0', async () => {
    const ancient = backupName('sidecar.log', new Date(NOW - 365 * DAY));
    const dir = dirWith(['sidecar.log', ancient]);
    expect(await pruneByAge(join(dir, 'sidecar.log'), 0, NOW)).toEqual([]);
    expect(readdirSync(dir)).toContain(ancient);
  });
});
