/**
 * Reading Grafana dashboard JSON in tests: walking panels for their Prometheus
 * expressions, expanding template variables, and a small PromQL scanner that
 * finds the vector selectors (metric name + label matchers) of an expression.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for a datasource reference (object `{type, uid}` or a legacy name string) that points at Loki. */
function isLoki(ds: unknown): boolean {
  if (typeof ds === 'string') return /loki/i.test(ds);
  if (!isObject(ds)) return false;
  if (typeof ds.type === 'string') return ds.type.toLowerCase() === 'loki';
  return typeof ds.uid === 'string' && /loki/i.test(ds.uid);
}

/**
 * Every Prometheus target expression of a dashboard, in panel order: top-level
 * panels, panels nested in (collapsed) rows, and legacy `rows[].panels`. Also
 * accepts the API form `{ dashboard: {...} }`. Targets whose datasource (or, if
 * the target names none, whose panel's datasource) is Loki are skipped, as are
 * targets without a non-blank string `expr`.
 */
export function dashboardExpressions(json: unknown): Array<{ panel: string; expr: string }> {
  const out: Array<{ panel: string; expr: string }> = [];
  const root = isObject(json) && isObject(json.dashboard) ? json.dashboard : json;
  if (!isObject(root)) throw new Error('dashboard JSON must be an object');

  const walk = (panels: unknown): void => {
    if (!Array.isArray(panels)) return;
    for (const p of panels) {
      if (!isObject(p)) continue;
      const title = typeof p.title === 'string' ? p.title : '';
      if (Array.isArray(p.targets)) {
        for (const t of p.targets) {
          if (!isObject(t)) continue;
          const ds = t.datasource ?? p.datasource;
          if (isLoki(ds)) continue;
          if (typeof t.expr !== 'string' || t.expr.trim() === '') continue;
          out.push({ panel: title, expr: t.expr });
        }
      }
      walk(p.panels);
    }
  };

  walk(root.panels);
  if (Array.isArray(root.rows)) for (const r of root.rows) if (isObject(r)) walk(r.panels);
  return out;
}

/**
 * Replace Grafana template variables in `expr`: `$var`, `${var}`, `${var:format}`
 * (format ignored: the value is inserted as given), `[[var]]`, `[[var:format]]`,
 * and the built-ins `$__range`, `$__rate_interval`, `$__interval` (pass them as
 * `__range` etc.; keys may also be written with a leading `$`). Variables that
 * are not in `vars` are left as they are. Substitution is a single pass, so
 * values are never expanded again.
 */
export function substituteVariables(expr: string, vars: Record<string, string>): string {
  const values = new Map<string, string>();
  for (const [k, v] of Object.entries(vars)) values.set(k.replace(/^\$/, ''), v);
  return expr.replace(
    /\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g,
    (whole: string, braced?: string, bracketed?: string, plain?: string) => {
      const name = braced ?? bracketed ?? plain ?? '';
      const value = values.get(name);
      return value === undefined ? whole : value;
    },
  );
}

/** Names of the template variables an expression refers to (`$x`, `${x}`, `${x:fmt}`, `[[x]]`). */
export function referencedVariables(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g)) {
    names.add(m[1] ?? m[2] ?? m[3] ?? '');
  }
  return [...names];
}

export interface VectorSelector {
  /** Metric name ('' for a selector written only as `{...}`). */
  name: string;
  /** Text between the braces, or '' when the selector has none. */
  matchers: string;
}

const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
// Aggregation operators are PromQL keywords (`sum by (x) (...)`), never metric names.
const KEYWORDS = new Set([
  'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2',
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values',
  'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);
const NUMBER = /^(?:0x[0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[a-zA-Z0-9_]*)/;

/** Index just past the string literal that starts at `i`. */
function skipString(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== quote) j += quote !== '`' && s[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Index just past the `close` that balances the `open` at `i`, skipping string literals. */
function skipBalanced(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '"' || c === "'" || c === '`') { j = skipString(s, j); continue; }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
    j++;
  }
  return j;
}

/**
 * The vector selectors of a PromQL expression, in order. Function and
 * aggregation names (identifiers followed by `(`), keywords, label lists of
 * by/without/on/ignoring/group_left/group_right, string literals, numbers,
 * durations, range/subquery brackets, comments and Grafana variables are not
 * selectors.
 */
export function vectorSelectors(expr: string): VectorSelector[] {
  const out: VectorSelector[] = [];
  const s = expr;
  let i = 0;
  const nextNonSpace = (j: number): number => {
    while (j < s.length && /\s/.test(s[j] ?? '')) j++;
    return j;
  };
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === '"' || c === "'" || c === '`') { i = skipString(s, i); continue; }
    if (c === '#') { while (i < s.length && s[i] !== '\n') i++; continue; }
    if (c === '[') { i = skipBalanced(s, i, '[', ']'); continue; }
    if (c === '$') {
      i++;
      if (s[i] === '{') i = skipBalanced(s, i, '{', '}');
      else while (i < s.length && /\w/.test(s[i] ?? '')) i++;
      continue;
    }
    if (c === '{') {
      const end = skipBalanced(s, i, '{', '}');
      out.push({ name: '', matchers: s.slice(i + 1, end - 1) });
      i = end;
      continue;
    }
    const num = /[0-9.]/.test(c) ? NUMBER.exec(s.slice(i)) : null;
    if (num) { i += num[0].length; continue; }
    if (/[a-zA-Z_:]/.test(c)) {
      let j = i + 1;
      while (j < s.length && /[a-zA-Z0-9_:]/.test(s[j] ?? '')) j++;
      const word = s.slice(i, j);
      const k = nextNonSpace(j);
      if (GROUPING.has(word.toLowerCase())) {
        i = s[k] === '(' ? skipBalanced(s, k, '(', ')') : j;
        continue;
      }
      if (s[k] === '(' || KEYWORDS.has(word.toLowerCase())) { i = j; continue; }
      if (s[k] === '{') {
        const end = skipBalanced(s, k, '{', '}');
        out.push({ name: word, matchers: s.slice(k + 1, end - 1) });
        i = end;
      } else {
        out.push({ name: word, matchers: '' });
        i = j;
      }
      continue;
    }
    i++;
  }
  return out;
}

/** Distinct metric (or recording-rule) names an expression selects, in order of first use. */
export function metricNames(expr: string): string[] {
  return [...new Set(vectorSelectors(expr).map((v) => v.name).filter((n) => n !== ''))];
}
