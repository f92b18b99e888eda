import { type ProblemCode, statusOf } from '@keyhouse/common';
import type {
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { RouteFacts } from './route-catalog';

/** Every code, once: a Record over the union, so a new ProblemCode does not compile without it. */
const CODES: Record<ProblemCode, true> = {
  validation_failed: true,
  unauthenticated: true,
  forbidden: true,
  not_found: true,
  method_not_allowed: true,
  conflict: true,
  payload_too_large: true,
  unsupported_media_type: true,
  needs_reauth: true,
  rate_limited: true,
  upstream_error: true,
  upstream_unavailable: true,
  provider_not_configured: true,
  unavailable: true,
  internal_error: true,
};
export const PROBLEM_CODES = Object.keys(CODES) as ProblemCode[];

/** The schemas every error answer shares (what ProblemDetailsFilter writes). */
export const PROBLEM_SCHEMAS: Record<string, SchemaObject> = {
  ProblemCode: {
    type: 'string',
    enum: PROBLEM_CODES,
    description: 'Stable and machine-readable; branch on this, not on `title` or `detail`',
  },
  FieldError: {
    type: 'object',
    required: ['field', 'message'],
    properties: {
      field: { type: 'string', example: 'userId' },
      message: { type: 'string', example: 'userId must be 1–256 printable characters' },
    },
  },
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details',
    required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
    properties: {
      type: { type: 'string', example: 'urn:keyhouse:problem:not_found' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string', description: 'For people; never holds a token or a key' },
      code: { $ref: '#/components/schemas/ProblemCode' },
      requestId: { type: 'string', description: 'Also sent as the x-request-id header' },
      errors: {
        type: 'array',
        items: { $ref: '#/components/schemas/FieldError' },
        description: 'With validation_failed: each refused field',
      },
    },
  },
};

const RETRY_AFTER: ResponseObject['headers'] = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
};

/** A shared response per error status that some route uses, named by its status. */
export function problemResponses(used: ReadonlySet<number>): Record<string, ResponseObject> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of PROBLEM_CODES) {
    const { status } = statusOf(code);
    if (!used.has(status)) {
      continue;
    }
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, codes] of byStatus) {
    const titles = codes.map((code) => `\`${code}\`: ${statusOf(code).title}`).join('; ');
    responses[responseName(status)] = {
      description: titles,
      ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      content: {
        'application/problem+json': {
          schema: { $ref: '#/components/schemas/Problem' },
          example: exampleProblem(codes[0] ?? 'internal_error'),
        },
      },
    };
  }
  return responses;
}

export function responseName(status: number): string {
  return `Problem${status}`;
}

/**
 * What a route can fail with, from what it is: the guard (401, 403, 429), validation (400),
 * the database behind every key check (503), a body (413, 415), a resource id (404), an upstream
 * (424, 502, 503), plus what OPERATIONS adds for the route. 500 is a bug, so not documented.
 */
export function failureStatuses(route: RouteFacts, alsoFails: readonly number[] = []): number[] {
  const statuses = new Set<number>(alsoFails);
  if (route.scope !== null) {
    [400, 401, 403, 429, 503].forEach((status) => statuses.add(status));
  }
  if (route.body) {
    [400, 413, 415].forEach((status) => statuses.add(status));
  }
  if ([...route.pathParams.values()].includes('uuid')) {
    // A resource by id: absent, or another team's (also 404).
    [400, 404].forEach((status) => statuses.add(status));
  }
  if (route.provider !== null) {
    [424, 502, 503].forEach((status) => statuses.add(status));
  }
  return [...statuses].sort((a, b) => a - b);
}

function exampleProblem(code: ProblemCode): object {
  const { status, title } = statusOf(code);
  return {
    type: `urn:keyhouse:problem:${code}`,
    title,
    status,
    detail: title,
    code,
    requestId: 'req-3f9a1c',
  };
}
