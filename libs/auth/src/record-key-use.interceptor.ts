import type { RequestWithCaller } from '@keyhouse/common';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import { ApiClientsService } from './api-clients.service';

/**
 * Records a key's use once its request has succeeded: a request refused by a scope check, a
 * pipe or a handler (403, 400, 404...) leaves `last_used_at` as it was. Interceptors run
 * after the guard (which identified the caller) and around the pipes and the handler.
 */
@Injectable()
export class RecordKeyUseInterceptor implements NestInterceptor {
  constructor(private readonly clients: ApiClientsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    return next.handle().pipe(
      tap(() => {
        if (request.caller) {
          this.clients.recordUse(request.caller.clientId);
        }
      }),
    );
  }
}
