/**
 * One pino root logger writing JSON to stdout; modules and providers take children.
 * Secrets are redacted by path wherever a config object might be logged.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** connect's --log-std-out-level values mapped onto pino levels. */
const LEVELS: Record<string, string> = {
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  dpanic: 'fatal',
  panic: 'fatal',
  fatal: 'fatal',
};

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: LEVELS[level] ?? 'info',
      base: { pid: process.pid },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['apiKey', '*.apiKey', '*.*.apiKey', 'authentication', '*.authentication', 'headers', '*.headers'],
        censor: '<redacted>',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
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
