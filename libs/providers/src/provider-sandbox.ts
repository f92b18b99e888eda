import { variablesOfFields } from '@keyhouse/integrations';
import type { FakeOptions, FakeServer } from '@keyhouse/sandbox';
import type { ProviderDefinition } from './provider-definition';
import { PROVIDER_REGISTRY } from './provider-registry';

export interface SandboxOptions {
  /** Fixed latency added to every answer of every fake (the benchmark uses 20 ms). */
  readonly latencyMs?: number;
  readonly log?: FakeOptions['log'];
  /** Whose fakes to start: the registry unless a test adds its own provider. */
  readonly providers?: readonly ProviderDefinition[];
}

/** Every registered provider's fake upstream, started on free loopback ports. */
export interface Sandbox {
  /** The gateway's configuration variables, pointing at the fakes. */
  environment(): Record<string, string>;
  /** The running fake of this class (FakeMesh, to connect an account, say). */
  fake<T extends FakeServer>(type: abstract new (...args: never[]) => T): T;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const definitions = (options.providers ?? PROVIDER_REGISTRY).filter(
    (definition) => definition.sandbox !== undefined,
  );
  const fakeOptions: FakeOptions = { log: options.log };
  const started = await Promise.allSettled(
    definitions.map((definition) => definition.sandbox!(fakeOptions)),
  );
  const fakes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const servers = fakes.map((fake) => fake.server);
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await stop();
    throw failure.reason;
  }
  for (const server of servers) {
    server.setLatency(options.latencyMs ?? 0);
  }
  let environment: Record<string, string>;
  try {
    // Checked now, so a fake missing one of its provider's fields fails the start, not a request.
    environment = Object.assign(
      {},
      ...definitions.map((definition, index) => variablesOfFields(definition, fakes[index].fields)),
    ) as Record<string, string>;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    environment: () => ({ ...environment }),
    fake: <T extends FakeServer>(type: abstract new (...args: never[]) => T): T => {
      const server = servers.find((candidate) => candidate instanceof type);
      if (server === undefined) {
        throw new Error(`the sandbox runs no ${type.name}`);
      }
      return server as T;
    },
    stop,
  };
}
