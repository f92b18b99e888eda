import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * Reads and discards a request body nobody read (a GET's, or one refused before parsing)
 * before the answer goes out. Otherwise, when the connection is then closed (the client
 * asked, or the answer is an error that closes), the kernel resets it over the unread bytes
 * and the client may lose the answer mid-way. Bodies declared larger than `capBytes` are
 * not read: their sender gets the answer and the close, come what may.
 */
export function registerBodyDrain(fastify: FastifyInstance, capBytes: number): void {
  // A callback hook: nearly every answer has nothing to drain and goes on at once.
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    drain(request.raw, capBytes, () => done(null, payload));
  });
}

function drain(raw: IncomingMessage, capBytes: number, resolve: () => void): void {
  const declared = Number(raw.headers['content-length'] ?? 0);
  const chunked = raw.headers['transfer-encoding'] !== undefined;
  if (raw.complete || raw.readableEnded || (!chunked && !(declared > 0)) || declared > capBytes) {
    resolve();
    return;
  }
  let read = 0;
  let settled = false;
  // 'end', 'close' and 'error' may each fire; the answer goes on once.
  const done = (): void => {
    if (settled) {
      return;
    }
    settled = true;
    raw.off('data', count);
    resolve();
  };
  const count = (chunk: Buffer): void => {
    read += chunk.length;
    if (read > capBytes) {
      done();
    }
  };
  raw.on('data', count);
  raw.once('end', done);
  raw.once('close', done);
  raw.once('error', done);
  raw.resume();
}
