import { RequestError } from '@keyhouse/common';

/** A position in the feed: the writing transaction's id, then the row's position. */
export interface FeedPosition {
  readonly xactId: string;
  readonly position: string;
}

const CURSOR = /^(\d{1,20})\.(\d{1,20})$/;

export function encodeEventCursor(position: FeedPosition): string {
  return Buffer.from(`${position.xactId}.${position.position}`).toString('base64url');
}

export function decodeEventCursor(cursor: string | undefined): FeedPosition | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) {
    throw RequestError.invalid([{ field: 'cursor', message: 'cursor is not one this API issued' }]);
  }
  return { xactId: match[1], position: match[2] };
}
