import type { ResolvedAddress } from './webhook-address-guard';
import { isForbiddenAddress, WebhookAddressGuard } from './webhook-address-guard';
import { WebhookSender } from './webhook-sender';
import { WebhookError } from './webhooks.errors';

const PUBLIC = '93.184.216.34';

/** A resolver from a table (or a sequence per name, for rebinding); never touches DNS. */
function resolver(table: Record<string, string[] | string[][]>) {
  const calls = new Map<string, number>();
  return (hostname: string): Promise<ResolvedAddress[]> => {
    const entry = table[hostname];
    if (!entry) {
      return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    }
    const call = calls.get(hostname) ?? 0;
    calls.set(hostname, call + 1);
    const addresses = Array.isArray(entry[0])
      ? (entry as string[][])[Math.min(call, entry.length - 1)]
      : (entry as string[]);
    return Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

const TABLE = {
  'internal.example': ['10.1.2.3'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': [PUBLIC, '10.0.0.1'],
  'ula.example': ['fd12:3456::1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'public.example': [PUBLIC],
};

describe('webhook address guard', () => {
  it('classifies loopback, private, link-local, unspecified and mapped forms as forbidden', () => {
    for (const address of [
      '127.0.0.1',
      '127.1.2.3',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '::1',
      '::',
      'fc00::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      'not-an-ip',
    ]) {
      expect([address, isForbiddenAddress(address)]).toEqual([address, true]);
    }
    for (const address of [PUBLIC, '8.8.8.8', '172.32.0.1', '2606:4700::1111']) {
      expect([address, isForbiddenAddress(address)]).toEqual([address, false]);
    }
  });

  it('under production rules refuses http, internal literals, and names that resolve inside', async () => {
    const guard = new WebhookAddressGuard(false, resolver(TABLE));
    for (const url of [
      'http://public.example/hook',
      'https://127.0.0.1/hook',
      'https://10.0.0.8/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://0.0.0.0/hook',
      'https://internal.example/hook',
      'https://metadata.example/hook',
      'https://mixed.example/hook',
      'https://ula.example/hook',
      'https://mapped.example/hook',
      'https://unknown.example/hook',
    ]) {
      await expect(guard.check(url)).rejects.toBeInstanceOf(WebhookError);
    }
    await expect(guard.check('https://public.example/hook')).resolves.toBeInstanceOf(URL);
  });

  it('allows private networks when told to, but never other schemes or credentials', async () => {
    const guard = new WebhookAddressGuard(true, resolver(TABLE));
    await expect(guard.check('http://127.0.0.1:9/hook')).resolves.toBeInstanceOf(URL);
    await expect(guard.check('https://internal.example/hook')).resolves.toBeInstanceOf(URL);
    await expect(guard.check('file:///etc/passwd')).rejects.toBeInstanceOf(WebhookError);
    await expect(guard.check('https://a:b@public.example/')).rejects.toBeInstanceOf(WebhookError);
  });

  it('hands the connection only checked addresses, so a rebinding name is refused at connect', async () => {
    const guard = new WebhookAddressGuard(
      false,
      resolver({ 'rebind.example': [[PUBLIC], ['10.9.9.9']] }),
    );
    await expect(guard.check('https://rebind.example/')).resolves.toBeInstanceOf(URL);
    const looked = await new Promise<{ error: unknown; address: unknown }>((resolve) =>
      guard.lookup('rebind.example', {}, (error, address) => resolve({ error, address })),
    );
    expect(looked.error).toBeInstanceOf(WebhookError);

    const all = new WebhookAddressGuard(false, resolver(TABLE));
    const listed = await new Promise<unknown>((resolve) =>
      all.lookup('public.example', { all: true }, (_error, addresses) => resolve(addresses)),
    );
    expect(listed).toEqual([{ address: PUBLIC, family: 4 }]);
  });

  it('refuses at send time a URL that resolved outside at registration and inside now', async () => {
    // Registration, then the send-time check: the second answer points at loopback.
    const guard = new WebhookAddressGuard(
      false,
      resolver({ 'rebind.example': [[PUBLIC], ['127.0.0.1']] }),
    );
    await guard.check('https://rebind.example/hook');
    const sender = new WebhookSender(guard, 1_000);
    try {
      const outcome = await sender.send({
        url: 'https://rebind.example/hook',
        eventId: 'evt',
        body: '{}',
        secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
      });
      expect(outcome).toEqual({ delivered: false, status: null, error: 'address_refused' });
    } finally {
      await sender.close();
    }
  });

  it('refuses in the connect lookup when the name turns inside between check and connect', async () => {
    // Registration and send-time check see a public address; the connect lookup sees 10.x.
    const guard = new WebhookAddressGuard(
      false,
      resolver({ 'rebind.example': [[PUBLIC], [PUBLIC], ['10.0.0.1']] }),
    );
    await guard.check('https://rebind.example/hook');
    const sender = new WebhookSender(guard, 1_000);
    try {
      const outcome = await sender.send({
        url: 'https://rebind.example/hook',
        eventId: 'evt',
        body: '{}',
        secrets: [`whsec_${Buffer.alloc(32, 1).toString('base64')}`],
      });
      expect(outcome).toEqual({ delivered: false, status: null, error: 'address_refused' });
    } finally {
      await sender.close();
    }
  });
});
