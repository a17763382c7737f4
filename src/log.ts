/**
 * One pino root logger writing JSON to stdout; modules and providers take children.
 * Secrets are redacted by path wherever a config object might be logged, and every URL in
 * every line loses its userinfo, query string and fragment (redactUrls).
 *
 * With a log file (connect's `--log-file*`, pkg/log/zap.go: a second zap core on lumberjack)
 * the same lines, same fields and same redaction, also go to a rotating file at the file's own
 * level; the root level is then the lower of the two. Without one, stdout is the logger's only
 * destination, as before.
 */
import { pino, type Logger } from 'pino';
import { FileSink, type LogFileOptions } from './log-file.js';

export type { Logger, LogFileOptions };

/** connect's --log-std-out-level / --log-file-level values mapped onto pino levels. */
const LEVELS: Record<string, string> = {
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  dpanic: 'fatal',
  panic: 'fatal',
  fatal: 'fatal',
};

/** URLs in error text (a token or key may sit in a query string) become `<url>`. */
export function withoutUrls(text: string): string {
  return text.replace(/\b(wss?|https?):\/\/\S+/g, '<url>');
}

/**
 * Any `scheme://` URL in a text, also inside a JSON-encoded line: `scheme://`, the userinfo up
 * to the last `@` of the authority (optional), host and path, then the query and fragment
 * (optional). JSON escapes such as `\"` are consumed whole, so a redacted JSON line stays
 * valid JSON. The scheme is bounded so that a long dotted word costs linear time.
 */
const URL_PARTS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s"<>\\/?#]*@)?((?:\\.|[^\s"<>\\?#])*)((?:[?#](?:\\.|[^\s"<>\\])*)?)/gi;

/**
 * Every URL in `text` with its userinfo and its query string and fragment replaced by
 * `<redacted>` (`https://<redacted>@host/path?<redacted>`): API keys and tokens travel there.
 * Scheme, host and path stay, so a line still says which endpoint it is about. Idempotent.
 */
export function redactUrls(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_PARTS, (_all, scheme: string, userinfo: string | undefined, rest: string, tail: string) =>
    `${scheme}${userinfo ? '<redacted>@' : ''}${rest}${tail.length > 1 ? `${tail.charAt(0)}<redacted>` : tail}`);
}

/** `{ err }` fields: pino's error serializer (type, message, stack, cause), URLs removed. */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? withoutUrls(err) : err;
  const out = pino.stdSerializers.err(err) as { message: string; stack: string } & Record<string, unknown>;
  out.message = withoutUrls(out.message);
  out.stack = withoutUrls(out.stack);
  return out;
}

const OPTIONS: pino.LoggerOptions = {
  base: { pid: process.pid },
  serializers: { err: serializeError },
  formatters: { level: (label) => ({ level: label }) },
  timestamp: pino.stdTimeFunctions.isoTime,
  // Every line, whatever field or message carries a URL, leaves with its URLs redacted.
  hooks: { streamWrite: redactUrls },
  redact: {
    paths: ['apiKey', '*.apiKey', '*.*.apiKey', 'authentication', '*.authentication', 'headers', '*.headers'],
    censor: '<redacted>',
  },
};

export interface LoggerOptions {
  /** Where the stdout lines go; default stdout, asynchronously. */
  destination?: pino.DestinationStream;
  /** The log file; absent or `enabled: false` (`--log-disable-file-rotation`): none. */
  file?: LogFileOptions;
}

const fileSinks = new WeakMap<Logger, FileSink>();

export function createLogger(level = 'info', options: LoggerOptions = {}): Logger {
  const stdoutLevel = LEVELS[level] ?? 'info';
  const stdout = options.destination ?? pino.destination({ dest: 1, sync: false });
  const file = options.file;
  if (!file || file.enabled === false) return pino({ ...OPTIONS, level: stdoutLevel }, stdout);

  const fileLevel = LEVELS[file.level] ?? 'info';
  // Problems with the file are logged by the root logger, so they reach stdout.
  const via: { root?: Logger } = {};
  const sink = new FileSink(file, (fields, msg) => via.root?.warn(fields, msg));
  const streams = pino.multistream([
    { level: stdoutLevel as pino.Level, stream: stdout },
    { level: fileLevel as pino.Level, stream: sink },
  ]);
  // `log.flush(cb)` calls back once stdout and the file hold every line logged so far.
  const flushStdout = (done: () => void) => {
    const flush = (stdout as { flush?: (cb?: (err?: Error) => void) => void }).flush;
    if (typeof flush === 'function') flush.call(stdout, () => done());
    else done();
  };
  const destination = Object.assign(streams, { flush: (cb: () => void) => flushStdout(() => sink.flush(cb)) });
  const lowest = pino.levels.values[stdoutLevel]! <= pino.levels.values[fileLevel]! ? stdoutLevel : fileLevel;
  const root = pino({ ...OPTIONS, level: lowest }, destination);
  via.root = root;
  fileSinks.set(root, sink);
  return root;
}

/** Writes out everything logged so far and closes the log file, if any; call it (on the root
 *  logger) before the process exits. Stdout is flushed by pino at exit. */
export async function closeLogger(log: Logger): Promise<void> {
  const sink = fileSinks.get(log);
  fileSinks.delete(log);
  await sink?.close();
}

/**
 * Rate-limits repeated log lines by key: the first occurrence is logged, later ones at most
 * once per `windowMs`, carrying how many were suppressed in between.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly windowMs = 10_000) {}

  /** Returns the number of suppressed repeats to report, or -1 when this one must be dropped. */
  admit(key: string, now = Date.now()): number {
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.windowMs) {
      seen.suppressed += 1;
      return -1;
    }
    const suppressed = seen?.suppressed ?? 0;
    if (this.last.size > 10_000) this.last.clear();
    this.last.set(key, { at: now, suppressed: 0 });
    return suppressed;
  }
}
