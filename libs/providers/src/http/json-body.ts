import type { UpstreamResponse } from './upstream-http.service';

/** Parses an upstream body as a JSON object, or undefined when it is anything else. */
export function jsonObject(response: UpstreamResponse): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(response.text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function stringField(
  object: Record<string, unknown> | undefined,
  field: string,
): string | undefined {
  const value = object?.[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function numberField(
  object: Record<string, unknown> | undefined,
  field: string,
): number | undefined {
  const value = object?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Seconds from a Retry-After or RateLimit-Reset header, when it is a plain number. */
export function retryAfterSeconds(
  response: UpstreamResponse,
  header = 'retry-after',
): number | undefined {
  const raw = response.headers[header];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
