import { systemActor } from '@keyhouse/audit';
import { ConfigurationError, KeyhouseConfig } from '@keyhouse/config';
import { DatabaseLock, withAdvisoryLock } from '@keyhouse/database';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiClientsService, type ApiClientSpec } from './api-clients.service';

const BOOTSTRAP_ADMIN: ApiClientSpec = {
  name: 'bootstrap-admin',
  team: 'operators',
  scopes: ['admin'],
  providers: [],
};

/**
 * Makes sure an operator can get in. BOOTSTRAP_ADMIN_KEY becomes an admin client at boot if
 * no client has that key yet (idempotent across restarts and processes). Without it, the
 * very first start generates one, but only once the server listens (`generateIfFirstStart`,
 * called by main.ts, which prints it at once): a start that fails earlier (a busy port, a bad
 * HOST) stores no key nobody saw, and the next start generates one again. Production never
 * generates: a key printed into container logs would be a live admin credential there.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminService.name);

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly clients: ApiClientsService,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const configured = this.config.bootstrapAdminKey?.reveal();
    if (configured) {
      // Under a lock so processes starting together on a fresh database create one admin.
      await withAdvisoryLock(this.dataSource, DatabaseLock.BootstrapAdmin, async () => {
        if (!(await this.clients.existsWithKey(configured))) {
          await this.clients.createWithKey(BOOTSTRAP_ADMIN, configured, systemActor('bootstrap'));
          this.logger.log('created the admin client for BOOTSTRAP_ADMIN_KEY');
        }
      });
      return;
    }
    if (this.config.isProduction && (await this.clients.countActiveAdmins()) === 0) {
      throw new ConfigurationError([
        'BOOTSTRAP_ADMIN_KEY is required when NODE_ENV=production and no admin client exists yet (production never generates and prints an admin key)',
      ]);
    }
  }

  /**
   * On the very first start (no client at all, no BOOTSTRAP_ADMIN_KEY, not production):
   * creates an admin client and returns its key, for the caller to show once. It never goes
   * through the logger.
   */
  async generateIfFirstStart(): Promise<string | undefined> {
    if (this.config.bootstrapAdminKey || this.config.isProduction) {
      return undefined;
    }
    return withAdvisoryLock(this.dataSource, DatabaseLock.BootstrapAdmin, async () => {
      if ((await this.clients.countActive()) > 0) {
        return undefined;
      }
      const created = await this.clients.create(BOOTSTRAP_ADMIN, systemActor('bootstrap'));
      this.logger.warn({ keyPrefix: created.keyPrefix }, 'first start: generated an admin key');
      return created.apiKey;
    });
  }
}
