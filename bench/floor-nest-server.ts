// A floor for the token-read benchmark, run as its own process: a bare Nest app on the
// Fastify adapter whose one route answers the body in FLOOR_GET_BODY, with no guard, pipe,
// hook or interceptor of Keyhouse's. Beside the bare Fastify floor it shows what Nest's own
// per-request pipeline costs before Keyhouse does any work.
//   GET /bare/:id   the token-sized answer
// Prints "listening <port>" once it accepts requests.
import 'reflect-metadata';
import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

const answer: unknown = JSON.parse(process.env.FLOOR_GET_BODY ?? '{}');

@Controller('bare')
class FloorController {
  @Get(':id')
  @Header('cache-control', 'no-store')
  token(): unknown {
    return answer;
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), {
    logger: false,
  });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`listening ${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Nest floor server failed: ${String(error)}\n`);
  process.exit(1);
});
