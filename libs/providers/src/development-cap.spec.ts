import type { Caller } from '@keyhouse/common';
import { assertWithinDevelopmentCap, refuseDevelopmentKey } from './development-cap';

const caller = (development: boolean): Caller => ({
  clientId: 'c',
  name: 'n',
  team: 't',
  scopes: ['tokens:issue'],
  providers: ['*'],
  maxRole: null,
  development,
});

describe('development cap', () => {
  it('lets a development key have tokens of up to an hour, and no longer', () => {
    expect(() => assertWithinDevelopmentCap(caller(true), 'tpa-stream', 3_600)).not.toThrow();
    expect(() => assertWithinDevelopmentCap(caller(true), 'tpa-stream', 3_601)).toThrow(
      /at most 3600 seconds/,
    );
    expect(() => assertWithinDevelopmentCap(caller(false), 'tpa-stream', 86_400)).not.toThrow();
  });

  it('refuses development keys outright for providers that cannot shorten a token', () => {
    expect(() => refuseDevelopmentKey(caller(true), 'mydatahelps', 21_600)).toThrow(
      expect.objectContaining({ problemCode: 'forbidden' }),
    );
    expect(() => refuseDevelopmentKey(caller(false), 'mydatahelps', 21_600)).not.toThrow();
  });
});
