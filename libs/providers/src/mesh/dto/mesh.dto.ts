import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';

const PRINTABLE = /^[^\p{Cc}]+$/u;

export class CreateLinkTokenDto {
  @ApiProperty({ description: "Your user's id", example: 'user-42' })
  @IsString()
  @Length(1, 256)
  @Matches(PRINTABLE)
  userId!: string;

  @ApiPropertyOptional({
    description: 'Skip the catalog and open this integration (a Mesh integration id)',
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID()
  integrationId?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() restrictMultipleAccounts?: boolean;
}

export class LinkTokenResponse {
  @ApiProperty({ description: 'For Mesh Link; single use, within 10 minutes' }) linkToken!: string;

  @ApiProperty({
    description: 'The userId Mesh saw: derived per team on a shared integration',
    example: 'kh_3f1c0a9b27d84e6f5a1b0c9d8e7f6a5b4c3d2e1f',
  })
  upstreamUserId!: string;

  @ApiProperty({ format: 'date-time', description: 'Ten minutes after it was minted' })
  expiresAt!: string;
}

export class StoreConnectionsDto {
  @ApiProperty({ example: 'user-42' })
  @IsString()
  @Length(1, 256)
  @Matches(PRINTABLE)
  userId!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "The LinkPayload Mesh Link's onIntegrationConnected gives the page, unchanged: {accessToken: {...}} or {delayedAuth: {...}} (the bare accessToken object is accepted too)",
  })
  @IsObject()
  payload!: Record<string, unknown>;
}

export class ConnectionsQuery {
  @ApiProperty({ example: 'user-42' })
  @IsString()
  @Length(1, 256)
  @Matches(PRINTABLE)
  userId!: string;
}

export class MeshAccessTokenEntry {
  @ApiProperty() accessToken!: string;
  @ApiProperty() brokerType!: string;
  @ApiProperty() brokerName!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty({ nullable: true, type: String }) accountName!: string | null;
}
