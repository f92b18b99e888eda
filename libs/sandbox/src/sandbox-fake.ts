import type { FakeOptions } from './common/fake-http';
import type { FakeServer } from './common/fake-server';

/** One provider's fake upstream, started: the server, and a provider app's fields that reach it. */
export interface StartedFake {
  readonly server: FakeServer;
  /** Setting and secret values by field name (baseUrl, apiKey, ...), as an admin writes them. */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Starts one provider's fake on a free loopback port. Each provider's definition names its
 * own; the providers' sandbox starts them all and turns their fields into variables.
 */
export type SandboxFake = (options: FakeOptions) => Promise<StartedFake>;

/** Starts `fake`, then reads the field values that reach it (its URL exists only once started). */
export async function startFake<T extends FakeServer>(
  fake: T,
  fields: (started: T) => Readonly<Record<string, string>>,
): Promise<StartedFake> {
  await fake.start();
  return { server: fake, fields: fields(fake) };
}
