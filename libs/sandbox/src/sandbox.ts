import type { FakeOptions } from './common/fake-http';
import { FakeApiStream } from './api-stream/fake-api-stream';
import { FakeMesh } from './mesh/fake-mesh';
import { FakeMyDataHelps } from './mydatahelps/fake-mydatahelps';
import { FakeStreamChat } from './stream-chat/fake-stream-chat';
import { FakeTpaStream } from './tpa-stream/fake-tpa-stream';

export interface SandboxOptions {
  /** Fixed latency added to every answer of every fake (the benchmark uses 20 ms). */
  readonly latencyMs?: number;
  readonly log?: FakeOptions['log'];
}

/** All five fake upstreams, started on free loopback ports. */
export interface Sandbox {
  readonly tpaStream: FakeTpaStream;
  readonly streamChat: FakeStreamChat;
  readonly myDataHelps: FakeMyDataHelps;
  readonly mesh: FakeMesh;
  readonly apiStream: FakeApiStream;
  /** The gateway's configuration variables, pointing at the fakes. */
  environment(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const common = { log: options.log };
  const tpaStream = new FakeTpaStream(common);
  const streamChat = new FakeStreamChat(common);
  const myDataHelps = new FakeMyDataHelps(common);
  const mesh = new FakeMesh(common);
  const apiStream = new FakeApiStream(common);
  const fakes = [tpaStream, streamChat, myDataHelps, mesh, apiStream];
  const started = await Promise.allSettled(fakes.map((fake) => fake.start()));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(fakes.map((fake) => fake.stop()));
    throw failure.reason;
  }
  for (const fake of fakes) {
    fake.setLatency(options.latencyMs ?? 0);
  }
  return {
    tpaStream,
    streamChat,
    myDataHelps,
    mesh,
    apiStream,
    environment: () => ({
      TPA_STREAM_BASE_URL: tpaStream.baseUrl,
      TPA_STREAM_ACCESS_KEY: tpaStream.accessKey,
      TPA_STREAM_SECRET_KEY: tpaStream.secretKey,
      STREAM_CHAT_BASE_URL: streamChat.baseUrl,
      STREAM_CHAT_API_KEY: streamChat.apiKey,
      STREAM_CHAT_API_SECRET: streamChat.apiSecret,
      MYDATAHELPS_TOKEN_URL: myDataHelps.tokenUrl,
      MYDATAHELPS_SERVICE_ACCOUNT: myDataHelps.serviceAccount,
      // Always set: this fake generated its own key pair.
      MYDATAHELPS_PRIVATE_KEY: myDataHelps.privateKeyPem ?? '',
      MESH_BASE_URL: mesh.baseUrl,
      MESH_CLIENT_ID: mesh.clientId,
      MESH_CLIENT_SECRET: mesh.clientSecret,
      API_STREAM_BASE_URL: apiStream.baseUrl,
      API_STREAM_API_KEY: apiStream.apiKey,
    }),
    stop: async () => {
      await Promise.all(fakes.map((fake) => fake.stop()));
    },
  };
}
