import { Module } from '@nestjs/common';
import { AdminIntegrationChecksController } from './admin-integration-checks.controller';
import { IntegrationChecks } from './integration-checks.service';

/** Admin routes that need the providers themselves (the gateway mounts it; the worker does not). */
@Module({
  controllers: [AdminIntegrationChecksController],
  providers: [IntegrationChecks],
})
export class ProviderAdminModule {}
