/**
 * A budget for the RST_STREAM frames a client sends on one HTTP/2 connection (CVE-2023-44487,
 * "rapid reset"), read off the bytes listener.ts forwards to grpc-js. nghttp2 has a budget of
 * its own (a burst of 1,000, then 33 a second), but when it runs out it only stops reading the
 * connection: the session is never destroyed and its socket, with unread bytes, stays open for
 * good (one descriptor per attacking connection). Running out of this smaller budget first,
 * the listener closes both ends of the connection instead.
 *
 * Frames are parsed from their 9-byte headers only (RFC 9113 §4.1): 24-bit length, type, flags,
 * stream id; payloads are skipped. The bytes given must start at a frame boundary (after the
 * connection preface).
 */
import { H2_RESET_BURST, H2_RESETS_PER_SECOND } from './limits.js';

const FRAME_HEADER = 9;
const RST_STREAM = 3;

export class ResetBudget {
  private readonly header = Buffer.alloc(FRAME_HEADER);
  private have = 0;
  private skip = 0;
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst = H2_RESET_BURST,
    private readonly perSecond = H2_RESETS_PER_SECOND,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Account for `chunk`; false once the client has reset more streams than the budget allows. */
  feed(chunk: Buffer): boolean {
    let ok = true;
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const n = Math.min(FRAME_HEADER - this.have, chunk.length - i);
      chunk.copy(this.header, this.have, i, i + n);
      this.have += n;
      i += n;
      if (this.have < FRAME_HEADER) break;
      this.have = 0;
      this.skip = this.header.readUIntBE(0, 3);
      if (this.header[3] === RST_STREAM && !this.spend()) ok = false;
    }
    return ok;
  }

  private spend(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perSecond) / 1000);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0;
  }
}
