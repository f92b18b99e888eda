import type { FakeResponse } from '../common/fake-http';

/** The gRPC status codes api.stream's gateway puts in its error bodies. */
export const GrpcCode = {
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

export function grpcError(httpStatus: number, message: string, code?: GrpcCode): FakeResponse {
  return {
    status: httpStatus,
    json: { code: code ?? grpcCodeFor(httpStatus), message, details: [] },
  };
}

/** The gRPC code that grpc-gateway maps to this HTTP status. */
function grpcCodeFor(httpStatus: number): GrpcCode {
  switch (httpStatus) {
    case 400:
    case 413:
    case 415:
      return GrpcCode.InvalidArgument;
    case 401:
      return GrpcCode.Unauthenticated;
    case 403:
      return GrpcCode.PermissionDenied;
    case 404:
      return GrpcCode.NotFound;
    case 405:
    case 501:
      return GrpcCode.Unimplemented;
    case 429:
      return GrpcCode.ResourceExhausted;
    case 500:
      return GrpcCode.Internal;
    case 503:
      return GrpcCode.Unavailable;
    case 504:
      return GrpcCode.DeadlineExceeded;
    default:
      return GrpcCode.Unknown;
  }
}
