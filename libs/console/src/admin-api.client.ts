import type { Secret } from '@keyhouse/config';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface AdminAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly retryAfter?: string;
}

/**
 * The console's only way to read or change anything: a request to the gateway's own admin
 * API, injected in-process with the signed-in operator's key. So the console passes the same
 * guard, validation, services and audit trail as curl, and can never do more than the API.
 */
@Injectable()
export class AdminApiClient {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async request(
    method: AdminMethod,
    url: string,
    key: Secret,
    body: unknown,
    remoteAddress: string,
  ): Promise<AdminAnswer> {
    if (!url.startsWith('/admin/')) {
      throw new Error('the console only calls /admin routes');
    }
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const hasBody = body !== undefined && body !== null;
    const answer = await fastify.inject({
      method,
      url,
      // The operator's address, not loopback: per-address limits and logs see who it was.
      remoteAddress,
      headers: {
        authorization: `Bearer ${key.reveal()}`,
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(hasBody ? { payload: JSON.stringify(body) } : {}),
    });
    const retryAfter = answer.headers['retry-after'];
    return {
      status: answer.statusCode,
      contentType: String(answer.headers['content-type'] ?? 'application/json'),
      body: answer.body,
      ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}),
    };
  }
}
