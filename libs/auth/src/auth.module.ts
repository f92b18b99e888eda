import { AuditModule } from '@keyhouse/audit';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminClientsController } from './admin/admin-clients.controller';
import { ApiClientEntity } from './api-client.entity';
import { ApiClientRepository } from './api-client.repository';
import { ApiClientsService } from './api-clients.service';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { KnownProviders, PROVIDER_NAMES } from './known-providers';
import { RateLimitsService } from './rate-limit/rate-limits.service';
import { RecordKeyUse } from './record-key-use.hook';

/** The gateway's own callers: API clients, their keys, the global guard, /admin/clients. */
@Module({})
export class AuthModule {
  static forRoot(providerNames: readonly string[]): DynamicModule {
    return {
      module: AuthModule,
      imports: [TypeOrmModule.forFeature([ApiClientEntity]), AuditModule],
      controllers: [AdminClientsController],
      providers: [
        ApiClientRepository,
        ApiClientsService,
        ApiKeyAuthenticator,
        BootstrapAdminService,
        KnownProviders,
        RateLimitsService,
        { provide: PROVIDER_NAMES, useValue: providerNames },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        RecordKeyUse,
      ],
      exports: [ApiClientsService, ApiKeyAuthenticator, BootstrapAdminService],
    };
  }
}
