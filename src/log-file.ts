/**
 * The log file beside stdout: connect's lumberjack file (pkg/log/zap.go, flags `--log-file*`,
 * `--log-max-*`), the same JSON lines rotated by size, at most `maxBackups` rotated files, none
 * older than `maxAgeDays`, rotated files gzip-compressed unless disabled. lumberjack's rules:
 * sizes are MiB, 0 backups or 0 days means no limit, new files are 0600, rotated files are named
 * `<name>-<UTC 2006-01-02T15-04-05.000><ext>[.gz]` beside the file, missing directories are made.
 *
 * Rotation is rotating-file-stream 3 (no dependencies, own types, Node >= 14): it rotates by
 * size, gzips in-process with node:zlib, keeps at most N rotated files and makes missing
 * directories. Of the other candidates pino-roll 4 has no compression and no age limit, and
 * file-stream-rotator 1 keeps files by count or by age (not both) and does not compress. What
 * rotating-file-stream lacks, removal by age, is `pruneByAge` here, run at start and after every
 * rotation as lumberjack's mill does. Two differences from lumberjack: the file rotates after
 * the write that reaches the size (lumberjack: before one that would pass it), and the count
 * limit keeps its list of rotated files in `<name>.history` beside the file.
 *
 * A file that cannot be opened or written (read-only filesystem, no permission, a directory)
 * is reported once through `warn` and the sink then drops lines: never a crash.
 */
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export interface LogFileOptions {
  /** false: no log file at all (connect's `--log-disable-file-rotation`). Default true. */
  enabled?: boolean;
  /** Relative to the working directory, as connect's `--log-file`. */
  path: string;
  /** connect's level names (debug … fatal), as `--log-file-level`. */
  level: string;
  /** Rotate when the file reaches this size; fractions allowed (tests); <= 0 means 100. */
  maxSizeMB: number;
  /** Rotated files kept; <= 0 keeps all. */
  maxBackups: number;
  /** Rotated files older than this (by the time in their name) are removed; <= 0 keeps all. */
  maxAgeDays: number;
  /** gzip rotated files (connect's default; `--log-file-disable-compression` turns it off). */
  compress: boolean;
}

/** Reports a problem with the file once, for the caller to log on stdout. */
export type Warn = (fields: Record<string, unknown>, msg: string) => void;

const MIB = 1024 * 1024;
const DAY_MS = 86_400_000;
/** Lines queued while the disk is slower than the logger are dropped beyond this. */
const MAX_PENDING_BYTES = 16 * MIB;

/** A pino destination (`write(line)`) in front of a rotating file. */
export class FileSink {
  readonly path: string;
  private readonly stream: RotatingFileStream | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private writing = false;
  private failed = false;
  private closed = false;
  private dropped = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: LogFileOptions, private readonly warn: Warn) {
    this.path = resolve(options.path);
    try {
      this.stream = openRotating(this.path, options);
    } catch (err) {
      queueMicrotask(() => this.fail(err));
      return;
    }
    this.stream.on('error', (err) => this.fail(err));
    this.stream.on('warning', (err: unknown) => {
      // ENOENT: a rotated file it meant to remove is gone already (removed by age, or by hand).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.warn({ path: this.path, err: message(err) }, 'log file rotation warning');
    });
    this.stream.once('open', () => void this.prune());
    this.stream.on('rotated', () => void this.prune());
  }

  /** Queues a line; lines arriving while a write is in flight go out together in the next. */
  write(line: string): boolean {
    if (this.failed || this.closed) return true;
    if (this.pendingBytes > MAX_PENDING_BYTES) {
      this.dropped += 1;
      return true;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (!this.writing) this.drain();
    return true;
  }

  /** Calls `cb` once every line written so far is in the file (or the file has failed). */
  flush(cb: () => void): void {
    if (!this.writing || this.failed) cb();
    else this.waiters.push(cb);
  }

  /** Writes what is queued, then closes the file; later lines are dropped. */
  async close(): Promise<void> {
    await new Promise<void>((done) => this.flush(done));
    this.closed = true;
    const stream = this.stream;
    if (!stream || this.failed || stream.destroyed) return;
    await new Promise<void>((done) => {
      stream.once('close', done);
      stream.once('finish', done);
      stream.once('error', () => done());
      stream.end();
    });
  }

  private drain(): void {
    if (!this.stream || this.pending.length === 0) return;
    if (this.dropped > 0) {
      this.warn({ path: this.path, dropped: this.dropped }, 'log file too slow: lines dropped');
      this.dropped = 0;
    }
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = true;
    this.stream.write(chunk, (err) => {
      this.writing = false;
      if (err || this.failed) return this.release();
      if (this.pending.length > 0) this.drain();
      else this.release();
    });
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = false;
    this.release();
    this.warn({ path: this.path, err: message(err) }, 'cannot write the log file: file logging disabled, stdout continues');
  }

  private async prune(): Promise<void> {
    try {
      await pruneByAge(this.path, this.options.maxAgeDays);
    } catch (err) {
      this.warn({ path: this.path, err: message(err) }, 'cannot remove old log files');
    }
  }
}

function openRotating(path: string, o: LogFileOptions): RotatingFileStream {
  const bytes = Math.max(1, Math.round((o.maxSizeMB > 0 ? o.maxSizeMB : 100) * MIB));
  const name = basename(path);
  return createStream((time: number | Date | null, index?: number) => {
    if (time === null) return name;
    return backupName(name, new Date(time), index) + (o.compress ? '.gz' : '');
  }, {
    path: dirname(path),
    size: `${bytes}B`,
    mode: 0o600, // lumberjack creates log files 0600
    ...(o.compress ? { compress: 'gzip' } : {}),
    ...(o.maxBackups > 0 ? { maxFiles: Math.floor(o.maxBackups), history: `${name}.history` } : {}),
  });
}

/** lumberjack's backup name: `sidecar.log` at 2024-05-01T10:20:30.123Z →
 *  `sidecar-2024-05-01T10-20-30.123.log`; a second rotation in the same millisecond gets `-2`. */
export function backupName(name: string, time: Date, index = 1): string {
  const ext = extname(name);
  const stamp = time.toISOString().replace(/:/g, '-').replace(/Z$/, '');
  return `${name.slice(0, name.length - ext.length)}-${stamp}${index > 1 ? `-${index}` : ''}${ext}`;
}

/** The UTC time in a backup name of `name` (compressed or not), or undefined for other files. */
export function backupTime(name: string, candidate: string): number | undefined {
  const ext = extname(name);
  const prefix = `${name.slice(0, name.length - ext.length)}-`;
  let rest = candidate.endsWith('.gz') ? candidate.slice(0, -3) : candidate;
  if (!rest.startsWith(prefix) || !rest.endsWith(ext)) return undefined;
  rest = rest.slice(prefix.length, rest.length - ext.length);
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d)-(\d\d)-(\d\d)\.(\d{3})(?:-\d+)?$/.exec(rest);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

/** Removes the backups of `path` whose name time is more than `maxAgeDays` before `now`
 *  (lumberjack MaxAge); returns the names removed. */
export async function pruneByAge(path: string, maxAgeDays: number, now = Date.now()): Promise<string[]> {
  if (!(maxAgeDays > 0)) return [];
  const dir = dirname(path);
  const name = basename(path);
  const cutoff = now - maxAgeDays * DAY_MS;
  const removed: string[] = [];
  for (const candidate of await readdir(dir)) {
    const at = backupTime(name, candidate);
    if (at === undefined || at >= cutoff) continue;
    try {
      await unlink(join(dir, candidate));
      removed.push(candidate);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
