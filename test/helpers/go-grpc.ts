/**
 * A grpc-go client for the e2e tests (test/go/grpccall): chain nodes call the side-car with
 * grpc-go, and a grpc-js client would share HTTP/2 and wire quirks with our grpc-js server.
 *
 * The binary and a FileDescriptorSet of proto/ are built once per content: they are cached in
 * os.tmpdir() under a hash of the Go sources, the protos and the `go` and `protoc` versions.
 * Concurrent test workers may build at once; each builds into its own temporary directory and
 * renames it into place, and a loser of that race uses the winner's build.
 *
 * Needs the Debian packages golang-go, golang-google-grpc-dev, golang-google-protobuf-dev
 * (Go sources in /usr/share/gocode, built with GO111MODULE=off) and protobuf-compiler.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ROOT } from './daemon.js';

const run = promisify(execFile);
const PACKAGES = 'golang-go golang-google-grpc-dev golang-google-protobuf-dev protobuf-compiler';
const SOURCE = join(ROOT, 'test/go/grpccall');
const PROTO = join(ROOT, 'proto');
const GOCODE = '/usr/share/gocode';

/** How a call ended: the gRPC status code (0 = OK) and message, and the reply of a unary call
 *  that succeeded, as protojson with proto field names and unpopulated fields. */
export interface GoResult<T = unknown> {
  code: number;
  message: string;
  response?: T;
}

export interface GoCall {
  method: string;
  request?: object;
}

interface Line {
  call: number;
  code?: number;
  message?: string;
  response?: unknown;
}

/** Files under `dir` ending in one of `exts`, sorted, as paths relative to `dir`. */
function filesUnder(dir: string, exts: string[]): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && exts.some((x) => e.name.endsWith(x)))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function version(cmd: string, arg: string): Promise<string> {
  try {
    return (await run(cmd, [arg])).stdout.trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${cmd} not found: the grpc-go e2e client needs the Debian packages ${PACKAGES} (apt-get install ${PACKAGES})`, { cause: err });
    }
    throw err;
  }
}

function goEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GO111MODULE: 'off', GOPATH: GOCODE, GOFLAGS: '' };
  if (!env.GOCACHE && !env.XDG_CACHE_HOME && !env.HOME) env.GOCACHE = join(tmpdir(), 'oracle-sidecar-go-build');
  return env;
}

/** Build the binary and the descriptor set into `dir`. */
async function build(dir: string, protos: string[]): Promise<void> {
  const bin = join(dir, 'grpccall');
  try {
    await run('go', ['build', '-o', bin, '.'], { cwd: SOURCE, env: goEnv(), timeout: 600_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`go build of test/go/grpccall failed (it needs the Debian packages ${PACKAGES}):\n${stderr}`, { cause: err });
  }
  // Debian's protoc has no include files: the Go binary supplies google/protobuf/timestamp.proto.
  await run(bin, ['-write-wkt', join(dir, 'wkt.pb')]);
  await run('protoc', ['-I', PROTO, `--descriptor_set_in=${join(dir, 'wkt.pb')}`, '--include_imports', `--descriptor_set_out=${join(dir, 'descriptors.pb')}`, ...protos]);
}

let tool: Promise<{ bin: string; descriptors: string }> | undefined;

/** The built client and descriptor set, built on first use. */
export function goTool(): Promise<{ bin: string; descriptors: string }> {
  tool ??= (async () => {
    const protos = filesUnder(PROTO, ['.proto']);
    const hash = createHash('sha256');
    hash.update(await version('go', 'version'));
    hash.update(await version('protoc', '--version'));
    for (const f of filesUnder(SOURCE, ['.go'])) hash.update(`${f}\0`).update(readFileSync(join(SOURCE, f)));
    for (const f of protos) hash.update(`${f}\0`).update(readFileSync(join(PROTO, f)));
    const dir = join(tmpdir(), `oracle-sidecar-grpccall-${hash.digest('hex').slice(0, 16)}`);
    const result = { bin: join(dir, 'grpccall'), descriptors: join(dir, 'descriptors.pb') };
    if (existsSync(result.descriptors)) return result;
    const temp = mkdtempSync(`${dir}.tmp-`);
    try {
      await build(temp, protos);
      renameSync(temp, dir);
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      // Another worker renamed its complete build into place first.
      if (!existsSync(result.descriptors)) throw err;
    }
    return result;
  })();
  return tool;
}

function args(descriptors: string, target: string, calls: GoCall[], parallel: boolean): string[] {
  const list = ['-descriptors', descriptors, ...(parallel ? ['-parallel'] : []), target];
  for (const c of calls) list.push(c.method, JSON.stringify(c.request ?? {}));
  return list;
}

/**
 * Unary calls on one grpc-go connection, one after another (or all at once with `parallel`);
 * resolves with each call's result in order. Rejects only when the client itself fails
 * (unknown method, bad request JSON), never on a gRPC status.
 */
export async function goCalls(target: string, calls: GoCall[], parallel = false): Promise<GoResult[]> {
  const { bin, descriptors } = await goTool();
  const child = spawn(bin, args(descriptors, target, calls, parallel), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0 && code !== 1) throw new Error(`grpccall exited ${code}: ${err}`);
  const results: GoResult[] = [];
  for (const text of out.split('\n').filter(Boolean)) {
    const l = JSON.parse(text) as Line;
    results[l.call] = { code: l.code ?? -1, message: l.message ?? '', ...(l.response === undefined ? {} : { response: l.response }) };
  }
  if (results.length !== calls.length || results.includes(undefined as never)) throw new Error(`grpccall printed ${out}`);
  return results;
}

/** One unary call with grpc-go, e.g. goCall(target, '/grpc.health.v1.Health/Check', { service: '' }). */
export async function goCall<T = unknown>(target: string, method: string, request: object = {}): Promise<GoResult<T>> {
  const [result] = await goCalls(target, [{ method, request }]);
  return result as GoResult<T>;
}

export interface GoStream<T> {
  /** The next message of the stream; rejects if the stream ends first. */
  next(): Promise<T>;
  /** How the stream ended. */
  readonly ended: Promise<GoResult>;
  /** Stop the client process. */
  close(): void;
}

/** A server-streaming call with grpc-go (Health/Watch), open until the server ends it or `timeoutMs`. */
export async function goStream<T = unknown>(target: string, method: string, request: object = {}, timeoutMs = 60_000): Promise<GoStream<T>> {
  const { bin, descriptors } = await goTool();
  const child = spawn(bin, ['-timeout', `${timeoutMs}ms`, ...args(descriptors, target, [{ method, request }], false)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: T[] = [];
  const waiting: Array<{ resolve: (m: T) => void; reject: (e: Error) => void }> = [];
  let end: GoResult | undefined;
  const ended = new Promise<GoResult>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (text) => {
      const l = JSON.parse(text) as Line;
      if (l.code === undefined) {
        const w = waiting.shift();
        if (w) w.resolve(l.response as T);
        else messages.push(l.response as T);
        return;
      }
      finish({ code: l.code, message: l.message ?? '' });
    });
    child.on('close', (code) => finish({ code: -1, message: `grpccall exited ${code} without a status` }));
    function finish(result: GoResult): void {
      if (end) return;
      end = result;
      for (const w of waiting.splice(0)) w.reject(new Error(`stream ended: ${result.code} ${result.message}`));
      resolve(result);
    }
  });
  return {
    next: () => {
      const m = messages.shift();
      if (m !== undefined) return Promise.resolve(m);
      if (end) return Promise.reject(new Error(`stream ended: ${end.code} ${end.message}`));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    ended,
    close: () => child.kill(),
  };
}
