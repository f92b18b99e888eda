import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeRequest, FakeResponse, RecordedRequest } from './fake-http';

/** Larger bodies get a 413; no request to these upstreams comes near it. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ReadBody {
  readonly buffer: Buffer;
  readonly tooLarge: boolean;
}

export function readBody(incoming: IncomingMessage): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
      }
    });
    incoming.on('end', () =>
      resolve({ buffer: Buffer.concat(chunks), tooLarge: size > MAX_BODY_BYTES }),
    );
    incoming.on('error', reject);
  });
}

/** The request as handlers read it, plus the plain record kept for tests. */
export function toFakeRequest(
  incoming: IncomingMessage,
  buffer: Buffer,
  receivedAt: number,
): FakeRequest & { readonly recorded: RecordedRequest } {
  const url = new URL(incoming.url ?? '/', 'http://fake.invalid');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  const recorded: RecordedRequest = {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    rawBody: buffer.toString('utf8'),
    contentType: headers['content-type'],
    receivedAt,
  };
  return { ...recorded, searchParams: url.searchParams, recorded };
}

/** Writes the answer with an exact Content-Length; an empty body gets no Content-Type. */
export function writeResponse(outgoing: ServerResponse, response: FakeResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  const has = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name);
  let body = '';
  if (response.json !== undefined) {
    body = JSON.stringify(response.json);
    if (!has('content-type')) {
      headers['Content-Type'] = 'application/json; charset=utf-8';
    }
  } else if (response.text !== undefined && response.text !== '') {
    body = response.text;
    if (!has('content-type')) {
      headers['Content-Type'] = 'text/plain; charset=utf-8';
    }
  }
  headers['Content-Length'] = String(Buffer.byteLength(body));
  outgoing.writeHead(response.status, headers).end(body);
}
