import { Writable } from 'node:stream';
import { maskSecrets } from './redaction';
import { createRootLogger } from './root-logger';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiYm9iIn0.c2lnbmF0dXJlLWJ5dGVz';
const KEY = 'kh_live_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('log redaction', () => {
  it('masks keys, JWTs, bearer values and PEM keys in free text', () => {
    const masked = maskSecrets(
      `key ${KEY} jwt ${JWT} header Bearer abcdefgh12345678 pem -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----`,
    );
    expect(masked).not.toContain(KEY);
    expect(masked).not.toContain(JWT);
    expect(masked).not.toContain('abcdefgh12345678');
    expect(masked).not.toContain('MIIE');
    expect(masked).toContain('Bearer [redacted]');
  });

  it('redacts secret-named fields at the logger, at any of the first levels', () => {
    const { lines, stream } = capture();
    const logger = createRootLogger({ level: 'info', destination: stream });
    logger.info(
      {
        accessToken: 'opaque-access-1',
        nested: { refreshToken: 'opaque-refresh-2', deeper: { clientSecret: 'opaque-secret-3' } },
        req: { headers: { authorization: 'Basic opaque-basic-4' } },
      },
      'a line',
    );
    const text = lines.join('');
    for (const secret of [
      'opaque-access-1',
      'opaque-refresh-2',
      'opaque-secret-3',
      'opaque-basic-4',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('masks a token that slipped into a message or an error', () => {
    const { lines, stream } = capture();
    const logger = createRootLogger({ level: 'info', destination: stream });
    logger.error({ err: new Error(`upstream said ${JWT}`) }, `calling with ${KEY}`);
    const text = lines.join('');
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(KEY);
  });
});
