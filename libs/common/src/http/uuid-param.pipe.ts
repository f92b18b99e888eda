import { Injectable, type PipeTransform } from '@nestjs/common';
import { RequestError } from '../errors/request.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are UUIDs; anything else is a 400 before it reaches SQL (where it would be a 500). */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) {
      throw RequestError.invalid([{ field: 'id', message: 'id must be a UUID' }]);
    }
    return value.toLowerCase();
  }
}
