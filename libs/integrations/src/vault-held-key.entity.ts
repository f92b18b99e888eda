import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A key Keyhouse itself needs, held only as a data key wrapped by the vault (so it is
 * re-wrapped by rotation and never stored in the clear). The one today: the key of the
 * upstream user id derivation, `upstream-identity`.
 */
@Entity('vault_held_keys')
export class VaultHeldKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'wrapped_data_key', type: 'bytea' })
  wrappedDataKey!: Buffer;

  @Column({ name: 'data_key_id', type: 'varchar', length: 64 })
  dataKeyId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
