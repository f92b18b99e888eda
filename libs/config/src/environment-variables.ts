import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** "true"/"false"/"1"/"0" become booleans; anything else stays a string and fails @IsBoolean. */
const toBoolean = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === undefined || value === '') {
      return undefined;
    }
    if (typeof value !== 'string') {
      return value;
    }
    const normalized = value.trim().toLowerCase();
    if (normalized === 'true' || normalized === '1') {
      return true;
    }
    if (normalized === 'false' || normalized === '0') {
      return false;
    }
    return value;
  });

/** Integers only; "12abc" stays a string and fails @IsInt instead of becoming 12. */
const toInteger = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === undefined || value === '') {
      return undefined;
    }
    return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  });

const emptyToUndefined = () =>
  Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

/**
 * Every environment variable Keyhouse reads, with its validation, except the providers':
 * each provider's definition declares its own (see provider-variables.ts). The contract's
 * configuration table is the contract for the names; the tuning knobs are Keyhouse's own.
 */
export class EnvironmentVariables {
  @IsOptional()
  @emptyToUndefined()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @emptyToUndefined()
  @IsString()
  @MaxLength(255)
  HOST?: string;

  /** The worker's own port for /health and /metrics (HOST is shared). */
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_PORT?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  SHUTDOWN_GRACE_MS?: number;

  @IsOptional()
  @emptyToUndefined()
  @Matches(/^postgres(ql)?:\/\/.+/, {
    message: 'DATABASE_URL must be a postgres:// connection string',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @emptyToUndefined()
  @IsString()
  @MinLength(1)
  DATA_DIR?: string;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_CONNECT_TIMEOUT_MS?: number;

  @IsOptional()
  @emptyToUndefined()
  // Checked entry by entry in vault-keys-check.ts, for a message naming the cause.
  @IsString()
  VAULT_KEYS?: string;

  @IsOptional()
  @emptyToUndefined()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'VAULT_ACTIVE_KEY must be a key id from VAULT_KEYS',
  })
  VAULT_ACTIVE_KEY?: string;

  @IsOptional()
  @emptyToUndefined()
  @IsString()
  @MinLength(32, {
    message: 'BOOTSTRAP_ADMIN_KEY must be at least 32 characters',
  })
  @MaxLength(512)
  BOOTSTRAP_ADMIN_KEY?: string;

  @IsOptional()
  @toBoolean()
  @IsBoolean()
  REFRESH_ENABLED?: boolean;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  REFRESH_INTERVAL_MS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  INTEGRATIONS_RELOAD_MS?: number;

  @IsOptional()
  @IsIn(['derived', 'verbatim'])
  ENVIRONMENT_USER_IDS?: 'derived' | 'verbatim';

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(10_000)
  REFRESH_BATCH_SIZE?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(1_000)
  REFRESH_CONCURRENCY?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(3_600)
  REFRESH_LEASE_SECONDS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(0)
  @Max(86_400)
  REFRESH_MIN_LEAD_SECONDS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  REFRESH_RETRY_BASE_MS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(50)
  @Max(600_000)
  REFRESH_WRITE_MARGIN_MS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(100)
  @Max(120_000)
  UPSTREAM_TIMEOUT_MS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(100)
  @Max(60_000)
  UPSTREAM_CONNECT_TIMEOUT_MS?: number;

  /** The whole request (head and body) must arrive within this, else 408. */
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS?: number;

  /** Requests per API client per minute, in each gateway process. */
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_PER_MINUTE?: number;

  /** Failed authentications per source address per minute, in each gateway process. */
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(3_650)
  EVENT_RETENTION_DAYS?: number;

  /** Record every token read in the audit trail (the default); false records changes only. */
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  AUDIT_READS?: boolean;

  /** Quiet audit events wait at most this long to be written together. */
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(10_000)
  AUDIT_FLUSH_MS?: number;

  @IsOptional()
  @toBoolean()
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_NETWORKS?: boolean;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_INTERVAL_MS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  WEBHOOK_CONCURRENCY?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(604_800)
  WEBHOOK_RETRY_WINDOW_SECONDS?: number;

  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(100)
  @Max(10_000)
  WEBHOOK_TIMEOUT_MS?: number;

  @IsOptional()
  @emptyToUndefined()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @toBoolean()
  @IsBoolean()
  SANDBOX?: boolean;
}
