import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ProviderCoreModule } from '../provider-core.module';
import { StreamChatClient } from './stream-chat.client';
import { StreamChatController } from './stream-chat.controller';
import { StreamChatProvider } from './stream-chat.provider';
import { StreamChatRevocationsService } from './stream-chat-revocations.service';
import { StreamChatSigner } from './stream-chat-signer';
import { StreamChatTokensService } from './stream-chat-tokens.service';

@Module({
  // No module-wide secret: the signer passes the API secret on each call.
  imports: [ProviderCoreModule, JwtModule.register({})],
  controllers: [StreamChatController],
  providers: [
    StreamChatSigner,
    StreamChatClient,
    StreamChatProvider,
    StreamChatTokensService,
    StreamChatRevocationsService,
  ],
  exports: [StreamChatProvider],
})
export class StreamChatModule {}
