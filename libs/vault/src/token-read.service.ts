import type { AuditActor } from '@keyhouse/audit';
import { Injectable } from '@nestjs/common';
import { AccessTokenReader } from './access-token-reader';
import type { CredentialEntity } from './credential.entity';
import { CredentialRepository } from './credential.repository';
import type { AccessToken } from './credential-vault.service';
import { VaultError, VaultErrorCode } from './vault.errors';

/**
 * The token read by id (GET /v1/credentials/{id}/token): the row from memory when the
 * process is current, the caller's own checks on it, then the one read (refreshed first if
 * inside its lead, opened, audited). A row the refresh changed is read again from the table.
 */
@Injectable()
export class TokenRead {
  constructor(
    private readonly credentials: CredentialRepository,
    private readonly reader: AccessTokenReader,
  ) {}

  /** 404 for another team's id; `mayRead` throws for a credential the caller may not use. */
  async read(
    team: string,
    id: string,
    actor: AuditActor,
    mayRead: (credential: CredentialEntity) => void,
  ): Promise<{ readonly credential: CredentialEntity; readonly token: AccessToken }> {
    const credential = await this.credentials.findForTeamToRead(team, id);
    if (!credential) {
      throw new VaultError(VaultErrorCode.CredentialNotFound, 'credential was not found');
    }
    mayRead(credential);
    return { credential, token: await this.reader.read(credential, actor) };
  }
}
