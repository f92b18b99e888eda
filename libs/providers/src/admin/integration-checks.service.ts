import { type AuditActor, AuditService } from '@keyhouse/audit';
import { RequestError } from '@keyhouse/common';
import { IntegrationDirectory } from '@keyhouse/integrations';
import { Injectable, Logger } from '@nestjs/common';
import { ProviderError } from '../provider.errors';
import { ProviderRegistry } from '../provider-registry.service';

export type CheckResult =
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly detail: string };

/**
 * `check`: one harmless upstream call with an integration's stored keys, so an admin
 * learns that a key was rotated upstream before users do. The answer carries our own
 * classification of what went wrong, never upstream text or a key.
 */
@Injectable()
export class IntegrationChecks {
  private readonly logger = new Logger('IntegrationChecks');

  constructor(
    private readonly directory: IntegrationDirectory,
    private readonly registry: ProviderRegistry,
    private readonly audit: AuditService,
  ) {}

  async check(id: string, actor: AuditActor): Promise<CheckResult> {
    // The stored row may have been written by another process a moment ago.
    let integration = this.directory.byId(id);
    if (!integration) {
      await this.directory.reload();
      integration = this.directory.byId(id);
    }
    if (!integration) {
      throw RequestError.notFound('integration');
    }
    const provider = this.registry.get(integration.provider);
    let result: CheckResult;
    if (!provider.check) {
      result = {
        ok: false,
        code: 'check_unsupported',
        detail: `${provider.name} has no harmless call to check with`,
      };
    } else {
      try {
        await provider.check(integration);
        result = { ok: true };
      } catch (error) {
        result = failure(error);
        if (!result.ok && result.code === 'internal_error') {
          this.logger.error(
            { err: error, integrationId: id },
            'integration check failed unexpectedly',
          );
        }
      }
    }
    await this.audit.record({
      action: 'integration.checked',
      actor,
      provider: integration.provider,
      outcome: result.ok ? 'success' : 'failure',
      details: { integrationId: id, code: result.ok ? null : result.code },
    });
    return result;
  }
}

function failure(error: unknown): CheckResult {
  if (error instanceof ProviderError) {
    return {
      ok: false,
      code: error.reason,
      detail: `${error.message} (${error.upstreamCode})`,
    };
  }
  return { ok: false, code: 'internal_error', detail: 'the check failed inside Keyhouse' };
}
