import type { IntegrationDefinition } from '@keyhouse/integrations';
import { STREAM_CHAT } from './stream-chat-answers';

/** Stream Chat: an app's API key and secret; Keyhouse chooses the user_id. */
export const STREAM_CHAT_DEFINITION: IntegrationDefinition = {
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
    config: 'streamChat',
    fields: { baseUrl: 'baseUrl', apiKey: 'clientId', apiSecret: 'clientSecret' },
  },
  upstreamUserIds: 'chosen',
};
