import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { closeLogger, createLogger, type LogFileOptions, type Logger } from '../../src/log.js';

const BACKUP = /^side-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}(-\d+)?\.log(\.gz)?$/;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'log-file-'));
}

/** A logger whose stdout lines are collected in `out`. */
function logger(level: string, file: Partial<LogFileOptions> & { path: string }): { log: Logger; out: string[] } {
  const out: string[] = [];
  const log = createLogger(level, {
    destination: { write: (s: string) => void out.push(s) },
    file: { level: 'info', maxSizeMB: 100, maxBackups: 1, maxAgeDays: 3, compress: true, ...file },
  });
  return { log, out };
}

const flush = (log: Logger) => new Promise<void>((done) => log.flush(() => done()));
/** Backups oldest first: by the time in the name, then the same-millisecond index. */
function backupsOf(dir: string): string[] {
  const key = (f: string) => {
    const m = /^side-(.+?\.\d{3})(?:-(\d+))?\.log/.exec(f);
    return [m?.[1] ?? '', Number(m?.[2] ?? 1)] as const;
  };
  return readdirSync(dir).filter((f) => BACKUP.test(f)).sort((a, b) => {
    const [ta, ia] = key(a);
    const [tb, ib] = key(b);
    return ta === tb ? ia - ib : ta < tb ? -1 : 1;
  });
}
const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

/** Logs `rounds` bursts of about 1.5 KB, letting each reach the file before the next. */
async function fill(log: Logger, rounds: number): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 10; i++) log.info({ round: r, i, pad: 'x'.repeat(80) }, 'filler');
    await flush(log);
  }
}

describe('log file', () => {
  it('writes the stdout JSON lines (same fields, same redaction) at its own level', async () => {
    const dir = tempDir();
    const { log, out } = logger('info', { path: join(dir, 'side.log'), level: 'debug' });
    expect(log.level).toBe('debug');
    log.debug({ provider: 'kraken' }, 'only in the file');
    log.info({ provider: { apiKey: 'sekret-key' } }, 'in both');
    await closeLogger(log);
    const file = lines(readFileSync(join(dir, 'side.log'), 'utf8'));
    expect(file.map((l) => l.msg)).toEqual(['only in the file', 'in both']);
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['in both']);
    expect(Object.keys(file[1]!).sort()).toEqual(Object.keys(JSON.parse(out[0]!) as object).sort());
    expect(file[1]).toMatchObject({ level: 'info', provider: { apiKey: '<redacted>' } });
    expect(readFileSync(join(dir, 'side.log'), 'utf8')).not.toContain('sekret-key');
  });

  it('keeps stdout at its own level when the file is stricter', async () => {
    const dir = tempDir();
    const { log, out } = logger('debug', { path: join(dir, 'side.log'), level: 'error' });
    log.debug('stdout only');
    log.error('both');
    await closeLogger(log);
    expect(lines(readFileSync(join(dir, 'side.log'), 'utf8')).map((l) => l.msg)).toEqual(['both']);
    expect(out).toHaveLength(2);
  });

  // Each round (~1.7 KB) crosses the 1000-byte limit once, so each round ends in one rotation.
  const SMALL = 1000 / 1024 / 1024;

  it('rotates by size into gzip backups, keeping the newest maxBackups', async () => {
    const dir = tempDir();
    const { log } = logger('info', { path: join(dir, 'side.log'), maxSizeMB: SMALL, maxBackups: 2 });
    await fill(log, 6);
    await closeLogger(log);
    const backups = backupsOf(dir);
    expect(backups).toHaveLength(2);
    const rounds = backups.map((b) => {
      expect(b.endsWith('.log.gz')).toBe(true);
      const rotated = lines(gunzipSync(readFileSync(join(dir, b))).toString());
      expect(rotated.map((l) => l.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      return rotated[0]?.round;
    });
    expect(rounds).toEqual([4, 5]);
    expect(readFileSync(join(dir, 'side.log'), 'utf8')).toBe('');
  });

  it('keeps plain backups when compression is disabled, and all of them with maxBackups 0', async () => {
    const dir = tempDir();
    const { log } = logger('info', { path: join(dir, 'side.log'), maxSizeMB: SMALL, maxBackups: 0, compress: false });
    await fill(log, 4);
    log.info('live');
    await closeLogger(log);
    const backups = backupsOf(dir);
    expect(backups).toHaveLength(4);
    expect(backups.every((b) => b.endsWith('.log'))).toBe(true);
    const rotated = backups.flatMap((f) => lines(readFileSync(join(dir, f), 'utf8')));
    expect(rotated.map((l) => `${String(l.round)}.${String(l.i)}`)).toEqual(
      [0, 1, 2, 3].flatMap((r) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `${r}.${i}`)),
    );
    expect(lines(readFileSync(join(dir, 'side.log'), 'utf8')).map((l) => l.msg)).toEqual(['live']);
  });

  it('removes backups older than maxAgeDays at start', async () => {
    const dir = tempDir();
    const old = 'side-2001-01-01T00-00-00.000.log.gz';
    writeFileSync(join(dir, old), '');
    const { log } = logger('info', { path: join(dir, 'side.log'), maxAgeDays: 3 });
    log.info('hello');
    await vi.waitFor(() => expect(readdirSync(dir)).not.toContain(old));
    await closeLogger(log);
  });

  it('writes nothing when disabled', async () => {
    const dir = tempDir();
    const { log, out } = logger('info', { path: join(dir, 'side.log'), enabled: false });
    log.info('stdout only');
    await closeLogger(log);
    expect(readdirSync(dir)).toEqual([]);
    expect(out).toHaveLength(1);
  });

  it('closeLogger writes every queued line before resolving', async () => {
    const dir = tempDir();
    const { log } = logger('info', { path: join(dir, 'side.log') });
    for (let i = 0; i < 5000; i++) log.info({ i }, 'burst');
    await closeLogger(log);
    const file = lines(readFileSync(join(dir, 'side.log'), 'utf8'));
    expect(file).toHaveLength(5000);
    expect(file.at(-1)).toMatchObject({ i: 4999 });
  });

  it('drops lines logged after closeLogger without a warning', async () => {
    const dir = tempDir();
    const { log, out } = logger('info', { path: join(dir, 'side.log') });
    log.info('before');
    await closeLogger(log);
    log.info('after');
    await new Promise((r) => setTimeout(r, 50));
    expect(lines(readFileSync(join(dir, 'side.log'), 'utf8')).map((l) => l.msg)).toEqual(['before']);
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['before', 'after']);
  });

  const parent = tempDir();
  mkdirSync(join(parent, 'a-directory'));
  writeFileSync(join(parent, 'a-file'), '');
  it.each([
    ['a directory', join(parent, 'a-directory')],
    ['a path under a regular file', join(parent, 'a-file', 'side.log')],
    ['a read-only filesystem', '/proc/oracle-sidecar-test.log'],
  ])('warns on stdout and keeps logging when the file is %s', async (_, path) => {
    const { log, out } = logger('info', { path });
    expect(() => log.info('before')).not.toThrow();
    await vi.waitFor(() => expect(out.join('')).toContain('cannot write the log file'));
    const warning = out.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).startsWith('cannot write'));
    expect(warning).toMatchObject({ level: 'warn', path });
    expect(typeof warning?.err).toBe('string');
    log.info('after');
    await closeLogger(log);
    expect(out.at(-1)).toContain('"msg":"after"');
    expect(out.filter((l) => l.includes('cannot write')).length).toBe(1);
  });
});
