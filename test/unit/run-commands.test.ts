/** The ways the daemon is started (npm start, the Docker image) run Node the same way. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../helpers/daemon.js';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');

describe('run commands', () => {
  it('npm start and the Dockerfile entrypoint pass the same Node flags to dist/src/main.js', () => {
    const npmFlags = NODE_FLAGS;
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(entry, 'Dockerfile ENTRYPOINT in exec form').toBeDefined();
    const argv = JSON.parse(entry ?? '[]') as string[];
    expect(argv[0]).toBe('node');
    expect(argv.at(-1)).toBe('dist/src/main.js');
    expect(argv.slice(1, -1)).toEqual(npmFlags);
    expect(npmFlags).toContain('--max-semi-space-size=2');
    expect(npmFlags).toContain('--no-parallel-scavenge');
  });

  it("bin/connect (connect's binary name in the image) runs Node with the same flags", () => {
    const npmFlags = NODE_FLAGS;
    const exec = /^exec node (.*) "\$here\/\.\.\/dist\/src\/main\.js" "\$@"$/m.exec(read('bin/connect'))?.[1];
    expect(exec?.split(/\s+/)).toEqual(npmFlags);
    for (const name of ['connect', 'slinky', 'oracle-sidecar']) expect(read('Dockerfile')).toContain(`ln -s /app/bin/connect /usr/local/bin/${name}`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('pins every base image to one exact Node 24 (LTS) release', () => {
    const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
    expect(new Set(images).size).toBe(1);
  });

  it('checks health with a script the image copies, on the metrics port', () => {
    const check = /^HEALTHCHECK (?:--\S+ )*CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(check, 'HEALTHCHECK ... CMD in exec form').toBeDefined();
    const argv = JSON.parse(check ?? '[]') as string[];
    expect(argv).toEqual(['node', '/app/dist/src/tools/healthcheck.js']);
    // The runtime stage copies dist/src into /app, and the script's source is compiled there.
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toContain('COPY --from=build /app/dist/src ./dist/src');
    expect(read('src/tools/healthcheck.ts')).toContain('/healthz');
    expect(dockerfile).toMatch(/^ENV HEALTHCHECK_PORT=8002$/m);
    expect(dockerfile).toMatch(/^EXPOSE .*\b8002\b/m);
    expect((JSON.parse(read('oracle.json')) as { metrics: { prometheusServerAddress: string } }).metrics.prometheusServerAddress).toMatch(/:8002$/);
  });
});
