import { KeyhouseConfig } from '@keyhouse/config';
import { MetricsRegistry } from '@keyhouse/observability';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { Agent, errors, request, RetryAgent } from 'undici';
import { providerErrors } from '../provider.errors';
import { CallDeadline } from './call-deadline';
import { pathOf } from './url-path';

export interface UpstreamRequest {
  readonly provider: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  readonly form?: Record<string, string>;
  /**
   * True only when sending the request twice is harmless (it mints a fresh token and
   * consumes nothing). Then transient failures are retried here; a refresh that presents a
   * single-use refresh token is never retried at this level.
   */
  readonly idempotent: boolean;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

// 429 is not retried here: providers' limits are per minute or per hour (MyDataHelps), so
// a retry a second later only spends quota; the caller gets 503 with the upstream's Retry-After.
const RETRYABLE_STATUSES = [500, 502, 503, 504];

/**
 * The one HTTP client for every upstream (undici): connect and total timeouts, retries with
 * exponential backoff and jitter for idempotent calls only, and metrics per provider. It
 * returns every HTTP answer for the provider to classify; only failures to get an answer at
 * all (network, timeout, retries exhausted) are thrown, as `upstream_unavailable`.
 * Logs carry provider, method, path and status: never headers, bodies or query strings.
 */
@Injectable()
export class UpstreamHttp implements OnApplicationShutdown {
  private readonly logger = new Logger('Upstream');
  private readonly agent: Agent;
  private readonly retrying: RetryAgent;
  private readonly timeoutMs: number;
  private readonly duration: Histogram<'provider' | 'outcome'>;

  constructor(config: KeyhouseConfig, metrics: MetricsRegistry) {
    this.timeoutMs = config.upstream.timeoutMs;
    this.agent = new Agent({
      connect: { timeout: config.upstream.connectTimeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 10_000,
    });
    this.retrying = new RetryAgent(this.agent, {
      maxRetries: 2,
      minTimeout: 100,
      maxTimeout: 1_000,
      timeoutFactor: 3,
      methods: ['GET', 'POST', 'PUT', 'PATCH'],
      statusCodes: RETRYABLE_STATUSES,
    });
    this.duration = new Histogram({
      name: 'keyhouse_upstream_request_duration_seconds',
      help: 'Upstream HTTP calls by provider and outcome (status class, timeout, network)',
      labelNames: ['provider', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }

  async send(call: UpstreamRequest): Promise<UpstreamResponse> {
    const started = performance.now();
    const errorsOf = providerErrors(call.provider);
    const { body, contentType } = encodeBody(call);
    const deadline = new CallDeadline(this.timeoutMs * (call.idempotent ? 3 : 1));
    try {
      const response = await request(call.url, {
        method: call.method,
        dispatcher: call.idempotent ? this.retrying : this.agent,
        headers: {
          ...call.headers,
          ...(contentType ? { 'content-type': contentType } : {}),
          accept: 'application/json',
        },
        body,
        signal: deadline.signal,
      });
      const text = await response.body.text();
      this.observe(
        call,
        started,
        `${Math.floor(response.statusCode / 100)}xx`,
        response.statusCode,
      );
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      if (error instanceof errors.RequestRetryError) {
        this.observe(call, started, 'retries_exhausted', error.statusCode);
        return {
          status: error.statusCode,
          headers: error.headers ?? {},
          text: '',
        };
      }
      const outcome = isTimeout(error) ? 'timeout' : 'network';
      this.observe(call, started, outcome);
      throw errorsOf.unavailable(outcome, undefined, error);
    } finally {
      deadline.clear();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  private observe(call: UpstreamRequest, started: number, outcome: string, status?: number): void {
    const seconds = (performance.now() - started) / 1_000;
    this.duration.observe({ provider: call.provider, outcome }, seconds);
    this.logger.debug(
      {
        provider: call.provider,
        method: call.method,
        path: pathOf(call.url),
        status,
        outcome,
        ms: Math.round(seconds * 1_000),
      },
      'upstream call',
    );
  }
}

function encodeBody(call: UpstreamRequest): { body?: string; contentType?: string } {
  if (call.form) {
    return {
      body: new URLSearchParams(call.form).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  }
  if (call.json !== undefined) {
    return { body: JSON.stringify(call.json), contentType: 'application/json' };
  }
  return {};
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** By code and name, not instanceof: the error may come from another copy of undici or be a DOMException. */
function isTimeout(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return (
    (typeof code === 'string' && TIMEOUT_CODES.has(code)) ||
    name === 'TimeoutError' ||
    name === 'AbortError'
  );
}
