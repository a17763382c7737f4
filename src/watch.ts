/**
 * Watches one file for content changes: fs.watch on its directory for a fast reaction, plus
 * a poll every `pollMs` because fs.watch misses some replacements (Kubernetes ConfigMap
 * symlink swaps, network file systems). Fires only when the content really changed.
 */
import { createHash } from 'node:crypto';
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

function digest(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'unreadable';
  }
}

/** Start watching; returns a function that stops it. */
export function watchFile(path: string, onChange: () => void, pollMs = 1000, debounceMs = 150): () => void {
  let last = digest(path);
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const now = digest(path);
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
