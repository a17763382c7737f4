/**
 * Watches one file for content changes: fs.watch on its directory for a fast reaction, plus
 * a poll every `pollMs` because fs.watch misses some replacements (Kubernetes ConfigMap
 * symlink swaps, network file systems). Fires only when the content really changed, or when
 * the file stops (or starts) being readable, so that a reload reports the problem.
 *
 * A check costs one stat; the file is read and hashed only when its identity, size or times
 * changed, or while it was modified in the last few seconds (file times are coarse, so two
 * writes of the same size within one tick look alike). The read goes through
 * readConfigFile: a file swapped for /dev/zero, a FIFO or a huge file is refused at once
 * instead of blocking the event loop (the reload then reports why).
 */
import { createHash } from 'node:crypto';
import { watch, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { readConfigFile } from './config/read-file.js';

/** Files modified this recently are re-hashed on every check, whatever their stat says. */
const SETTLE_MS = 3000;

/** The stat fields a content change moves, or why the file cannot be stat'ed. */
function signature(path: string): { key: string; recent: boolean } {
  try {
    const st = statSync(path);
    return {
      key: `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.mode}`,
      recent: Date.now() - Math.max(st.mtimeMs, st.ctimeMs) < SETTLE_MS,
    };
  } catch (err) {
    return { key: `stat failed: ${(err as NodeJS.ErrnoException).code ?? 'unknown'}`, recent: false };
  }
}

/** Errors that say nothing about the file: out of descriptors. The check is retried. */
const TRANSIENT = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'EINTR']);

/** The content's hash, or the reason it cannot be read (so a change of reason also counts);
 *  undefined when the process, not the file, is the problem. */
function digest(path: string): string | undefined {
  try {
    return createHash('sha256').update(readConfigFile(path)).digest('hex');
  } catch (err) {
    if (TRANSIENT.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    return `unreadable: ${(err as Error).message}`;
  }
}

/** Start watching; returns a function that stops it. */
export function watchFile(path: string, onChange: () => void, pollMs = 1000, debounceMs = 150): () => void {
  let seen = signature(path).key;
  let last = digest(path);
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const sig = signature(path);
    if (sig.key === seen && !sig.recent && last !== undefined) return;
    const now = digest(path);
    if (now === undefined) return;
    seen = sig.key;
    if (now === last) return;
    last = now;
    onChange();
  };
  const soon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), (_event, name) => {
      if (!name || name === basename(path) || name.startsWith('..')) soon();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  const poll = setInterval(check, pollMs);
  poll.unref();
  return () => {
    watcher?.close();
    clearInterval(poll);
    if (timer) clearTimeout(timer);
  };
}
