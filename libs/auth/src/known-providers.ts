import { RequestError } from '@keyhouse/common';
import { Inject, Injectable } from '@nestjs/common';
import { ALL_PROVIDERS } from '@keyhouse/common';

export const PROVIDER_NAMES = Symbol('PROVIDER_NAMES');

/** The provider names an API client may be granted; the providers registry supplies them. */
@Injectable()
export class KnownProviders {
  constructor(@Inject(PROVIDER_NAMES) readonly names: readonly string[]) {}

  assertKnown(requested: readonly string[]): void {
    const unknown = requested.filter(
      (name) => name !== ALL_PROVIDERS && !this.names.includes(name),
    );
    if (unknown.length > 0) {
      throw RequestError.invalid(
        unknown.map((name) => ({
          field: 'providers',
          message: `unknown provider "${name}"; known: ${[...this.names, ALL_PROVIDERS].join(', ')}`,
        })),
      );
    }
  }
}
