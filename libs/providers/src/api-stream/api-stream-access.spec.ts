import { AuthErrorCode } from '@keyhouse/auth';
import type { Caller, Role } from '@keyhouse/common';
import { allowedLifetimeSeconds } from './api-stream-access';

const caller = (overrides: Partial<Caller> = {}): Caller => ({
  clientId: '00000000-0000-4000-8000-000000000000',
  name: 'studio',
  team: 'studio',
  scopes: ['tokens:issue'],
  providers: ['api-stream'],
  maxRole: null,
  development: false,
  ...overrides,
});

const refusal = (run: () => unknown): AuthErrorCode | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { reason: AuthErrorCode }).reason;
  }
};

describe('api.stream access limits', () => {
  it('defaults to 48 hours and passes a requested lifetime through', () => {
    expect(allowedLifetimeSeconds(caller(), 'HOST', undefined)).toBe(172_800);
    expect(allowedLifetimeSeconds(caller(), 'HOST', 60)).toBe(60);
  });

  it.each<[Role, Role, boolean]>([
    ['HOST', 'HOST', true],
    ['COHOST', 'HOST', true],
    ['HOST', 'COHOST', false],
    ['CONTRIBUTOR', 'CONTRIBUTOR', true],
    ['COHOST', 'CONTRIBUTOR', false],
    ['VIEWER', 'GUEST', true],
    ['GUEST', 'VIEWER', false],
  ])('lets %s through a maxRole of %s: %s', (role, maxRole, allowed) => {
    expect(refusal(() => allowedLifetimeSeconds(caller({ maxRole }), role, undefined))).toBe(
      allowed ? undefined : AuthErrorCode.RoleNotAllowed,
    );
  });

  it('holds development keys to GUEST and VIEWER for an hour, by default too', () => {
    const development = caller({ development: true });
    expect(allowedLifetimeSeconds(development, 'VIEWER', undefined)).toBe(3_600);
    expect(allowedLifetimeSeconds(development, 'GUEST', 3_600)).toBe(3_600);
    expect(refusal(() => allowedLifetimeSeconds(development, 'GUEST', 3_601))).toBe(
      AuthErrorCode.DevelopmentLimit,
    );
    for (const role of ['HOST', 'COHOST', 'CONTRIBUTOR'] as const) {
      expect(refusal(() => allowedLifetimeSeconds(development, role, 60))).toBe(
        AuthErrorCode.DevelopmentLimit,
      );
    }
  });

  it('checks maxRole before the development limits', () => {
    expect(
      refusal(() =>
        allowedLifetimeSeconds(caller({ development: true, maxRole: 'VIEWER' }), 'GUEST', 60),
      ),
    ).toBe(AuthErrorCode.RoleNotAllowed);
  });
});
