import { ApiProperty } from '@nestjs/swagger';
import { CredentialResponse } from './credential.response';

/** What /admin sees of a credential: the team's view plus where it stands in the vault. */
export class AdminCredentialResponse extends CredentialResponse {
  @ApiProperty() team!: string;
  @ApiProperty({ description: 'Refresh attempts since the last success' }) attempts!: number;
  @ApiProperty({ nullable: true, type: String, description: 'The vault key wrapping its data key' })
  vaultKeyId!: string | null;
}

export class AdminCredentialPageResponse {
  @ApiProperty({ type: [AdminCredentialResponse] }) items!: AdminCredentialResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
