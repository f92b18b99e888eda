import { CredentialResponse } from '@keyhouse/vault';
import { ApiProperty } from '@nestjs/swagger';
import { MeshAccessTokenEntry } from './mesh.dto';

/** The answer to storing a Mesh Link connection: one credential per account. */
export class StoredConnectionsResponse {
  @ApiProperty({ type: [CredentialResponse] }) items!: CredentialResponse[];
}

export class MeshConnectionsResponse {
  @ApiProperty({
    type: [MeshAccessTokenEntry],
    description: "Active connections only, ready for Mesh Link's accessTokens option",
  })
  accessTokens!: MeshAccessTokenEntry[];

  @ApiProperty({ type: [CredentialResponse] }) items!: CredentialResponse[];
}
