import { Injectable, type PipeTransform } from '@nestjs/common';
import { RequestError } from '../errors/request.errors';

/** Printable, 1–256 characters: the rule for user, participant and account ids (docs/api.md, Input limits). */
export const EXTERNAL_ID_PATTERN = /^[^\p{Cc}]{1,256}$/u;

/** Validates a user id in the path (e.g. /v1/users/{userId}). */
@Injectable()
export class ExternalIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!EXTERNAL_ID_PATTERN.test(value)) {
      throw RequestError.invalid([
        { field: 'userId', message: 'userId must be 1–256 printable characters' },
      ]);
    }
    return value;
  }
}
