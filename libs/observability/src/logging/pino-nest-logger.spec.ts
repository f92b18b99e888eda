import { Writable } from 'node:stream';
import { PinoNestLogger } from './pino-nest-logger';
import { createRootLogger } from './root-logger';

describe('boot logger', () => {
  it("keeps Nest's (object, message, context) call shape as structured JSON", () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = new PinoNestLogger(createRootLogger({ level: 'info', destination: stream }));
    logger.warn({ file: '/data/vault-keys' }, 'generated a key', 'Vault');
    logger.log('plain message', 'Bootstrap');
    expect(lines[0]).toMatchObject({
      level: 'warn',
      context: 'Vault',
      file: '/data/vault-keys',
      msg: 'generated a key',
    });
    expect(lines[1]).toMatchObject({ level: 'info', context: 'Bootstrap', msg: 'plain message' });
  });
});
