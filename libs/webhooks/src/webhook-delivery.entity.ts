import { EventEntity } from '@keyhouse/events';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event to one endpoint: written with the event (same statement), then claimed by
 * whichever process runs the scheduler, with a lease and a fencing token like a refresh.
 * `attempts` counts claims, so an attempt cut short by a killed process still counts.
 */
@Entity('webhook_deliveries')
@Index('webhook_deliveries_endpoint', ['endpointId', 'createdAt'])
@Index('webhook_deliveries_due', ['nextAttemptAt'], { where: `"status" = 'pending'` })
@Index('webhook_deliveries_event', ['eventId'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId!: string;

  @ManyToOne(() => WebhookEndpointEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: WebhookEndpointEntity;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  // Retention sweeps an event with its deliveries.
  @ManyToOne(() => EventEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', referencedColumnName: 'id' })
  event?: EventEntity;

  @Column({ type: 'varchar', length: 256 })
  team!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** Null once the delivery succeeded or failed for good. */
  @Column({
    name: 'next_attempt_at',
    type: 'timestamptz',
    precision: 3,
    nullable: true,
    default: () => 'now()',
  })
  nextAttemptAt!: Date | null;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', precision: 3, nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'last_response_status', type: 'int', nullable: true })
  lastResponseStatus!: number | null;

  /** Why the last attempt failed without a status: timeout, refused, address_refused, ... */
  @Column({ name: 'last_error', type: 'varchar', length: 64, nullable: true })
  lastError!: string | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'lease_token', type: 'bigint', default: 0 })
  leaseToken!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
