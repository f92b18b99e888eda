import { ApiProperty } from '@nestjs/swagger';

export class VaultKeyStatusResponse {
  @ApiProperty() id!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'False for a key still referenced but no longer in VAULT_KEYS' })
  configured!: boolean;
  @ApiProperty({ description: 'Credentials whose data key it wraps' }) credentials!: number;
}

export class RotationProgressResponse {
  @ApiProperty() running!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty() rewrapped!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
}

export class VaultKeysResponse {
  @ApiProperty() activeKeyId!: string;
  @ApiProperty({ type: [VaultKeyStatusResponse] }) keys!: VaultKeyStatusResponse[];
  @ApiProperty({ description: 'Credentials not yet wrapped by the active key' })
  pendingRewrap!: number;
  @ApiProperty({ type: RotationProgressResponse, description: "This process's rotation run" })
  rotation!: RotationProgressResponse;
}
