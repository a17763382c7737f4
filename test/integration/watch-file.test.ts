/**
 * src/watch.ts against the real file system: content changes fire once each, even two
 * same-size writes in quick succession (file times are coarse), and a swap to a FIFO or a
 * symlink to /dev/zero fires at once instead of blocking the event loop on a read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchFile } from '../../src/watch.js';
import { waitFor } from '../helpers/metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'watch-file-'));
let n = 0;
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function watched(content: string): { path: string; fired: () => number } {
  const path = join(dir, `${n++}-market.json`);
  writeFileSync(path, content);
  let count = 0;
  stops.push(watchFile(path, () => count++, 100, 20));
  return { path, fired: () => count };
}

function swapIn(path: string, make: (tmp: string) => void): void {
  const tmp = `${path}.next-${n++}`;
  make(tmp);
  renameSync(tmp, path);
}

describe('watchFile', () => {
  it('fires once per content change, same-size rewrites included, and not without one', async () => {
    const w = watched('aaaa');
    writeFileSync(w.path, 'bbbb');
    await waitFor(() => w.fired() === 1, 3000);
    writeFileSync(w.path, 'cccc');
    await waitFor(() => w.fired() === 2, 3000);
    writeFileSync(w.path, 'cccc');
    await new Promise((r) => setTimeout(r, 500));
    expect(w.fired()).toBe(2);
  });

  it.each([
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p])],
    ['a symlink to /dev/zero', (p: string) => symlinkSync('/dev/zero', p)],
  ])('fires when the file is swapped for %s, and keeps the event loop free', async (_name, make) => {
    const w = watched('{"markets": {}}');
    swapIn(w.path, make);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await waitFor(() => w.fired() === 1, 3000);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(5);
    swapIn(w.path, (p) => writeFileSync(p, '{"markets": {}}'));
    await waitFor(() => w.fired() === 2, 3000);
  });
});
