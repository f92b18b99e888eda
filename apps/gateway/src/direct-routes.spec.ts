import 'reflect-metadata';
import { ApiKeyAuthenticator } from '@keyhouse/auth';
import {
  type Caller,
  CurrentCaller,
  DirectRoute,
  RequireScope,
  UuidParamPipe,
} from '@keyhouse/common';
import {
  type CanActivate,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Module,
  Param,
  Query,
  type Type,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { serveDirectRoutes } from './direct-routes';

const CALLER = {
  clientId: 'client-1',
  team: 'growth',
  scopes: ['tokens:read'],
} as unknown as Caller;

/** Stands in for Nest's pipeline: any request that reaches it is refused. */
class RefuseEverything implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenException('the Nest pipeline ran');
  }
}

/** The key check, reduced to what the executor relies on: it runs and sets the caller. */
const authenticator = {
  checked: [] as unknown[],
  authenticate(request: { caller?: Caller }, _reply: unknown, access: unknown): Promise<Caller> {
    this.checked.push(access);
    request.caller = CALLER;
    return Promise.resolve(CALLER);
  },
};

@Controller('things')
class ThingsController {
  @Get(':id/direct')
  @DirectRoute()
  @RequireScope('tokens:read')
  @Header('Cache-Control', 'no-store')
  direct(@CurrentCaller() caller: Caller, @Param('id', UuidParamPipe) id: string) {
    return { team: caller.team, id };
  }

  @Get(':id/nest')
  @RequireScope('tokens:read')
  nest(@Param('id', UuidParamPipe) id: string) {
    return { id };
  }
}

@Controller('bad')
class QueryController {
  @Get()
  @DirectRoute()
  @RequireScope('tokens:read')
  list(@Query('q') q: string) {
    return { q };
  }
}

async function appWith(controller: Type): Promise<NestFastifyApplication> {
  @Module({
    controllers: [controller],
    providers: [
      { provide: ApiKeyAuthenticator, useValue: authenticator },
      { provide: APP_GUARD, useClass: RefuseEverything },
    ],
  })
  class TestModule {}
  return NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
    logger: false,
  });
}

describe('serveDirectRoutes', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await appWith(ThingsController);
    serveDirectRoutes(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('calls a marked handler without Nest’s guards, with the caller, its pipes and headers', async () => {
    const id = 'A3BB189E-8BF9-3888-9912-ACE4E6543002';
    const answer = await app.inject({ method: 'GET', url: `/things/${id}/direct` });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ team: 'growth', id: id.toLowerCase() });
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(authenticator.checked).toContainEqual({ scope: 'tokens:read', provider: undefined });
  });

  it('answers a pipe’s refusal as problem+json', async () => {
    const answer = await app.inject({ method: 'GET', url: '/things/not-a-uuid/direct' });
    expect(answer.statusCode).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.json()).toMatchObject({ code: 'validation_failed' });
  });

  it('leaves unmarked routes to Nest’s pipeline', async () => {
    const answer = await app.inject({
      method: 'GET',
      url: '/things/a3bb189e-8bf9-3888-9912-ace4e6543002/nest',
    });
    expect(answer.statusCode).toBe(403);
  });

  it('refuses to start with a marked route whose arguments it cannot check', async () => {
    const bad = await appWith(QueryController);
    try {
      expect(() => serveDirectRoutes(bad)).toThrow(/neither the caller nor a string path param/);
    } finally {
      await bad.close();
    }
  });
});
