import { isDataException } from './data-exception';

describe('isDataException', () => {
  it.each([
    ['a value too long for its column', { code: '22001' }],
    ['a NUL in text', { code: '22021' }],
    ['one TypeORM wraps', { driverError: { code: '22P02' } }],
    ['one wrapped as a cause', new Error('write failed', { cause: { code: '22P05' } })],
  ])('is true for %s', (_label, error) => {
    expect(isDataException(error)).toBe(true);
  });

  it.each([
    ['a connection refused', { code: 'ECONNREFUSED' }],
    ['a statement timeout', { code: '57014' }],
    ['a serialization failure', { code: '40001' }],
    ['a unique violation', { code: '23505' }],
    ['a plain error', new Error('22001')],
    ['nothing', undefined],
  ])('is false for %s', (_label, error) => {
    expect(isDataException(error)).toBe(false);
  });
});
