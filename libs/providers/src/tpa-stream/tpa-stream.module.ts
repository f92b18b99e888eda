import { Module } from '@nestjs/common';
import { ProviderCoreModule } from '../provider-core.module';
import { TpaStreamClient } from './tpa-stream.client';
import { TpaStreamController } from './tpa-stream.controller';
import { TpaStreamProvider } from './tpa-stream.provider';
import { TpaStreamTokensService } from './tpa-stream-tokens.service';

@Module({
  imports: [ProviderCoreModule],
  controllers: [TpaStreamController],
  providers: [TpaStreamClient, TpaStreamProvider, TpaStreamTokensService],
  exports: [TpaStreamProvider],
})
export class TpaStreamModule {}
