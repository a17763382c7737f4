/**
 * One replay connection (bench/replay.ts): the Coinbase subscribe handshake, and ticker frames
 * built from pre-rendered templates with their digits patched in place, K frames per write.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';

export interface Template {
  productId: string;
  /** The complete WebSocket frame (header + JSON payload). */
  frame: Buffer;
  /** Offsets in `frame` of the 12 digits of `sequence` and of `trade_id`, and of the price's last 4 digits. */
  seqAt: number;
  tradeAt: number;
  priceAt: number;
}

interface Product { t: Template; seq: number }

/** Writes `value` as exactly `width` ASCII digits ending at `at + width`. */
function patchDigits(buf: Buffer, at: number, value: number, width: number): void {
  let v = value;
  for (let i = at + width - 1; i >= at; i--) {
    buf[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
}

/** Writes between two yields to the event loop in flood mode (keeps the control port answering). */
const WRITES_PER_TURN = 64;

export class Connection {
  written = 0;
  private readonly products: Product[] = [];
  private readonly channels = new Set<string>();
  private next = 0;
  private mode: 'pause' | 'flood' | 'rate' = 'pause';
  private timer: NodeJS.Timeout | undefined;
  private waitingDrain = false;

  constructor(
    readonly path: string,
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly templates: ReadonlyMap<string, Template>,
    private readonly framesPerWrite: number,
  ) {
    ws.on('message', (data) => this.onRequest(String(data)));
    socket.on('drain', () => {
      this.waitingDrain = false;
      if (this.mode === 'flood') this.pump();
    });
  }

  subscribed(): number {
    return this.products.length;
  }

  private onRequest(text: string): void {
    const msg = JSON.parse(text) as { type?: string; product_ids?: unknown[]; channels?: unknown[] };
    const ids = Array.isArray(msg.product_ids) ? msg.product_ids : [];
    const unknown = ids.find((id) => typeof id !== 'string' || !this.templates.has(id));
    if (msg.type !== 'subscribe' || unknown !== undefined) {
      this.ws.send(JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: `${String(unknown ?? msg.type)} is not a valid product` }));
      return;
    }
    for (const ch of msg.channels ?? []) this.channels.add(typeof ch === 'string' ? ch : String((ch as { name?: unknown }).name));
    for (const id of ids as string[]) {
      const t = this.templates.get(id);
      if (t !== undefined && !this.products.some((p) => p.t === t)) this.products.push({ t, seq: 1e11 });
    }
    const productIds = this.products.map((p) => p.t.productId);
    this.ws.send(JSON.stringify({ type: 'subscriptions', channels: [...this.channels].map((name) => ({ name, product_ids: productIds })) }));
  }

  /** The next `n` ticker frames, round robin over the subscribed products, in one buffer. */
  private batch(n: number): Buffer {
    const ps = this.products;
    let size = 0;
    for (let i = 0, j = this.next; i < n; i++, j = (j + 1) % ps.length) size += (ps[j] as Product).t.frame.length;
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    for (let i = 0; i < n; i++) {
      const p = ps[this.next] as Product;
      this.next = (this.next + 1) % ps.length;
      const { frame, seqAt, tradeAt, priceAt } = p.t;
      frame.copy(buf, off);
      p.seq += 1;
      patchDigits(buf, off + seqAt, p.seq, 12);
      patchDigits(buf, off + tradeAt, p.seq, 12);
      patchDigits(buf, off + priceAt, p.seq % 10_000, 4);
      off += frame.length;
    }
    this.written += n;
    return buf;
  }

  pause(): void {
    this.mode = 'pause';
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Write K frames per write until the socket's buffer is full, then resume on 'drain'. */
  flood(): void {
    this.pause();
    this.mode = 'flood';
    this.pump();
  }

  private pump(): void {
    if (this.mode !== 'flood' || this.waitingDrain || this.socket.destroyed) return;
    if (this.products.length === 0) {
      setTimeout(() => this.pump(), 10);
      return;
    }
    for (let w = 0; w < WRITES_PER_TURN; w++) {
      if (!this.socket.write(this.batch(this.framesPerWrite))) {
        this.waitingDrain = true;
        return;
      }
    }
    setImmediate(() => this.pump());
  }

  /** `rate` frames per second: every millisecond, the frames now due, in writes of ≤ K frames. */
  fixedRate(rate: number): void {
    this.pause();
    this.mode = 'rate';
    let t0 = performance.now();
    let sent = 0;
    this.timer = setInterval(() => {
      if (this.products.length === 0 || this.socket.destroyed) {
        t0 = performance.now();
        return;
      }
      let due = Math.floor((rate * (performance.now() - t0)) / 1000) - sent;
      while (due > 0) {
        const n = Math.min(due, this.framesPerWrite);
        this.socket.write(this.batch(n));
        sent += n;
        due -= n;
      }
    }, 1);
  }
}
