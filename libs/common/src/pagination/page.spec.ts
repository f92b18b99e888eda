import { RequestError } from '../errors/request.errors';
import { decodeCursor, encodeCursor } from './page';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const raw = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursors', () => {
  it('decodes what it encodes', () => {
    const position = { createdAt: new Date('2024-05-01T10:11:12.345Z'), id: ID };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['a NUL inside the date', raw(['2024-05-01T10:11:12.345Z\u0000', ID])],
    ['garbage after the date', raw(['2024-05-01T10:11:12.345Zjunk', ID])],
    ['another date format', raw(['May 1, 2024', ID])],
    ['an impossible date', raw(['2024-02-30T00:00:00.000Z', ID])],
    ['a number', raw([0, ID])],
    ['a third element', raw(['2024-05-01T10:11:12.345Z', ID, 1])],
    ['an object', raw({ createdAt: '2024-05-01T10:11:12.345Z', id: ID })],
    ['junk around a real cursor', `${raw(['2024-05-01T10:11:12.345Z', ID])}*`],
    ['padding', `${raw(['2024-05-01T10:11:12.345Z', ID])}==`],
    ['not base64', '%%%'],
  ])('refuses %s', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(RequestError);
  });
});
