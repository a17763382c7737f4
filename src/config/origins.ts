/**
 * Key paths and where each value came from, so every problem can name its source
 * (`file /etc/oracle.json`, `env CONNECT_CONFIG_PORT`, `flag --port`, `built-in default`).
 */
export type PathSeg = string | number;

/** `providers.binance_api.api.endpoints[0].url` */
export function fmtPath(segs: readonly PathSeg[]): string {
  let out = '';
  for (const s of segs) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

export const BUILT_IN = 'built-in default';

/** The last source that set each leaf (or whole array). */
export class Origins {
  private readonly byPath = new Map<string, string>();

  /** Records that `source` set the value at `path`, replacing anything set below it. */
  set(path: string, source: string): void {
    for (const p of [...this.byPath.keys()]) {
      if (isUnder(p, path)) this.byPath.delete(p);
    }
    this.byPath.set(path, source);
  }

  /** The sources of the value at `path`: the nearest recorded ancestor-or-self, else every
   *  source recorded below it, else the built-in defaults. */
  describe(path: string): string {
    let best: string | undefined;
    let bestLen = -1;
    const below = new Set<string>();
    for (const [p, src] of this.byPath) {
      if ((p === path || isUnder(path, p)) && p.length > bestLen) {
        best = src;
        bestLen = p.length;
      } else if (isUnder(p, path)) {
        below.add(src);
      }
    }
    if (best !== undefined) return best;
    return below.size > 0 ? [...below].join(', ') : BUILT_IN;
  }
}

/** True when `p` is strictly below `ancestor`. */
function isUnder(p: string, ancestor: string): boolean {
  return p.startsWith(`${ancestor}.`) || p.startsWith(`${ancestor}[`);
}

/** Collects problems as `path: message (source)`. */
export class Problems {
  readonly list: string[] = [];
  constructor(readonly origins: Origins) {}

  /** A problem whose source is looked up from the origins of `path`. */
  at(path: readonly PathSeg[] | string, message: string): void {
    const p = typeof path === 'string' ? path : fmtPath(path);
    this.list.push(`${p}: ${message} (${this.origins.describe(p)})`);
  }

  /** A problem with an explicit source. */
  from(source: string, path: readonly PathSeg[] | string, message: string): void {
    const p = typeof path === 'string' ? path : fmtPath(path);
    this.list.push(p === '' ? `${message} (${source})` : `${p}: ${message} (${source})`);
  }
}
