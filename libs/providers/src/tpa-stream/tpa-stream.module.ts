import { Module } from '@nestjs/common';
import { ProviderCoreModule } from '../provider-core.module';
import { TpaStreamProvider } from './tpa-stream.provider';

@Module({
  imports: [ProviderCoreModule],
  providers: [TpaStreamProvider],
  exports: [TpaStreamProvider],
})
export class TpaStreamModule {}
