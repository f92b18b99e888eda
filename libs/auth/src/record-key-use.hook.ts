import type { RequestWithCaller } from '@keyhouse/common';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ApiClientsService } from './api-clients.service';

/**
 * Records a key's use once its request has succeeded: a request refused by a scope check, a
 * pipe or a handler (403, 400, 404...) leaves `last_used_at` as it was. A Fastify hook on
 * the finished response rather than a Nest interceptor: with no interceptor at all, Nest
 * skips its per-request interceptor chain (an RxJS pipeline and bound async resources).
 */
@Injectable()
export class RecordKeyUse implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly clients: ApiClientsService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onResponse', (request, reply, done) => {
      const caller = (request as unknown as RequestWithCaller).caller;
      if (caller && reply.statusCode < 400) {
        this.clients.recordUse(caller.clientId);
      }
      done();
    });
  }
}
