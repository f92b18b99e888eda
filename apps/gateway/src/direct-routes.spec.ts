import 'reflect-metadata';
import { ApiKeyAuthenticator } from '@keyhouse/auth';
import {
  type Caller,
  CurrentCaller,
  DirectRoute,
  RequireScope,
  UuidParamPipe,
} from '@keyhouse/common';
import { IsString, Length } from 'class-validator';
import {
  Body,
  type CanActivate,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Module,
  Param,
  Post,
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

class NameDto {
  @IsString()
  @Length(1, 10)
  name!: string;
}

@Controller('things')
class ThingsController {
  @Post()
  @DirectRoute()
  @RequireScope('tokens:read')
  create(@CurrentCaller() caller: Caller, @Body() body: NameDto) {
    return { team: caller.team, name: body.name, validated: body instanceof NameDto };
  }

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

  it('validates a body with the global validation pipe, and answers 201 to a POST', async () => {
    const answer = await app.inject({ method: 'POST', url: '/things', payload: { name: 'ada' } });
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toEqual({ team: 'growth', name: 'ada', validated: true });
  });

  it.each([
    ['an unknown field', { name: 'ada', extra: 1 }],
    ['a wrong type', { name: 7 }],
    ['a value out of bounds', { name: 'x'.repeat(11) }],
    ['a body that is not an object', ['ada']],
  ])('refuses %s in a body as problem+json', async (_case, payload) => {
    const answer = await app.inject({ method: 'POST', url: '/things', payload });
    expect(answer.statusCode).toBe(400);
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
      expect(() => serveDirectRoutes(bad)).toThrow(
        /neither the caller, a DTO body nor a string path param/,
      );
    } finally {
      await bad.close();
    }
  });
});
