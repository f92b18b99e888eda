import { Module } from '@nestjs/common';
import { ProviderCoreModule } from '../provider-core.module';
import { StreamChatProvider } from './stream-chat.provider';

@Module({
  imports: [ProviderCoreModule],
  providers: [StreamChatProvider],
  exports: [StreamChatProvider],
})
export class StreamChatModule {}
