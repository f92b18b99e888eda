import { isDatabaseUnavailable } from './database-unavailable';

/** The shape TypeORM gives a failed query: its own error around pg's. */
const queryFailed = (driverError: object) => ({ message: 'query failed', driverError });

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'statement_timeout',
      queryFailed({ code: '57014', message: 'canceling statement due to statement timeout' }),
    ],
    [
      'lock_timeout',
      queryFailed({ code: '55P03', message: 'canceling statement due to lock timeout' }),
    ],
    ['idle_in_transaction_session_timeout', queryFailed({ code: '25P03' })],
    ['a shutdown', queryFailed({ code: '57P01' })],
    ['a dropped stalled connection', new Error('Connection terminated unexpectedly')],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ['a pool wait timeout', new Error('timeout exceeded when trying to connect')],
    ['a refused connection', { code: 'ECONNREFUSED' }],
  ])('is true for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', queryFailed({ code: '23505' })],
    ['a syntax error', queryFailed({ code: '42601' })],
    ['a plain bug', new TypeError('x is undefined')],
  ])('is false for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
