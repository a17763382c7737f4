/**
 * A V8 heap snapshot of the daemon and its breakdown. The daemon runs with
 * `--heapsnapshot-signal=SIGUSR2` in a cwd of its own; SIGUSR2 makes it write
 * `Heap.<date>.<pid>...heapsnapshot` there (after a full GC, so only live objects are in it).
 * The file is V8's JSON format: `snapshot.meta.node_fields` names the fields of each node in the
 * flat `nodes` array, `node_types[0]` the values of its `type` field, and `name` indexes
 * `strings`. Self sizes are summed by class: an object's constructor name, a string, code, ...
 * (what Chrome DevTools' Summary view groups by), without retained sizes.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './common.js';

export interface HeapEntry {
  name: string;
  bytes: number;
  count: number;
}

export interface HeapBreakdown {
  /** Sum of every node's self size: the live JS heap. */
  totalBytes: number;
  nodes: number;
  /** Every class, largest first. */
  classes: HeapEntry[];
  /** Node types (object, string, code, ...), largest first. */
  types: HeapEntry[];
  /** Bytes in strings whose text another live string already holds, and the worst texts. */
  duplicateStringBytes: number;
  duplicateStrings: HeapEntry[];
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string']);

/** The class a node is counted under. */
function classOf(type: string, name: string): string {
  if (type === 'object' || type === 'native') return name;
  if (STRING_TYPES.has(type)) return '(string)';
  if (type === 'code') return '(compiled code)';
  if (type === 'closure') return '(closure)';
  if (type === 'number') return '(heap number)';
  if (type === 'array') return name.startsWith('(') ? `(array) ${name}` : '(array)';
  if (type === 'hidden') return name.startsWith('system /') ? name : '(hidden)';
  return `(${type})`;
}

const sorted = (m: Map<string, HeapEntry>): HeapEntry[] => [...m.values()].sort((a, b) => b.bytes - a.bytes);

function add(m: Map<string, HeapEntry>, name: string, bytes: number): void {
  const e = m.get(name);
  if (e) {
    e.bytes += bytes;
    e.count += 1;
  } else {
    m.set(name, { name, bytes, count: 1 });
  }
}

export function parseHeapSnapshot(text: string): HeapBreakdown {
  const snap = JSON.parse(text) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const classes = new Map<string, HeapEntry>();
  const byType = new Map<string, HeapEntry>();
  const strings = new Map<string, HeapEntry>();
  let total = 0;
  const nodes = snap.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType] as number] ?? '?';
    const name = snap.strings[nodes[i + iName] as number] ?? '';
    const size = nodes[i + iSize] as number;
    total += size;
    add(classes, classOf(type, name), size);
    add(byType, type, size);
    // A concatenated or sliced string's text lives in its parts; count flat copies only.
    if (type === 'string') add(strings, name, size);
  }
  const dups = [...strings.values()].filter((e) => e.count > 1).map((e) => ({ name: e.name, count: e.count, bytes: (e.bytes * (e.count - 1)) / e.count }));
  dups.sort((a, b) => b.bytes - a.bytes);
  return {
    totalBytes: total,
    nodes: nodes.length / width,
    classes: sorted(classes),
    types: sorted(byType),
    duplicateStringBytes: dups.reduce((s, e) => s + e.bytes, 0),
    duplicateStrings: dups.slice(0, 10),
  };
}

/**
 * Send SIGUSR2 to `pid` (started with --heapsnapshot-signal=SIGUSR2 in `dir`), wait for the
 * snapshot to be complete (it parses), delete the file and return its breakdown.
 */
export async function takeHeapSnapshot(pid: number, dir: string, timeoutMs = 120_000): Promise<HeapBreakdown> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sleep(500);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file) {
      const path = join(dir, file);
      let breakdown: HeapBreakdown | undefined;
      try {
        breakdown = parseHeapSnapshot(readFileSync(path, 'utf8'));
      } catch {
        // still being written
      }
      if (breakdown) {
        rmSync(path, { force: true });
        return breakdown;
      }
    }
    if (Date.now() > deadline) throw new Error(`no complete heap snapshot in ${dir} after ${timeoutMs} ms`);
  }
}
