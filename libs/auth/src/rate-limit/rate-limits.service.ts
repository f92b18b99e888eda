import { KeyhouseConfig } from '@keyhouse/config';
import { MetricsRegistry } from '@keyhouse/observability';
import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AuthError, AuthErrorCode } from '../auth.errors';

const WINDOW_SECONDS = 60;

/** A client's budget after this request, as sent in the RateLimit-* headers. */
export interface ClientBudget {
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the budget is whole again. */
  readonly resetSeconds: number;
  readonly exceeded: boolean;
}

/**
 * The two budgets: requests per API client, failed authentications per source address,
 * each per minute and per process. Counters live in memory (rate-limiter-flexible), so the
 * request path gains no database or network round trip; with N gateway processes, a client
 * may make up to N times its budget, which the README states.
 */
@Injectable()
export class RateLimitsService {
  private readonly perClient: RateLimiterMemory;
  private readonly authFailures: RateLimiterMemory;
  /** Refusals by budget, so operators see guessing (auth_failures) or a greedy client. */
  private readonly refused: Counter<'budget'>;

  constructor(
    private readonly config: KeyhouseConfig,
    metrics: MetricsRegistry,
  ) {
    this.refused = new Counter({
      name: 'keyhouse_rate_limited_total',
      help: 'Requests refused with 429, by budget (client, auth_failures)',
      labelNames: ['budget'],
      registers: [metrics.registry],
    });
    this.perClient = new RateLimiterMemory({
      keyPrefix: 'client',
      points: config.rateLimit.perMinute,
      duration: WINDOW_SECONDS,
    });
    this.authFailures = new RateLimiterMemory({
      keyPrefix: 'auth-failure',
      points: config.rateLimit.authFailuresPerMinute,
      duration: WINDOW_SECONDS,
    });
  }

  /**
   * Refuses an address that has spent its failure budget, before its key is looked up: a
   * guesser learns nothing more, whatever key it sends, until the window has passed.
   */
  async assertAddressMayAuthenticate(address: string): Promise<void> {
    const state = await this.authFailures.get(address);
    if (state && state.consumedPoints >= this.config.rateLimit.authFailuresPerMinute) {
      this.refused.inc({ budget: 'auth_failures' });
      throw new AuthError(
        AuthErrorCode.TooManyFailures,
        'Too many failed authentications from this address; retry later',
        { retryAfterSeconds: secondsOf(state.msBeforeNext) },
      );
    }
  }

  async recordAuthFailure(address: string): Promise<void> {
    await this.authFailures.penalty(address, 1);
  }

  async consume(clientId: string): Promise<ClientBudget> {
    const limit = this.config.rateLimit.perMinute;
    try {
      return budgetOf(limit, await this.perClient.consume(clientId, 1), false);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        this.refused.inc({ budget: 'client' });
        return budgetOf(limit, error, true);
      }
      throw error;
    }
  }
}

function budgetOf(limit: number, state: RateLimiterRes, exceeded: boolean): ClientBudget {
  return {
    limit,
    remaining: Math.max(0, state.remainingPoints),
    resetSeconds: secondsOf(state.msBeforeNext),
    exceeded,
  };
}

function secondsOf(milliseconds: number): number {
  return Math.max(1, Math.ceil(milliseconds / 1_000));
}
