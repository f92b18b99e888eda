import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'keyhouse:public';

/**
 * Opts a route out of the global API-key guard. Only health, metrics and docs use it;
 * a test fails if any other route is public or carries no scope.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
