/** `{ err }` log fields: pino's error serializer (type, message, stack), with URLs removed
 *  from message and stack, since a token or API key may sit in a query string. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('info', { destination }), lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('error fields', () => {
  it('serialises an Error with its type and stack, URLs removed from both', () => {
    const { log, lines } = capture();
    const err = new TypeError('dial wss://ws.example.com/feed?token=s3cr3t failed');
    log.error({ err }, 'connection loop failed');
    const [line] = lines();
    const e = line?.err as { type: string; message: string; stack: string };
    expect(e.type).toBe('TypeError');
    expect(e.message).toBe('dial <url> failed');
    expect(e.stack).toContain('log-errors.test.ts');
    expect(JSON.stringify(line)).not.toContain('s3cr3t');
  });

  it('keeps a non-Error value, a string with its URLs removed', () => {
    const { log, lines } = capture();
    log.error({ err: 'GET https://api.example.com/?key=k3y refused' }, 'x');
    log.error({ err: 42 }, 'y');
    expect(lines().map((l) => l.err)).toEqual(['GET <url> refused', 42]);
  });
});
