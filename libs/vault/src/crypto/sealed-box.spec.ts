import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { VaultError, VaultErrorCode } from '../vault.errors';
import { associatedData, type SealContext, type SealedField } from './associated-data';
import { nonceOf, open, seal } from './sealed-box';

const dataKey = randomBytes(32);
const context: SealContext = {
  id: '5f0c8c1e-7a0b-4c7e-9a51-8f7e0c9d1b2a',
  team: 'growth',
  userId: 'user-1',
  provider: 'mesh',
};
const aad = (overrides: Partial<SealContext> = {}, field: SealedField = 'access_token') =>
  associatedData({ ...context, ...overrides }, field);

function expectCannotOpen(attempt: () => unknown): void {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(VaultError);
    expect([VaultErrorCode.CannotOpen, VaultErrorCode.UnsupportedFormat]).toContain(
      (error as VaultError).reason,
    );
    return;
  }
  throw new Error('expected the sealed value not to open');
}

describe('sealed box (AES-256-GCM)', () => {
  it('opens what it sealed, for any token', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2_000 }), (token) => {
        expect(open(seal(token, dataKey, aad()), dataKey, aad())).toBe(token);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a value with any single bit flipped: header, nonce, ciphertext or tag', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (token, at, bit) => {
          const sealed = seal(token, dataKey, aad());
          const tampered = Buffer.from(sealed);
          tampered[at % tampered.length] ^= 1 << bit;
          expectCannotOpen(() => open(tampered, dataKey, aad()));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('refuses a ciphertext moved to another row, owner, provider or field', () => {
    const sealed = seal('a-token', dataKey, aad());
    expectCannotOpen(() =>
      open(sealed, dataKey, aad({ id: 'a5b1c2d3-0000-4000-8000-000000000000' })),
    );
    expectCannotOpen(() => open(sealed, dataKey, aad({ team: 'other-team' })));
    expectCannotOpen(() => open(sealed, dataKey, aad({ userId: 'user-2' })));
    expectCannotOpen(() => open(sealed, dataKey, aad({ provider: 'api-stream' })));
    expectCannotOpen(() => open(sealed, dataKey, aad({}, 'refresh_token')));
  });

  it('refuses the wrong data key, and truncated or unversioned input', () => {
    const sealed = seal('a-token', dataKey, aad());
    expectCannotOpen(() => open(sealed, randomBytes(32), aad()));
    expectCannotOpen(() => open(sealed.subarray(0, 20), dataKey, aad()));
    expectCannotOpen(() =>
      open(Buffer.concat([Buffer.of(0x02), sealed.subarray(1)]), dataKey, aad()),
    );
  });

  it('never repeats a nonce across 100,000 seals', () => {
    const nonces = new Set<string>();
    for (let index = 0; index < 100_000; index++) {
      nonces.add(nonceOf(seal('same plaintext', dataKey, aad())).toString('hex'));
    }
    expect(nonces.size).toBe(100_000);
  });

  it('never contains the plaintext', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 200 }), (token) => {
        expect(seal(token, dataKey, aad()).includes(Buffer.from(token))).toBe(false);
      }),
    );
  });
});
