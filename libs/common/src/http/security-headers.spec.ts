import Fastify from 'fastify';
import {
  API_CONTENT_SECURITY_POLICY,
  DOCS_CONTENT_SECURITY_POLICY,
  registerSecurityHeaders,
} from './security-headers';

async function answer(production: boolean, url: string): Promise<Record<string, unknown>> {
  const app = Fastify();
  registerSecurityHeaders(app, {
    production,
    pagePolicies: [{ prefix: '/docs', policy: DOCS_CONTENT_SECURITY_POLICY }],
  });
  app.get('/json', (_request, reply) => reply.send({ ok: true }));
  app.get('/docs', (_request, reply) => reply.send('page'));
  app.get('/own', (_request, reply) =>
    reply
      .header('content-security-policy', "default-src 'self'")
      .header('cache-control', 'max-age=60')
      .send('own'),
  );
  const response = await app.inject({ method: 'GET', url });
  await app.close();
  return response.headers;
}

describe('security headers', () => {
  it('sends the API set on JSON answers, without HSTS outside production', async () => {
    const headers = await answer(false, '/json');
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'content-security-policy': API_CONTENT_SECURITY_POLICY,
      'cache-control': 'no-store',
    });
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it('adds HSTS in production', async () => {
    expect((await answer(true, '/json'))['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('gives pages their own policy and keeps what a route set itself', async () => {
    expect((await answer(false, '/docs'))['content-security-policy']).toBe(
      DOCS_CONTENT_SECURITY_POLICY,
    );
    const own = await answer(false, '/own');
    expect(own['content-security-policy']).toBe("default-src 'self'");
    expect(own['cache-control']).toBe('max-age=60');
    expect(own['x-content-type-options']).toBe('nosniff');
  });
});
