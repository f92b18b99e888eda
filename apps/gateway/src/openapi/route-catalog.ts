import {
  DIRECT_ROUTE,
  ExternalIdPipe,
  IS_PUBLIC,
  REQUIRED_PROVIDER,
  REQUIRED_SCOPE,
  type Scope,
  UuidParamPipe,
} from '@keyhouse/common';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';

/** How a path parameter is checked before the handler runs, which fixes its schema. */
export type PathParamKind = 'uuid' | 'external-id' | 'unchecked';

/**
 * What the guard, the pipes and the decorators make of one route: read from the same metadata
 * the running gateway acts on, so the document cannot drift from what the server enforces.
 */
export interface RouteFacts {
  /** `get /v1/credentials/{id}`: the document's own path syntax. */
  readonly key: string;
  readonly controller: string;
  readonly handler: string;
  /** The scope the guard demands; null for a public route (no key at all). */
  readonly scope: Scope | null;
  readonly provider: string | null;
  readonly pathParams: ReadonlyMap<string, PathParamKind>;
  readonly body: Type | null;
  readonly query: Type | null;
  /** Marked @DirectRoute(): Fastify calls the handler without Nest's pipeline. */
  readonly direct: boolean;
  readonly controllerType: Type;
  /** `/v1/credentials/:id`: the path as the Fastify router holds it. */
  readonly routerPath: string;
  readonly arguments: readonly RouteArgumentFacts[];
}

/** One handler argument as its decorator declared it. */
export interface RouteArgumentFacts {
  /** NaN for a custom decorator (then `factory` is its function). */
  readonly type: RouteParamtypes;
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
  readonly factory?: unknown;
  /** The declared TypeScript type, as emitted metadata. */
  readonly declaredType: unknown;
  readonly dto: Type | null;
}

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
  readonly factory?: unknown;
}

/** Every route of every controller the application mounted. */
export function catalogRoutes(app: INestApplication): RouteFacts[] {
  const routes: RouteFacts[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (controller) {
        routes.push(...controllerRoutes(controller));
      }
    }
  }
  return routes;
}

function controllerRoutes(controller: Type): RouteFacts[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  return Object.getOwnPropertyNames(prototype).flatMap((handler) => {
    const method = handler === 'constructor' ? undefined : prototype[handler];
    const verb = typeof method === 'function' ? routeMethod(method) : undefined;
    if (typeof method !== 'function' || verb === undefined) {
      return [];
    }
    const routerPath = joinPath(base, String(Reflect.getMetadata(PATH_METADATA, method) ?? ''));
    const path = routerPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const meta = <T>(key: string): T | undefined =>
      (Reflect.getMetadata(key, method) ?? Reflect.getMetadata(key, controller)) as T | undefined;
    const args = routeArguments(controller, handler, prototype);
    return [
      {
        key: `${verb} ${path}`,
        controller: controller.name,
        handler,
        scope: meta<boolean>(IS_PUBLIC) ? null : (meta<Scope>(REQUIRED_SCOPE) ?? null),
        provider: meta<string>(REQUIRED_PROVIDER) ?? null,
        pathParams: new Map(
          args
            .filter((arg) => arg.type === RouteParamtypes.PARAM && typeof arg.data === 'string')
            .map((arg) => [String(arg.data), pathParamKind(arg.pipes)]),
        ),
        body: args.find((arg) => arg.type === RouteParamtypes.BODY)?.dto ?? null,
        query: args.find((arg) => arg.type === RouteParamtypes.QUERY)?.dto ?? null,
        direct: Reflect.getMetadata(DIRECT_ROUTE, method) === true,
        controllerType: controller,
        routerPath,
        arguments: args,
      },
    ];
  });
}

function routeMethod(handler: Function): string | undefined {
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  if (method === undefined || Reflect.getMetadata(PATH_METADATA, handler) === undefined) {
    return undefined;
  }
  return RequestMethod[method].toLowerCase();
}

function routeArguments(
  controller: Type,
  handler: string,
  prototype: object,
): RouteArgumentFacts[] {
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<
    string,
    RouteArgument
  >;
  const types = (Reflect.getMetadata('design:paramtypes', prototype, handler) ?? []) as unknown[];
  return Object.entries(declared).map(([key, argument]) => {
    const type = Number(key.split(':')[0]) as RouteParamtypes;
    const declaredType = types[argument.index];
    return {
      type,
      index: argument.index,
      data: argument.data,
      pipes: argument.pipes,
      factory: argument.factory,
      declaredType,
      dto: isDto(declaredType) ? declaredType : null,
    };
  });
}

function isDto(value: unknown): value is Type {
  return (
    typeof value === 'function' &&
    ![String, Number, Boolean, Object, Array].includes(value as never)
  );
}

function pathParamKind(pipes: readonly unknown[] = []): PathParamKind {
  if (pipes.some((pipe) => pipe === UuidParamPipe || pipe instanceof UuidParamPipe)) {
    return 'uuid';
  }
  if (pipes.some((pipe) => pipe === ExternalIdPipe || pipe instanceof ExternalIdPipe)) {
    return 'external-id';
  }
  return 'unchecked';
}

function joinPath(base: string, path: string): string {
  return `/${[base, path].join('/')}`.replace(/\/+/g, '/').replace(/\/$/, '') || '/';
}
