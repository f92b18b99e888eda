import { ProviderCoreModule } from '@keyhouse/providers';
import { Module } from '@nestjs/common';
import { EchoClient } from './echo.client';
import { EchoController } from './echo.controller';
import { EchoProvider } from './echo.provider';
import { EchoTokensService } from './echo-tokens.service';

@Module({
  imports: [ProviderCoreModule],
  controllers: [EchoController],
  providers: [EchoClient, EchoProvider, EchoTokensService],
  exports: [EchoProvider],
})
export class EchoModule {}
