import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCOPES, statusOf } from '@keyhouse/common';
import { generateOpenApiDocument } from './document-app';
import { OPERATIONS } from './operations';
import { PROBLEM_CODES } from './problem-responses';

type Json = Record<string, any>;

describe('the OpenAPI document', () => {
  let document: Json;
  let operations: { key: string; operation: Json }[];

  beforeAll(async () => {
    document = await generateOpenApiDocument();
    operations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, operation]) => ({
        key: `${method} ${path}`,
        operation: operation as Json,
      })),
    );
  });

  it('is the committed openapi/keyhouse.json (npm run openapi regenerates it)', () => {
    const committed = readFileSync(join(__dirname, '../../../../openapi/keyhouse.json'), 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('names every route from the operations table, each name once', () => {
    const unnamed = operations.filter(({ key }) => !OPERATIONS[key]).map(({ key }) => key);
    expect(unnamed).toEqual([]);
    const ids = operations.map(({ operation }) => operation.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['createClient', 'getCredentialToken']));
    for (const id of ids) {
      expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    }
  });

  it('keeps every name in the operations table unique, mounted or not yet', () => {
    const ids = Object.values(OPERATIONS).map((entry) => entry.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  it('gives every operation a success schema (or a 204)', () => {
    for (const { key, operation } of operations) {
      const success = Object.entries(operation.responses as Json).filter(([s]) => /^2/.test(s));
      expect([key, success.length]).toEqual([key, 1]);
      const [status, response] = success[0] as [string, Json];
      if (status !== '204') {
        expect([key, response.content?.['application/json']?.schema]).toEqual([
          key,
          expect.any(Object),
        ]);
      }
    }
  });

  it('puts the bearer requirement and the scope on every route but the public ones', () => {
    expect(document.components.securitySchemes.bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
      description: expect.any(String),
    });
    for (const { key, operation } of operations) {
      if (key.startsWith('get /health/')) {
        expect(operation.security).toEqual([]);
        expect(operation['x-keyhouse-scope']).toBeUndefined();
      } else {
        expect([key, operation.security]).toEqual([key, [{ bearer: [] }]]);
        expect(SCOPES).toContain(operation['x-keyhouse-scope']);
      }
    }
    expect(operationAt('post /admin/clients')['x-keyhouse-scope']).toBe('admin');
    expect(operationAt('get /v1/mesh/connections')['x-keyhouse-scope']).toBe('tokens:read');
  });

  it('answers errors with the shared Problem schema as application/problem+json', () => {
    const { schemas, responses } = document.components as Json;
    expect(schemas.ProblemCode.enum).toEqual(PROBLEM_CODES);
    expect(schemas.Problem.required).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'code',
      'requestId',
    ]);
    for (const [name, response] of Object.entries(responses as Json)) {
      const status = Number(name.replace('Problem', ''));
      const content = (response as Json).content['application/problem+json'];
      expect(content.schema).toEqual({ $ref: '#/components/schemas/Problem' });
      expect(statusOf(content.example.code).status).toBe(status);
    }
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (/^[45]/.test(status)) {
          expect([key, response]).toEqual([
            key,
            { $ref: `#/components/responses/Problem${status}` },
          ]);
        }
      }
    }
  });

  it('lists what each kind of route can fail with', () => {
    const statuses = (key: string) => Object.keys(operationAt(key).responses as Json);
    expect(statuses('get /admin/refresh/status')).toEqual([
      '200',
      '400',
      '401',
      '403',
      '429',
      '503',
    ]);
    expect(statuses('get /v1/credentials/{id}')).toContain('404');
    expect(statuses('get /v1/credentials/{id}/token')).toEqual(
      expect.arrayContaining(['404', '409', '424', '502', '503']),
    );
    expect(statuses('post /v1/mesh/link-tokens')).toEqual(
      expect.arrayContaining(['413', '415', '424', '502', '503']),
    );
    expect(statuses('get /health/live')).toEqual(['200']);
    expect(statuses('get /health/ready')).toEqual(['200', '503']);
  });

  it('refuses unknown fields in request bodies and keeps the id bounds the pipes enforce', () => {
    const schemas = document.components.schemas as Json;
    for (const { key, operation } of operations) {
      const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref as
        string | undefined;
      if (ref) {
        const schema = schemas[ref.split('/').pop() as string];
        expect([key, schema.additionalProperties]).toEqual([key, false]);
      }
    }
    expect(schemas.CreateConnectTokenDto.properties.userId).toMatchObject({
      minLength: 1,
      maxLength: 256,
    });
    expect(schemas.ParticipantTokenDto.properties.participantId).toMatchObject({
      minLength: 1,
      maxLength: 256,
    });
    // The free-form Mesh payload stays open; its container does not.
    expect(schemas.StoreConnectionsDto.properties.payload.additionalProperties).toBe(true);
    const pathParam = (key: string, name: string) =>
      (operationAt(key).parameters as Json[]).find((p) => p.in === 'path' && p.name === name)
        ?.schema;
    expect(pathParam('get /v1/credentials/{id}', 'id')).toEqual({ type: 'string', format: 'uuid' });
    expect(pathParam('delete /v1/users/{userId}', 'userId')).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 256,
    });
    const userIdQuery = (operationAt('get /v1/credentials').parameters as Json[]).find(
      (p) => p.name === 'userId',
    );
    expect(userIdQuery?.schema).toMatchObject({ minLength: 1, maxLength: 256 });
  });

  function operationAt(key: string): Json {
    const found = operations.find((entry) => entry.key === key);
    if (!found) {
      throw new Error(`no operation ${key}`);
    }
    return found.operation;
  }
});
