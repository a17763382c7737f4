/**
 * Reading oracle.json and market.json safely: the file is opened without blocking (a FIFO
 * with no writer would hang `open` and the whole event loop), then checked on the open
 * descriptor, so the check and the read are about the same file: it must be a regular file
 * (a symlink to one is fine, as Kubernetes ConfigMaps are) of at most MAX_CONFIG_FILE_BYTES.
 * `/dev/zero`, a FIFO, a directory or a sparse 1 TB file are refused before a byte is read,
 * and the read itself stops past the limit should the file grow meanwhile.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { MAX_CONFIG_FILE_BYTES } from './limits.js';

/** What a non-regular file is, for the message. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** `64 MiB` */
export function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function tooLarge(size: string, max: number): Error {
  return new Error(`file too large: ${size}, the limit is ${formatBytes(max)}`);
}

/** The file's text (UTF-8). Throws an Error saying why it cannot be used; the message does
 *  not repeat the path, which the caller names with its own context. */
export function readConfigFile(path: string, maxBytes = MAX_CONFIG_FILE_BYTES): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`not a regular file but ${kindOf(st)}`);
    if (st.size > maxBytes) throw tooLarge(`${st.size} bytes`, maxBytes);
    let buf = Buffer.allocUnsafe(st.size + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (total > maxBytes) throw tooLarge(`more than ${maxBytes} bytes`, maxBytes);
        const next = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(next, 0, 0, total);
        buf = next;
      }
      const n = readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
    }
    if (total > maxBytes) throw tooLarge(`more than ${maxBytes} bytes`, maxBytes);
    return buf.toString('utf8', 0, total);
  } finally {
    closeSync(fd);
  }
}

/** The problem with `path` as a file the side-car will replace (`--update-market-config-path`),
 *  or undefined: absent, or a regular file. A FIFO or device there is a mistake. */
export function outputFileProblem(path: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (err as Error).message;
  }
  return st.isFile() ? undefined : `not a regular file but ${kindOf(st)}`;
}
