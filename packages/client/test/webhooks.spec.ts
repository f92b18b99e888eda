import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { createKeyhouseClient, verifyWebhook, WebhookVerificationError } from '../src';

describe('webhooks.verify', () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const next = `whsec_${randomBytes(24).toString('base64')}`;
  const event = {
    id: 'evt_1',
    type: 'credential.needs_reauth',
    occurredAt: '2030-01-01T00:00:00.000Z',
    team: 'growth',
    data: { id: 'c1', reason: 'refresh_token_rejected' },
  };
  const body = JSON.stringify(event);

  const signed = (signature: string, at = new Date()) => ({
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  });

  it('returns the event of a delivery signed per Standard Webhooks', () => {
    const now = new Date();
    const signature = new Webhook(secret).sign(event.id, now, body);
    const { webhooks } = createKeyhouseClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' });
    expect(webhooks.verify(secret, signed(signature, now), body)).toEqual(event);
    // Fetch's Headers work as well as Node's header objects.
    expect(verifyWebhook(secret, new Headers(signed(signature, now)), body)).toEqual(event);
  });

  it('accepts either secret during a rotation (two signatures in one header)', () => {
    const now = new Date();
    const both = [secret, next].map((key) => new Webhook(key).sign(event.id, now, body)).join(' ');
    expect(verifyWebhook(secret, signed(both, now), body)).toEqual(event);
    expect(verifyWebhook(next, signed(both, now), body)).toEqual(event);
  });

  it('refuses a changed body, a wrong secret and an old timestamp', () => {
    const now = new Date();
    const signature = new Webhook(secret).sign(event.id, now, body);
    expect(() =>
      verifyWebhook(secret, signed(signature, now), body.replace('growth', 'x')),
    ).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(next, signed(signature, now), body)).toThrow(
      WebhookVerificationError,
    );
    const old = new Date(Date.now() - 10 * 60_000);
    const stale = new Webhook(secret).sign(event.id, old, body);
    expect(() => verifyWebhook(secret, signed(stale, old), body)).toThrow(WebhookVerificationError);
  });
});
