import type { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

type Schema = Record<string, unknown>;

/**
 * The bounds class-validator enforces on each DTO property, as JSON Schema keywords, so that
 * `@Length(1, 256)` shows up as `minLength`/`maxLength` without repeating it in `@ApiProperty`.
 * Only keywords that mean the same in both are mapped; regex patterns are not (their `u`
 * flag has no OpenAPI spelling).
 */
export function validationBounds(dto: Type): Map<string, Schema> {
  const bounds = new Map<string, Schema>();
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  for (const rule of metadata) {
    const keywords = keywordsOf(rule.name ?? '', rule.constraints ?? []);
    if (!keywords) {
      continue;
    }
    const property = bounds.get(rule.propertyName) ?? {};
    if (rule.each) {
      property.items = { ...(property.items ?? {}), ...keywords };
    } else {
      Object.assign(property, keywords);
    }
    bounds.set(rule.propertyName, property);
  }
  return bounds;
}

function keywordsOf(name: string, constraints: readonly unknown[]): Schema | undefined {
  const [first, second] = constraints;
  switch (name) {
    case 'isLength':
      return { minLength: first, ...(typeof second === 'number' ? { maxLength: second } : {}) };
    case 'minLength':
      return { minLength: first };
    case 'maxLength':
      return { maxLength: first };
    case 'min':
      return { minimum: first };
    case 'max':
      return { maximum: first };
    case 'isInt':
      return { type: 'integer' };
    case 'isUuid':
      return { format: 'uuid' };
    case 'arrayMaxSize':
      return { maxItems: first };
    case 'arrayMinSize':
      return { minItems: first };
    case 'arrayUnique':
      return { uniqueItems: true };
    default:
      return undefined;
  }
}

/** Adds the bounds to a schema's properties (or, for a query DTO, to its parameters). */
export function applyBounds(properties: Record<string, Schema>, bounds: Map<string, Schema>): void {
  for (const [name, keywords] of bounds) {
    const property = properties[name];
    if (!property || '$ref' in property) {
      continue;
    }
    const { items, ...own } = keywords;
    Object.assign(property, own);
    if (items && property.items && typeof property.items === 'object') {
      Object.assign(property.items, items);
    }
  }
}
