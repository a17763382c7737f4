/**
 * The protobuf definitions (proto/, one tree per protocol version: connect's v2
 * connect.service.v2, connect.marketmap.v2, connect.types.v2; connect v1's slinky.service.v1,
 * slinky.marketmap.v1, slinky.types.v1; plus grpc.health.v1), loaded at run time with
 * @grpc/proto-loader: the .proto files stay the single source of truth, with no code
 * generation step. Messages decode with the proto field names (keepCase), uint64 as strings.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';

/** proto/ at the package root, from src/grpc (tests) or dist/src/grpc (built). */
function protoDir(): string {
  for (const rel of ['../../proto', '../../../proto']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}/connect/service/v2/oracle.proto`)) return dir;
  }
  throw new Error('proto/ directory not found next to the side-car');
}

const FILES = [
  'connect/service/v2/oracle.proto',
  'connect/marketmap/v2/query.proto',
  'slinky/service/v1/oracle.proto',
  'slinky/marketmap/v1/query.proto',
  'grpc/health/v1/health.proto',
];

let cached: grpc.GrpcObject | undefined;

/** Every package as a grpc-js object: services are client constructors with `.service`. */
export function protos(): grpc.GrpcObject {
  cached ??= grpc.loadPackageDefinition(
    loader.loadSync(FILES, { includeDirs: [protoDir()], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }),
  );
  return cached;
}

/** A service constructor by its full name, e.g. `connect.service.v2.Oracle`. */
export function service(fullName: string): grpc.ServiceClientConstructor {
  let node: unknown = protos();
  for (const part of fullName.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function' || !('service' in node)) throw new Error(`no gRPC service ${fullName}`);
  return node as grpc.ServiceClientConstructor;
}
