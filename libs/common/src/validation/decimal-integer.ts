import { Transform } from 'class-transformer';

/**
 * Query numbers are plain decimal digits. `@Type(() => Number)` would run `Number()`, which
 * reads `0x10` as 16, `1e1` as 10 and ` 16` as 16; anything but digits is left as the
 * string it was, so `@IsInt()` refuses it.
 */
export function DecimalInteger(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value,
  );
}
