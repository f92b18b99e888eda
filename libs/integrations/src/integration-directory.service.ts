import { KeyhouseConfig } from '@keyhouse/config';
import { NotificationListener } from '@keyhouse/database';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ALL_TEAMS, type IntegrationEntity } from './integration.entity';
import { INTEGRATIONS_CHANNEL, IntegrationRepository } from './integration.repository';
import { environmentIntegration, environmentIntegrationId, Integration } from './integration';
import { INTEGRATION_DEFINITIONS, type IntegrationDefinition } from './integration-definition';
import { IntegrationSealing } from './integration-sealing';

/**
 * Every integration in force, in memory (secrets decrypted only here, never logged), kept
 * current across processes: a NOTIFY on each committed change makes every listener re-read
 * at once, and a periodic re-read catches whatever a dropped connection missed.
 */
@Injectable()
export class IntegrationDirectory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Integrations');
  private stored = new Map<string, Integration>();
  private readonly environment = new Map<string, Integration>();
  private timer?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private reloadAgain = false;
  private stopping = false;

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly repository: IntegrationRepository,
    private readonly sealing: IntegrationSealing,
    private readonly listener: NotificationListener,
    @Inject(INTEGRATION_DEFINITIONS) private readonly definitions: readonly IntegrationDefinition[],
  ) {}

  /**
   * After every module started (the vault checked its keys first, so a missing key is named
   * there); and only then listening, so a start that failed leaves no connection behind.
   */
  async onApplicationBootstrap(): Promise<void> {
    for (const definition of this.definitions) {
      const integration = environmentIntegration(definition, this.config);
      if (integration) {
        this.environment.set(definition.provider, integration);
      }
    }
    // The first read must succeed: a process that cannot open its integrations (a vault key
    // missing from VAULT_KEYS) stops at start rather than serve without them.
    this.stored = await this.readAll();
    // A notification re-reads everything; so does listening again after a gap.
    await this.listener.subscribe(INTEGRATIONS_CHANNEL, {
      notify: () => void this.reload(),
      resync: () => void this.reload(),
    });
    this.timer = setInterval(() => void this.reload(), this.config.integrations.reloadIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.reloading;
  }

  /** The integration a team's new tokens use: its own, else the stored "*", else the environment's. */
  resolve(team: string, provider: string): Integration | undefined {
    let shared: Integration | undefined;
    for (const integration of this.stored.values()) {
      if (integration.provider !== provider) {
        continue;
      }
      if (integration.teams.includes(team)) {
        return integration;
      }
      if (integration.teams.includes(ALL_TEAMS)) {
        shared = integration;
      }
    }
    return shared ?? this.environment.get(provider);
  }

  /** An integration by id, the environment ones included. */
  byId(id: string): Integration | undefined {
    return (
      this.stored.get(id) ??
      [...this.environment.values()].find((integration) => integration.id === id)
    );
  }

  /** The integration a stored credential was minted under (null: the environment's). */
  forCredential(credential: {
    readonly provider: string;
    readonly integrationId: string | null;
  }): Integration | undefined {
    const id = credential.integrationId ?? environmentIntegrationId(credential.provider);
    const integration = this.byId(id);
    return integration?.provider === credential.provider ? integration : undefined;
  }

  all(): Integration[] {
    return [...this.environment.values(), ...this.stored.values()];
  }

  /**
   * Re-reads every stored integration. Calls that arrive while one runs fold into one more
   * run after it, so a burst of notifications costs two reads, and none is missed.
   */
  reload(): Promise<void> {
    if (this.stopping) {
      return Promise.resolve();
    }
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          this.stored = await this.readAll();
        } catch (error) {
          // The cache keeps what it had; the next notification or tick tries again.
          this.logger.warn({ err: error }, 'integrations could not be re-read');
        }
      } while (this.reloadAgain && !this.stopping);
    })().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async readAll(): Promise<Map<string, Integration>> {
    const rows = await this.repository.all();
    const next = new Map<string, Integration>();
    for (const row of rows) {
      const known = this.stored.get(row.id);
      next.set(row.id, known && sameVersion(known, row) ? known : await this.open(row));
    }
    return next;
  }

  private async open(row: IntegrationEntity): Promise<Integration> {
    const integration = new Integration(
      row.id,
      row.provider,
      row.name,
      row.teams,
      row.settings,
      await this.sealing.openAll(row),
      row.userIds,
      'stored',
      row.secretsUpdatedAt,
    );
    versions.set(integration, row.version);
    return integration;
  }
}

const versions = new WeakMap<Integration, number>();

function sameVersion(integration: Integration, row: IntegrationEntity): boolean {
  return versions.get(integration) === row.version;
}
