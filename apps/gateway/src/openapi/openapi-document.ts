import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { fallbackOperationId, OPERATIONS } from './operations';
import {
  failureStatuses,
  PROBLEM_SCHEMAS,
  problemResponses,
  responseName,
} from './problem-responses';
import { catalogRoutes, type PathParamKind, type RouteFacts } from './route-catalog';
import { applyBounds, validationBounds } from './validation-bounds';

type Json = Record<string, unknown>;

const DESCRIPTION = [
  'Auth gateway and token vault: mint, store and refresh third-party tokens.',
  '',
  'Every route but health, metrics and docs takes `Authorization: Bearer <api key>` and needs',
  'the scope named in its `x-keyhouse-scope`. Unknown body and query fields are refused with',
  '400 before anything else happens. Errors are `application/problem+json` (the `Problem`',
  'schema) with a stable `code`.',
].join('\n');

/** The OpenAPI document the gateway serves at /docs and `npm run openapi` writes. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Keyhouse')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    // Opaque keys (kh_live_...), not JWTs: no bearerFormat.
    .addSecurity('bearer', {
      type: 'http',
      scheme: 'bearer',
      description: 'A Keyhouse API key (kh_live_...)',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // A temporary, unique key per handler; completeDocument replaces it with the public name.
    operationIdFactory: (controller, handler) => `${controller}.${handler}`,
  });
  return completeDocument(document, catalogRoutes(app));
}

/**
 * Adds to Nest's document what it cannot know from decorators alone, for every route at once:
 * names, scopes, security, error answers, strict bodies and the bounds the pipes enforce.
 */
export function completeDocument(document: OpenAPIObject, routes: RouteFacts[]): OpenAPIObject {
  const byKey = new Map(routes.map((route) => [route.key, route]));
  const schemas = (document.components?.schemas ?? {}) as Record<string, Json>;
  const used = new Set<number>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, Json>)) {
      const route = byKey.get(`${method} ${path}`);
      if (!route) {
        throw new Error(`OpenAPI: no route behind ${method} ${path}`);
      }
      completeOperation(operation, route, schemas).forEach((status) => used.add(status));
    }
  }
  document.components = {
    ...document.components,
    schemas: { ...schemas, ...structuredClone(PROBLEM_SCHEMAS) },
    responses: problemResponses(used),
  };
  return document;
}

/** Completes one operation in place; returns the error statuses it answers with. */
function completeOperation(
  operation: Json,
  route: RouteFacts,
  schemas: Record<string, Json>,
): number[] {
  const entry = OPERATIONS[route.key];
  operation.operationId = entry?.id ?? fallbackOperationId(route.controller, route.handler);
  if (route.scope === null) {
    operation.security = [];
  } else {
    operation.security = [{ bearer: [] }];
    operation['x-keyhouse-scope'] = route.scope;
    operation.description = [operation.description, `Scope: \`${route.scope}\`.`]
      .filter(Boolean)
      .join('\n\n');
  }
  const responses = Object.fromEntries(
    Object.entries(operation.responses as Json).filter(([status]) => !/^[45]/.test(status)),
  );
  for (const response of Object.values(responses) as Json[]) {
    response.description ||= 'Success';
  }
  const failures = failureStatuses(route, entry?.alsoFails);
  for (const status of failures) {
    responses[String(status)] = { $ref: `#/components/responses/${responseName(status)}` };
  }
  operation.responses = responses;
  const parameters = (operation.parameters ?? []) as Json[];
  const queryBounds = route.query ? validationBounds(route.query) : new Map<string, Json>();
  for (const parameter of parameters) {
    if (parameter.in === 'path') {
      parameter.schema = pathParamSchema(route.pathParams.get(String(parameter.name)));
    } else if (parameter.in === 'query' && parameter.schema) {
      applyBounds({ [String(parameter.name)]: parameter.schema as Json }, queryBounds);
    }
  }
  if (route.body) {
    strictBody(route.body.name, schemas, new Set());
    const schema = schemas[route.body.name];
    if (schema?.properties) {
      applyBounds(schema.properties as Record<string, Json>, validationBounds(route.body));
    }
  }
  return failures;
}

function pathParamSchema(kind: PathParamKind | undefined): Json {
  switch (kind) {
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'external-id':
      return { type: 'string', minLength: 1, maxLength: 256 };
    case 'unchecked':
    case undefined:
      return { type: 'string' };
  }
}

/** The pipe refuses unknown fields in a body and in every object nested in it. */
function strictBody(name: string, schemas: Record<string, Json>, seen: Set<string>): void {
  const schema = schemas[name];
  if (!schema || seen.has(name)) {
    return;
  }
  seen.add(name);
  if (schema.type === 'object' || schema.properties) {
    schema.additionalProperties ??= false;
  }
  for (const ref of JSON.stringify(schema.properties ?? {}).matchAll(
    /#\/components\/schemas\/(\w+)/g,
  )) {
    strictBody(ref[1] ?? '', schemas, seen);
  }
}
