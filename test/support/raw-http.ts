import { connect } from 'node:net';

export interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  readonly json: Record<string, unknown> | undefined;
  /** True when the server closed the connection (after answering or not). */
  readonly closed: boolean;
}

export interface RawOptions {
  /** Sent right after the head. */
  readonly body?: Buffer;
  /** Give up waiting for an answer after this long (the answer then has status 0). */
  readonly timeoutMs?: number;
}

/** Everything the server wrote until it closed the connection (for pipelined requests). */
export function rawExchange(baseUrl: string, bytes: string, timeoutMs = 5_000): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let received = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/**
 * Writes bytes as given to a loopback server and reads the first answer: for requests fetch
 * cannot send (lower-case methods, duplicate headers, CONNECT, broken framing).
 */
export function rawRequest(
  baseUrl: string,
  head: string,
  options: RawOptions = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let closed = false;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(received, closed));
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 5_000);
    socket.on('connect', () => {
      socket.write(head);
      if (options.body) {
        socket.write(options.body);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (isComplete(received)) {
        finish();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
  });
}

function isComplete(received: Buffer): boolean {
  const text = received.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) {
    return false;
  }
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
  return length !== null && received.length >= end + 4 + Number(length[1]);
}

function parseAnswer(received: Buffer, closed: boolean): RawAnswer {
  const text = received.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) {
    return { status: 0, headers: {}, body: '', json: undefined, closed };
  }
  const [statusLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = text.slice(end + 4);
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body, json, closed };
}
