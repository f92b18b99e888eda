import { type DynamicModule, Global, Module } from '@nestjs/common';
import { KeyhouseConfig } from './keyhouse-config';

/** Makes the one configuration object injectable everywhere as `KeyhouseConfig`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: KeyhouseConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: KeyhouseConfig, useValue: config }],
      exports: [KeyhouseConfig],
    };
  }
}
