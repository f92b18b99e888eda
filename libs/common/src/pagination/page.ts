import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RequestError } from '../errors/request.errors';
import { DecimalInteger } from '../validation/decimal-integer';

/** `?limit=&cursor=` as the contract fixes them (docs/api.md, Lists and paging): 1–200, default 50. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @DecimalInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** Keyset position: rows are ordered by (created_at, id), both stable. */
export interface PagePosition {
  readonly createdAt: Date;
  readonly id: string;
}

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString(
    'base64url',
  );
}

/**
 * Only a cursor this API issued is accepted: it must decode to `[ISO date, UUID]` and
 * encode back to exactly the text sent. A lenient parse (`new Date` reads many formats and
 * ignores some garbage) would turn a damaged cursor into some other position in the list.
 */
export function decodeCursor(cursor: string | undefined): PagePosition | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const position = parseCursor(cursor);
  if (!position || encodeCursor(position) !== cursor) {
    throw RequestError.invalid([{ field: 'cursor', message: 'cursor is not one this API issued' }]);
  }
  return position;
}

function parseCursor(cursor: string): PagePosition | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 2) {
      return undefined;
    }
    const [createdAt, id] = parsed as unknown[];
    if (typeof createdAt !== 'string' || !ISO_INSTANT.test(createdAt)) {
      return undefined;
    }
    const date = new Date(createdAt);
    if (typeof id !== 'string' || !UUID.test(id) || Number.isNaN(date.getTime())) {
      return undefined;
    }
    return { createdAt: date, id };
  } catch {
    return undefined;
  }
}

export const DEFAULT_PAGE_SIZE = 50;

/** Takes `limit + 1` rows from a repository and turns them into a page with a cursor. */
export function toPage<Row extends PagePosition, Item>(
  rows: readonly Row[],
  limit: number,
  present: (row: Row) => Item,
): Page<Item> {
  const visible = rows.slice(0, limit);
  const last = visible[visible.length - 1];
  return {
    items: visible.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
