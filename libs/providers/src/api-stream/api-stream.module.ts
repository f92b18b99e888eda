import { Module } from '@nestjs/common';
import { ProviderCoreModule } from '../provider-core.module';
import { ApiStreamClient } from './api-stream.client';
import { ApiStreamController } from './api-stream.controller';
import { ApiStreamProvider } from './api-stream.provider';
import { ApiStreamTokensService } from './api-stream-tokens.service';

@Module({
  imports: [ProviderCoreModule],
  controllers: [ApiStreamController],
  providers: [ApiStreamClient, ApiStreamProvider, ApiStreamTokensService],
  exports: [ApiStreamProvider],
})
export class ApiStreamModule {}
