import { FakeStreamChat, startFake } from '@keyhouse/sandbox';
import type { ProviderDefinition } from '../provider-definition';
import { STREAM_CHAT } from './stream-chat-answers';
import { StreamChatModule } from './stream-chat.module';
import { StreamChatProvider } from './stream-chat.provider';

/** Stream Chat: an app's API key and secret; Keyhouse chooses the user_id. */
export const STREAM_CHAT_DEFINITION: ProviderDefinition = {
  provider: STREAM_CHAT,
  settings: [
    {
      name: 'baseUrl',
      kind: 'url',
      defaultValue: 'https://chat.stream-io-api.com',
      description: 'The Stream Chat REST origin',
    },
    { name: 'apiKey', kind: 'text', description: "The app's public API key" },
  ],
  secrets: [{ name: 'apiSecret', kind: 'text', description: "The app's API secret (HS256)" }],
  environment: {
    baseUrl: { field: 'baseUrl', variable: 'STREAM_CHAT_BASE_URL' },
    credentials: [
      { field: 'apiKey', variable: 'STREAM_CHAT_API_KEY' },
      { field: 'apiSecret', variable: 'STREAM_CHAT_API_SECRET' },
    ],
  },
  upstreamUserIds: 'chosen',
  module: StreamChatModule,
  tokenProvider: StreamChatProvider,
  sandbox: (options) =>
    startFake(new FakeStreamChat(options), (fake) => ({
      baseUrl: fake.baseUrl,
      apiKey: fake.apiKey,
      apiSecret: fake.apiSecret,
    })),
};
