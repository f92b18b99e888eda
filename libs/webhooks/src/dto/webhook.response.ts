import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../webhook-delivery.entity';

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Until then deliveries are also signed with the secret before the last rotation',
  })
  previousSecretExpiresAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookWithSecretResponse extends WebhookResponse {
  @ApiProperty({ description: 'The signing secret, shown this once', example: 'whsec_...' })
  secret!: string;
}

export class WebhookPageResponse {
  @ApiProperty({ type: [WebhookResponse] }) items!: WebhookResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class WebhookSecretResponse {
  @ApiProperty({ example: 'whsec_...' }) secret!: string;
}

export class WebhookTestResponse {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
}

export class DeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Number, nullable: true }) lastResponseStatus!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastAttemptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt!: string | null;
}

export class DeliveryPageResponse {
  @ApiProperty({ type: [DeliveryResponse] }) items!: DeliveryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class WebhookHealthResponse {
  @ApiProperty() pending!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastSucceededAt!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastFailedAt!: string | null;
}

export class AdminWebhookResponse extends WebhookResponse {
  @ApiProperty() team!: string;
  @ApiProperty({ type: WebhookHealthResponse }) health!: WebhookHealthResponse;
}

export class AdminWebhookPageResponse {
  @ApiProperty({ type: [AdminWebhookResponse] }) items!: AdminWebhookResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
