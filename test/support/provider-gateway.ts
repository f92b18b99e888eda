import type { FakeServer } from '@keyhouse/sandbox';
import { createClient } from './factories';
import { type GatewayHarness, startGateway } from './gateway-harness';
import { HttpClient } from './http-client';
import { expectNoSecretsInLogs } from './secrets';

export interface ProviderGatewaySpec {
  /** The provider's fake upstream; started here, its base URL handed to `env`. */
  readonly fake: FakeServer;
  readonly env: (baseUrl: string) => Record<string, string | undefined>;
  /** The team of the API client created for the tests, granted this one provider. */
  readonly team: string;
  readonly provider: string;
  /** Every key and token the suite handles; the client and admin keys are added here. */
  readonly secrets: Set<string>;
}

/** A provider suite's setup: its fake, a gateway pointed at it, and a team client. */
export async function startProviderGateway(
  spec: ProviderGatewaySpec,
): Promise<{ gateway: GatewayHarness; client: HttpClient }> {
  const gateway = await startGateway({ env: spec.env(await spec.fake.start()) });
  const created = await createClient(gateway, { team: spec.team, providers: [spec.provider] });
  spec.secrets.add(created.apiKey).add(gateway.adminKey);
  return { gateway, client: new HttpClient(gateway.baseUrl, created.apiKey) };
}

/** Its teardown: no secret reached the logs, then everything stops. */
export async function stopProviderGateway(
  gateway: GatewayHarness,
  fake: FakeServer,
  secrets: Iterable<string>,
): Promise<void> {
  expectNoSecretsInLogs(gateway.logs, secrets);
  await gateway.close();
  await fake.stop();
}
