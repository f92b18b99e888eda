import type { FakeResponse } from '../common/fake-http';

/** The `status` values of Mesh's answer envelope that the fake uses. */
export type MeshStatus =
  | 'ok'
  | 'badRequest'
  | 'permissionDenied'
  | 'notFound'
  | 'conflict'
  | 'serverFailure'
  | 'tooManyRequest';

export function meshOk(content: unknown): FakeResponse {
  return {
    status: 200,
    json: { status: 'ok', message: '', displayMessage: null, errorType: '', content },
  };
}

/** An `ok` answer that carries nothing (DELETE /api/v1/account). */
export function meshOkWithoutContent(): FakeResponse {
  return { status: 200, json: { status: 'ok', message: '', displayMessage: null, errorType: '' } };
}

/** A Mesh error; 401 is special: Mesh answers a bad client id or secret with an empty body. */
export function meshError(httpStatus: number, message: string): FakeResponse {
  if (httpStatus === 401) {
    return { status: 401 };
  }
  return {
    status: httpStatus,
    json: {
      status: meshStatusFor(httpStatus),
      message,
      displayMessage: message,
      errorType: meshStatusFor(httpStatus),
      content: null,
    },
  };
}

function meshStatusFor(httpStatus: number): MeshStatus {
  switch (httpStatus) {
    case 403:
      return 'permissionDenied';
    case 404:
      return 'notFound';
    case 409:
      return 'conflict';
    case 429:
      return 'tooManyRequest';
    default:
      return httpStatus >= 500 ? 'serverFailure' : 'badRequest';
  }
}
