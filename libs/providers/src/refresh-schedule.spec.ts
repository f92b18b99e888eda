import fc from 'fast-check';
import { expiryOf, insideRefreshLead, nextRefreshAt, refreshLeadSeconds } from './refresh-schedule';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 21) + seconds * 1_000);
const expiring = (seconds: number) => ({ expiresAt: at(seconds), lifetimeSeconds: seconds });

describe('refresh schedule', () => {
  it('leads by max(60 s, 10% of the lifetime)', () => {
    expect(refreshLeadSeconds(300, 60)).toBe(60);
    expect(refreshLeadSeconds(3_600, 60)).toBe(360);
    expect(refreshLeadSeconds(86_400, 60)).toBe(8_640);
  });

  it('schedules before expiry by the lead, with jitter of at most 5% and 30 s', () => {
    const base = {
      accessToken: expiring(3_600),
      refreshToken: null,
      minLeadSeconds: 60,
      notBefore: at(0),
    };
    expect(nextRefreshAt({ ...base, random: () => 0 })).toEqual(at(3_240));
    expect(nextRefreshAt({ ...base, random: () => 1 })).toEqual(at(3_210));
  });

  it('is never before the tokens were obtained, and never after expiry minus the lead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 * 86_400 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lifetime, jitter) => {
          const due = nextRefreshAt({
            accessToken: expiring(lifetime),
            refreshToken: null,
            minLeadSeconds: 60,
            notBefore: at(0),
            random: () => jitter,
          })!;
          expect(due.getTime()).toBeGreaterThanOrEqual(at(0).getTime());
          expect(due.getTime()).toBeLessThanOrEqual(
            Math.max(at(0).getTime(), at(lifetime - refreshLeadSeconds(lifetime, 60)).getTime()),
          );
        },
      ),
    );
  });

  it('renews a refresh token that lapses before the access token would be refreshed', () => {
    const due = nextRefreshAt({
      accessToken: expiring(3_600),
      refreshToken: expiring(600),
      minLeadSeconds: 60,
      notBefore: at(0),
      random: () => 0,
    });
    expect(due).toEqual(at(540));
  });

  it('has nothing to schedule for tokens that do not expire', () => {
    expect(
      nextRefreshAt({
        accessToken: null,
        refreshToken: null,
        minLeadSeconds: 60,
        notBefore: at(0),
      }),
    ).toBeNull();
    expect(expiryOf(null, 3_600)).toBeNull();
  });

  it('knows when a read falls inside the lead', () => {
    expect(insideRefreshLead(expiring(3_600), at(3_000), 60)).toBe(false);
    expect(insideRefreshLead(expiring(3_600), at(3_300), 60)).toBe(true);
    // The scheduler may run up to the largest jitter early; that still counts as due.
    const earliest = nextRefreshAt({
      accessToken: expiring(3_600),
      refreshToken: null,
      minLeadSeconds: 60,
      notBefore: at(0),
      random: () => 1,
    })!;
    expect(insideRefreshLead(expiring(3_600), earliest, 60)).toBe(true);
    expect(insideRefreshLead(null, at(3_300), 60)).toBe(false);
  });
});
