import {
  type ArgumentMetadata,
  Injectable,
  type PipeTransform,
  ValidationPipe,
} from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FieldError } from '../errors/keyhouse-error';
import { RequestError } from '../errors/request.errors';

/**
 * Validates every body, query and path DTO: unknown fields are refused (not silently
 * dropped), types are checked strictly, and each failure is reported per field as a
 * `validation_failed` problem before any handler runs.
 */
@Injectable()
export class StrictValidationPipe implements PipeTransform {
  private readonly delegate = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => RequestError.invalid(flatten(errors)),
  });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && isDtoClass(metadata.metatype) && !isPlainObject(value)) {
      throw RequestError.invalid([{ field: 'body', message: 'body must be a JSON object' }]);
    }
    return this.delegate.transform(value, metadata);
  }
}

function isDtoClass(metatype: unknown): boolean {
  return (
    typeof metatype === 'function' &&
    ![String, Number, Boolean, Array, Object].includes(metatype as never)
  );
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatten(errors: readonly ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) /, '$1 '),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
