/**
 * The exposition's byte output: a growable buffer and the number formatting of the Prometheus
 * text format as prom-client writes it. The exposition is written as bytes (pre-encoded series
 * lines plus ASCII values): at ~50,000 series, building one string and encoding it costs several
 * times more.
 */

/** A growable byte buffer. */
export class ByteWriter {
  buf: Buffer;
  length = 0;

  constructor(capacity = 64 * 1024, buf?: Buffer) {
    this.buf = buf && buf.length >= capacity ? buf : Buffer.allocUnsafe(capacity);
  }

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  text(s: string): void {
    this.reserve(Buffer.byteLength(s));
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** The bytes written (a view, not a copy). */
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Below 2^33 a float64's spacing is under 2e-6, so two numbers with at most three decimals never
 * share a float: `${m / 1000}` is then exactly m / 1000 written out with its trailing zeros
 * dropped (JavaScript's shortest round-trip form, in fixed notation above 1e-6).
 */
export const THOUSANDTHS_LIMIT = 2 ** 33;

/** Write m / 1000 as `${m / 1000}` does, for an integer |m| < 2^33 × 1000 ("-0" as "0"). */
export function writeThousandths(buf: Buffer, at: number, m: number): number {
  let n = m;
  if (n < 0) {
    buf[at++] = 45;
    n = -n;
  }
  const int = Math.floor(n / 1000);
  let frac = n - int * 1000;
  let end = at + 1;
  for (let x = int; x >= 10; x = Math.floor(x / 10)) end += 1;
  let rest = int;
  for (let k = end - 1; k >= at; k--) {
    const q = Math.floor(rest / 10);
    buf[k] = 48 + (rest - q * 10);
    rest = q;
  }
  if (frac === 0) return end;
  buf[end++] = 46;
  for (let scale = 100; frac > 0; scale /= 10) {
    const d = Math.floor(frac / scale);
    buf[end++] = 48 + d;
    frac -= d * scale;
  }
  return end;
}

/** A sample value as the text format writes it (NaN, +Inf, -Inf for the non-finite). */
export function formatValue(v: number): string {
  if (Number.isFinite(v)) return `${v}`;
  if (Number.isNaN(v)) return 'NaN';
  return v < 0 ? '-Inf' : '+Inf';
}
