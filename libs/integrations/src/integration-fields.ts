import { type FieldError, RequestError } from '@keyhouse/common';
import type { FieldSpec, IntegrationDefinition } from './integration-definition';

const MAX_SETTING_CHARS = 2_048;
const MAX_SECRET_CHARS = 16_384;

/**
 * Checks settings or secrets against the provider's fields: only known names, strings,
 * URLs where a URL is meant. `complete` (creation) also requires every required field.
 * Errors name the field, never its value (a secret may be in it).
 */
export function fieldProblems(
  definition: IntegrationDefinition,
  kind: 'settings' | 'secrets',
  values: Readonly<Record<string, unknown>>,
  complete: boolean,
): FieldError[] {
  const specs: readonly FieldSpec[] = definition[kind];
  const problems: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    const spec = specs.find((field) => field.name === name);
    const field = `${kind}.${name}`;
    if (!spec) {
      const known = specs.map((known) => known.name).join(', ');
      problems.push({
        field,
        message: `${definition.provider} has no ${kind} field ${name} (known: ${known})`,
      });
      continue;
    }
    const max = kind === 'secrets' ? MAX_SECRET_CHARS : MAX_SETTING_CHARS;
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
      problems.push({
        field,
        message: `${field} must be a non-empty string of at most ${max} characters`,
      });
    } else if (spec.kind === 'url' && !isHttpUrl(value)) {
      problems.push({ field, message: `${field} must be an absolute http(s) URL` });
    }
  }
  if (complete) {
    for (const spec of specs) {
      if (!spec.optional && spec.defaultValue === undefined && !(spec.name in values)) {
        problems.push({
          field: `${kind}.${spec.name}`,
          message: `${kind}.${spec.name} is required`,
        });
      }
    }
  }
  return problems;
}

export function assertFields(problems: readonly FieldError[]): void {
  if (problems.length > 0) {
    throw RequestError.invalid(problems);
  }
}

/** Settings with the provider's defaults filled in for absent fields. */
export function withDefaults(
  definition: IntegrationDefinition,
  settings: Readonly<Record<string, string>>,
): Record<string, string> {
  const filled: Record<string, string> = { ...settings };
  for (const spec of definition.settings) {
    if (filled[spec.name] === undefined && spec.defaultValue !== undefined) {
      filled[spec.name] = spec.defaultValue;
    }
  }
  return filled;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.username === '' &&
      url.password === ''
    );
  } catch {
    return false;
  }
}
