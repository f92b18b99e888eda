import type { ProviderVariables } from './provider-variables';
import type { Secret } from './secret';

export type NodeEnvironment = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** One provider's environment variables, read; a provider is "configured" when it has them all. */
export interface ProviderSettings {
  /** Without trailing slashes; the declared default while the variable is unset. */
  readonly baseUrl: string;
  /** The credential variables that are set, by variable name. */
  readonly credentials: Readonly<Record<string, Secret>>;
  readonly configured: boolean;
  /** What was read (names only): the sandbox overlay and the warnings iterate over these. */
  readonly variables: ProviderVariables;
}

/** By provider name ('tpa-stream'), one entry for each provider whose variables were given. */
export type ProvidersConfig = Readonly<Record<string, ProviderSettings>>;

/**
 * The validated configuration, built once at boot by `loadConfig`. Code takes it by
 * injection and never reads the environment itself.
 */
export abstract class KeyhouseConfig {
  abstract readonly nodeEnv: NodeEnvironment;
  abstract readonly isProduction: boolean;
  abstract readonly logLevel: LogLevel;
  abstract readonly http: {
    readonly port: number;
    readonly host: string;
    /** Request bodies over this are refused with 413 before parsing. */
    readonly bodyLimitBytes: number;
    /** The worker's /health and /metrics port (on the same host). */
    readonly workerPort: number;
    /** How long SIGTERM waits for in-flight work before the process exits anyway. */
    readonly shutdownGraceMs: number;
    /** The whole request (head and body) must arrive within this, else 408. */
    readonly requestTimeoutMs: number;
  };
  /** In-memory budgets per process (no database round trip on the request path). */
  abstract readonly rateLimit: {
    /** Requests per API client per minute. */
    readonly perMinute: number;
    /** Failed authentications per source address per minute. */
    readonly authFailuresPerMinute: number;
  };
  abstract readonly database: {
    /** Unset means "start an embedded Postgres under dataDir". */
    readonly url?: Secret;
    readonly dataDir: string;
    readonly poolSize: number;
    /** Longest a statement may run; also bounds a query whose connection stalled. */
    readonly statementTimeoutMs: number;
    /** Longest wait to open a connection or get one from the pool. */
    readonly connectTimeoutMs: number;
  };
  abstract readonly vault: {
    readonly keys?: Secret;
    readonly activeKeyId?: string;
  };
  abstract readonly bootstrapAdminKey?: Secret;
  abstract readonly refresh: {
    readonly enabled: boolean;
    readonly intervalMs: number;
    readonly batchSize: number;
    readonly concurrency: number;
    readonly leaseSeconds: number;
    readonly minLeadSeconds: number;
    /** First retry delay after a transient failure; doubles per attempt, capped at 5 minutes. */
    readonly retryBaseMs: number;
    /**
     * Lease time kept back for writing an upstream answer: a single-use grant is presented
     * only while the lease covers the upstream timeout plus this, and an answer in hand is
     * retried until the lease's end minus this.
     */
    readonly writeMarginMs: number;
  };
  abstract readonly integrations: {
    /**
     * How often each process re-reads every integration, the safety net behind
     * LISTEN/NOTIFY (a notification lost while its listening connection was down).
     */
    readonly reloadIntervalMs: number;
    /**
     * The environment integration serves every team, so it derives upstream user ids;
     * `verbatim` keeps sending userId as it is (a deployment with one team).
     */
    readonly environmentUserIds: 'derived' | 'verbatim';
  };
  abstract readonly upstream: {
    readonly timeoutMs: number;
    readonly connectTimeoutMs: number;
  };
  abstract readonly events: {
    /** Events older than this are swept from the feed (and their deliveries with them). */
    readonly retentionDays: number;
  };
  abstract readonly audit: {
    /** Whether token reads are audited (every change always is). */
    readonly reads: boolean;
    /**
     * Quiet events (reads, refresh outcomes) are buffered and written in one INSERT at most
     * this often; an admin action is still written in its own transaction.
     */
    readonly flushMs: number;
  };
  abstract readonly webhooks: {
    /** Let webhook URLs be http and reach loopback, private and link-local addresses. */
    readonly allowPrivateNetworks: boolean;
    /** How often a process looks for due deliveries (where the scheduler runs). */
    readonly intervalMs: number;
    /** Deliveries in flight at once per process. */
    readonly concurrency: number;
    /** First retry delay; doubles per attempt (with jitter), capped at an hour. */
    readonly retryBaseMs: number;
    /** A delivery still failing this long after its event is marked failed. */
    readonly retryWindowSeconds: number;
    /** A receiver must answer 2xx within this. */
    readonly timeoutMs: number;
  };
  abstract readonly sandbox: boolean;
  abstract readonly providers: ProvidersConfig;
  /** Not fatal, but worth a line in the start-up log (variable names only, never values). */
  abstract readonly warnings: readonly string[];
}
