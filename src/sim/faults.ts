/**
 * Fault injection, one active fault per exchange. Semantics (a mode that does not apply to
 * the exchange's transport is accepted and has no effect):
 *
 * | mode             | HTTP exchanges                          | WS exchanges                                |
 * |------------------|-----------------------------------------|---------------------------------------------|
 * | none             | normal                                  | normal                                      |
 * | status           | answer `status` with {"code","msg"}     | –                                           |
 * | slow             | answer normally after `delayMs`         | –                                           |
 * | malformed        | 200 with the body cut in half (not JSON)| every outgoing frame cut in half (not JSON) |
 * | bad-price        | price field is "abc"                    | price field is "abc"                        |
 * | trailing-garbage | valid JSON body followed by `]}garbage` | –                                           |
 * | freeze           | this exchange's prices stop moving      | same                                        |
 * | silent           | –                                       | socket stays open; no frames out, input ignored (still recorded) |
 * | drop             | –                                       | terminate every socket (no close frame, client sees 1006), and every new one right after the upgrade |
 * | reject           | –                                       | refuse upgrades with HTTP 503               |
 * | error-ack        | –                                       | subscriptions refused in the exchange's error format |
 * | sequence-back    | –                                       | coinbase_ws, kucoin_ws: each message carries a sequence below the highest already sent |
 * | refuse           | the port stops listening (ECONNREFUSED); open connections are cut; it listens again when cleared | same |
 * | price            | price field is `value` verbatim ("NaN", "Infinity", "0", "-1", "1e300") | same |
 * | wrong-types      | the JSON body's top level swaps type (array ↔ object) | same, for every JSON frame |
 * | unknown-symbol   | no symbol resolves: the exchange answers its unknown-symbol error | subscriptions refused as unknown; nothing pushed |
 * | oversized        | –                                       | every push also sends a 5 MiB frame          |
 * | flood            | –                                       | every push is repeated `factor` times (default 200) |
 * error-ack and unknown-symbol act on new subscriptions; to meet them with an open connection,
 * cut it first (drop), then switch the fault.
 */

export type Fault =
  | { mode: 'none' }
  | { mode: 'status'; status: number }
  | { mode: 'slow'; delayMs: number }
  | { mode: 'malformed' }
  | { mode: 'bad-price' }
  | { mode: 'trailing-garbage' }
  | { mode: 'freeze' }
  | { mode: 'silent' }
  | { mode: 'drop' }
  | { mode: 'reject' }
  | { mode: 'error-ack' }
  | { mode: 'sequence-back' }
  | { mode: 'refuse' }
  | { mode: 'price'; value: string }
  | { mode: 'wrong-types' }
  | { mode: 'unknown-symbol' }
  | { mode: 'oversized' }
  | { mode: 'flood'; factor?: number };

export type FaultMode = Fault['mode'];

export const FAULT_MODES: readonly FaultMode[] = [
  'none',
  'status',
  'slow',
  'malformed',
  'bad-price',
  'trailing-garbage',
  'freeze',
  'silent',
  'drop',
  'reject',
  'error-ack',
  'sequence-back',
  'refuse',
  'price',
  'wrong-types',
  'unknown-symbol',
  'oversized',
  'flood',
];

/** Size of the frame `oversized` sends: above the side-car's 4 MiB limit. */
export const OVERSIZED_BYTES = 5 * 1024 * 1024;
export const DEFAULT_FLOOD_FACTOR = 200;

/** `wrong-types`: swap the top-level JSON type (array ↔ object); other text is unchanged. */
export function swapTypes(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (Array.isArray(value)) return JSON.stringify({ data: value });
  if (typeof value === 'object' && value !== null) return JSON.stringify([value]);
  return text;
}

export const NO_FAULT: Fault = { mode: 'none' };

/** The price text every exchange sends under `bad-price`. */
export const BAD_PRICE = 'abc';

/** What `trailing-garbage` appends after a valid JSON body. */
export const TRAILING_GARBAGE = ']}garbage';

/** Cut a JSON text in half: a strict prefix of a JSON object or array is never valid JSON. */
export function corrupt(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

export type ParsedFault = { ok: true; fault: Fault } | { ok: false; field: string; error: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validate an untrusted fault object (control API input). */
export function parseFault(input: unknown): ParsedFault {
  if (!isRecord(input)) return { ok: false, field: 'fault', error: 'fault must be an object' };
  const mode = input['mode'];
  if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
    return { ok: false, field: 'fault.mode', error: `fault.mode must be one of ${FAULT_MODES.join(', ')}` };
  }
  if (mode === 'status') {
    const status = input['status'];
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      return { ok: false, field: 'fault.status', error: 'fault.status must be an integer HTTP status 100-599' };
    }
    return { ok: true, fault: { mode, status } };
  }
  if (mode === 'slow') {
    const delayMs = input['delayMs'];
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > 600_000) {
      return { ok: false, field: 'fault.delayMs', error: 'fault.delayMs must be a number of ms in 0-600000' };
    }
    return { ok: true, fault: { mode, delayMs } };
  }
  if (mode === 'price') {
    const value = input['value'];
    if (typeof value !== 'string' || value.length > 64) {
      return { ok: false, field: 'fault.value', error: 'fault.value must be the price text to send, at most 64 characters' };
    }
    return { ok: true, fault: { mode, value } };
  }
  if (mode === 'flood') {
    const factor = input['factor'] ?? DEFAULT_FLOOD_FACTOR;
    if (typeof factor !== 'number' || !Number.isInteger(factor) || factor < 1 || factor > 10_000) {
      return { ok: false, field: 'fault.factor', error: 'fault.factor must be an integer 1-10000' };
    }
    return { ok: true, fault: { mode, factor } };
  }
  return { ok: true, fault: { mode } as Fault };
}

/** Bounded ring of inbound client requests/frames, oldest first. */
export class ReceivedLog {
  private readonly entries: Array<{ at: number; text: string }> = [];

  constructor(private readonly capacity = 1000) {}

  add(text: string, at = Date.now()): void {
    this.entries.push({ at, text });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): Array<{ at: number; text: string }> {
    return this.entries.map((e) => ({ ...e }));
  }
}
