/**
 * Listen addresses as oracle.json, CONNECT_CONFIG_* and the flags give them: `port` (a
 * decimal 0-65535; 0 asks the system for a free port), `host` (a host name or an IP address)
 * and `metrics.prometheusServerAddress` (`host:port`, an IPv6 host in brackets). Checked at
 * load, so that a bad value exits 2 naming its key before anything listens, instead of a raw
 * Node error after the price API is already up (`--port 0x6f61` used to listen on 28513).
 */
import { isIP } from 'node:net';
import { MAX_HOST_LENGTH, preview } from './limits.js';

/** One DNS label; `_` is allowed because container and service names carry it. */
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** The problem with `text` as a port, or undefined. */
export function portProblem(text: string): string | undefined {
  if (/^\d{1,5}$/.test(text) && Number(text) <= 65535) return undefined;
  return `must be a decimal port number from 0 to 65535, got ${preview(text)}`;
}

/** The problem with `text` as a listen host (no brackets), or undefined. */
export function hostProblem(text: string): string | undefined {
  if (text.length > MAX_HOST_LENGTH) return `must be at most ${MAX_HOST_LENGTH} characters, got ${text.length}`;
  if (isIP(text) !== 0) return undefined;
  const labels = (text.endsWith('.') ? text.slice(0, -1) : text).split('.');
  // A numeric last label makes it an IP address, and not a valid one ("256.1.1.1", "127.1").
  const numeric = /^\d+$/.test(labels[labels.length - 1] ?? '');
  if (!numeric && labels.every((label) => LABEL.test(label))) return undefined;
  const hint = text.startsWith('[') ? ' (an IPv6 address goes without brackets here)' : '';
  return `must be a host name or an IP address${hint}, got ${preview(text)}`;
}

/** The problem with `address` as `host:port` (`[v6]:port`), or undefined. */
export function hostPortProblem(address: string): string | undefined {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(address);
  if (!m) return `must be host:port (an IPv6 host in brackets, [::1]:8002), got ${preview(address)}`;
  const [, v6, host = '', port = ''] = m;
  if (v6 !== undefined && isIP(v6) !== 6) return `must have an IPv6 address inside the brackets, got ${preview(address)}`;
  const hostIssue = v6 === undefined ? hostProblem(host) : undefined;
  if (hostIssue) return `host ${hostIssue}`;
  const portIssue = portProblem(port);
  return portIssue ? `port ${portIssue}` : undefined;
}
