import { systemActor } from '@keyhouse/audit';
import { KeyhouseConfig } from '@keyhouse/config';
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
 * Makes sure an operator can get in: BOOTSTRAP_ADMIN_KEY becomes an admin client if no
 * client has that key yet (idempotent across restarts and processes), and without it the
 * very first start generates one. The generated key is handed to the app shell to print
 * once; it never goes through the logger.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminService.name);
  private generated?: string;

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly clients: ApiClientsService,
    private readonly dataSource: DataSource,
  ) {}

  /** The key generated on this start, if this was the first; read once by main.ts. */
  takeGeneratedKey(): string | undefined {
    const key = this.generated;
    this.generated = undefined;
    return key;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Under a lock so processes starting together on a fresh database create one admin.
    await withAdvisoryLock(this.dataSource, DatabaseLock.BootstrapAdmin, async () => {
      const configured = this.config.bootstrapAdminKey?.reveal();
      if (configured) {
        if (!(await this.clients.existsWithKey(configured))) {
          await this.clients.createWithKey(BOOTSTRAP_ADMIN, configured, systemActor('bootstrap'));
          this.logger.log('created the admin client for BOOTSTRAP_ADMIN_KEY');
        }
        return;
      }
      if ((await this.clients.countActive()) === 0) {
        const created = await this.clients.create(BOOTSTRAP_ADMIN, systemActor('bootstrap'));
        this.generated = created.apiKey;
        this.logger.warn({ keyPrefix: created.keyPrefix }, 'first start: generated an admin key');
      }
    });
  }
}
