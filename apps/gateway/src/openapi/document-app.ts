import { loadConfig } from '@keyhouse/config';
import { createRootLogger } from '@keyhouse/observability';
import { providerVariables } from '@keyhouse/providers';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { GatewayModule } from '../gateway.module';
import { buildOpenApiDocument } from './openapi-document';

/**
 * The gateway's document without a database or a listening port: Nest's preview mode
 * resolves the module graph and the controllers' metadata but constructs no provider, so
 * nothing connects. The config only has to load; no value of it reaches the document.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig(providerVariables(), {
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://openapi@127.0.0.1:1/unused',
    VAULT_KEYS: `openapi:${Buffer.alloc(32).toString('base64')}`,
    SANDBOX: 'false',
    REFRESH_ENABLED: 'false',
  });
  const logger = createRootLogger({ level: 'silent', name: 'openapi' });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register(config, logger),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  return buildOpenApiDocument(app);
}
