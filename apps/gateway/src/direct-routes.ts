import { ApiKeyAuthenticator, type RouteAccess } from '@keyhouse/auth';
import {
  callerOfRequest,
  type Caller,
  type RequestWithCaller,
  sendProblem,
  StrictValidationPipe,
} from '@keyhouse/common';
import type { PipeTransform, Type } from '@nestjs/common';
import { HEADERS_METADATA, HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { catalogRoutes, type RouteArgumentFacts, type RouteFacts } from './openapi/route-catalog';

type Request = FastifyRequest & RequestWithCaller;
type ArgumentOf = (request: Request, caller: Caller) => unknown;

/** The global pipe, as Nest runs it on a body: unknown fields refused, types checked. */
const bodyValidation = new StrictValidationPipe();

/**
 * Routes marked @DirectRoute() keep their place in Nest (the router table, the OpenAPI
 * document, the route catalogue and its tests), but Fastify calls their handler itself: the
 * API-key check, the validation of a body, the param pipes and the problem+json answer are
 * the ones Nest's pipeline runs, resolved once here rather than looked up per request. The
 * token read and the mint are served this way because Nest's per-request machinery was
 * about half of the token read's CPU under load.
 * Call before `app.init()`, which registers the routes this swaps the handler of.
 */
export function serveDirectRoutes(app: NestFastifyApplication): void {
  const handlers = new Map<string, RouteHandlerMethod>();
  for (const route of catalogRoutes(app).filter((candidate) => candidate.direct)) {
    handlers.set(`${verbOf(route)} ${route.routerPath}`, directHandler(app, route));
  }
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (options) => {
      // HEAD twins of GET routes run the GET handler; Fastify drops their body.
      const method = String([options.method].flat()[0]);
      const handler = handlers.get(`${method === 'HEAD' ? 'GET' : method} ${options.url}`);
      if (handler) {
        options.handler = handler;
      }
    });
}

function directHandler(app: NestFastifyApplication, route: RouteFacts): RouteHandlerMethod {
  const authenticator = app.get(ApiKeyAuthenticator, { strict: false });
  const controller = app.get<object, Record<string, (...args: unknown[]) => unknown>>(
    route.controllerType,
    { strict: false },
  );
  const method = controller[route.handler];
  if (typeof method !== 'function' || route.scope === null) {
    throw new Error(`@DirectRoute ${route.key}: only an authenticated handler can be direct`);
  }
  const access: RouteAccess = { scope: route.scope, provider: route.provider ?? undefined };
  const sorted = [...route.arguments].sort((left, right) => left.index - right.index);
  const argumentsOf = sorted.map((argument) => argumentReader(route, argument));
  // Only a body is validated asynchronously; a route without one awaits nothing extra.
  const awaitsArguments = sorted.some((argument) => argument.type === RouteParamtypes.BODY);
  const headers = (Reflect.getMetadata(HEADERS_METADATA, method) ?? []) as {
    name: string;
    value: string;
  }[];
  const status =
    (Reflect.getMetadata(HTTP_CODE_METADATA, method) as number | undefined) ??
    (verbOf(route) === 'POST' ? 201 : 200);
  return async function direct(request: FastifyRequest, reply: FastifyReply) {
    try {
      const caller = await authenticator.authenticate(request, reply, access);
      const values = argumentsOf.map((read) => read(request, caller));
      const result = await method.apply(
        controller,
        awaitsArguments ? await Promise.all(values) : values,
      );
      for (const header of headers) {
        void reply.header(header.name, header.value);
      }
      return reply.code(status).send(result);
    } catch (error) {
      sendProblem(error, request, reply);
      return reply;
    }
  };
}

/**
 * What the handler gets for one argument: the caller; the whole body, a DTO validated by the
 * global validation pipe as Nest would; or a string path param through its own pipes (the
 * global pipe changes nothing on a string param, so it is not run there). Nothing else is
 * accepted: a kind of argument this does not know would be a check silently skipped.
 */
function argumentReader(route: RouteFacts, argument: RouteArgumentFacts): ArgumentOf {
  if (argument.factory === callerOfRequest) {
    return (_request, caller) => caller;
  }
  if (
    argument.type === RouteParamtypes.BODY &&
    argument.data === undefined &&
    !argument.pipes?.length &&
    argument.dto
  ) {
    const metadata = { type: 'body', metatype: argument.dto } as const;
    return (request) => bodyValidation.transform(request.body, metadata);
  }
  if (
    argument.type === RouteParamtypes.PARAM &&
    typeof argument.data === 'string' &&
    argument.declaredType === String
  ) {
    const name = argument.data;
    const pipes = (argument.pipes ?? []).map(pipeInstance);
    const metadata = { type: 'param', data: name, metatype: String } as const;
    return (request) =>
      pipes.reduce<unknown>(
        (value, pipe) => {
          const transformed: unknown = pipe.transform(value, metadata);
          if (transformed instanceof Promise) {
            throw new Error(`@DirectRoute ${route.key}: param pipes must be synchronous`);
          }
          return transformed;
        },
        (request.params as Record<string, string | undefined>)[name],
      );
  }
  throw new Error(
    `@DirectRoute ${route.key}: argument ${argument.index} is neither the caller, a DTO body nor a string path param`,
  );
}

/** Param pipes here are synchronous and dependency-free (UuidParamPipe, ExternalIdPipe). */
function pipeInstance(pipe: unknown): PipeTransform {
  const instance = typeof pipe === 'function' ? new (pipe as Type<PipeTransform>)() : pipe;
  if (!isPipe(instance)) {
    throw new Error('@DirectRoute: a param pipe must have a transform method');
  }
  return instance;
}

function isPipe(value: unknown): value is PipeTransform {
  return typeof (value as Partial<PipeTransform> | null)?.transform === 'function';
}

function verbOf(route: RouteFacts): string {
  return route.key.slice(0, route.key.indexOf(' ')).toUpperCase();
}
