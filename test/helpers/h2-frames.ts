/**
 * Raw HTTP/2 bytes for the server hardening tests: frames, a gRPC request's HEADERS block and
 * the rapid-reset session (RFC 9113 §4.1 frame layout; HPACK literals without indexing).
 */
import { H2_PREFACE } from '../../src/server/listener.js';

/** An HTTP/2 frame. */
export function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

/** An HPACK literal header without indexing, new name, no Huffman coding (all strings < 127 bytes). */
const literal = (name: string, value: string) => Buffer.concat([Buffer.from([0, name.length]), Buffer.from(name), Buffer.from([value.length]), Buffer.from(value)]);

/** A gRPC Prices call's request headers. */
export const HEADERS = Buffer.concat([
  Buffer.from([0x83, 0x86]), // :method POST, :scheme http (static table)
  literal(':path', '/connect.service.v2.Oracle/Prices'),
  literal(':authority', 'x'),
  literal('content-type', 'application/grpc'),
  literal('te', 'trailers'),
]);

/** RST_STREAM's CANCEL error code. */
export const CANCEL = Buffer.from([0, 0, 0, 8]);

/** The preface, SETTINGS, then HEADERS and an immediate RST_STREAM on 2,000 streams: past
 *  nghttp2's own budget (1,000), which stops reading the connection but never closes it. */
export const RAPID_RESET = Buffer.concat([
  H2_PREFACE,
  frame(4, 0, 0),
  ...Array.from({ length: 2000 }, (_, i) => Buffer.concat([frame(1, 0x4, 2 * i + 1, HEADERS), frame(3, 0, 2 * i + 1, CANCEL)])),
]);
