import { Module } from '@nestjs/common';
import { ProviderCoreModule } from '../provider-core.module';
import { ApiStreamProvider } from './api-stream.provider';

@Module({
  imports: [ProviderCoreModule],
  providers: [ApiStreamProvider],
  exports: [ApiStreamProvider],
})
export class ApiStreamModule {}
