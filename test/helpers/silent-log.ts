/** A pino logger that writes nowhere, for tests. */
import { pino } from 'pino';
import type { Logger } from '../../src/log.js';

export function silentLog(): Logger {
  return pino({ level: 'silent' });
}
