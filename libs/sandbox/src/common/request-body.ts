import type { FakeRequest } from './fake-http';

export type JsonObject = Record<string, unknown>;

/** The body as a JSON object, or undefined when it is not one (arrays and scalars included). */
export function parseJsonObject(rawBody: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(rawBody);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function unknownKeys(object: JsonObject, allowed: readonly string[]): string[] {
  return Object.keys(object).filter((key) => !allowed.includes(key));
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The media type alone ("application/json"), lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** True for `type` with no charset or a UTF-8 one: the upstreams read nothing else. */
export function hasContentType(request: FakeRequest, type: string): boolean {
  if (mediaType(request.contentType) !== type) {
    return false;
  }
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(request.contentType ?? '')?.[2];
  return charset === undefined || charset.toLowerCase() === 'utf-8';
}

/**
 * A form body, or undefined when a name repeats: RFC 6749 §3.2 forbids repeated parameters,
 * and a client that sends one has a bug worth failing on.
 */
export function parseForm(rawBody: string): URLSearchParams | undefined {
  const form = new URLSearchParams(rawBody);
  const names = [...form.keys()];
  return new Set(names).size === names.length ? form : undefined;
}
