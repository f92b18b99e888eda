import { performance } from 'node:perf_hooks';
import type { FakeOptions, FakeRequest, FakeResponse, Route } from '../common/fake-http';
import { FakeServer } from '../common/fake-server';
import {
  hasContentType,
  isJsonObject,
  isNonEmptyString,
  type JsonObject,
  parseJsonObject,
  unknownKeys,
} from '../common/request-body';
import { Revocations } from './revocations';
import { checkServerAuth } from './server-token';
import { codeForStatus, StreamChatCode, streamChatError } from './stream-chat-errors';

export interface FakeStreamChatOptions extends FakeOptions {
  readonly apiKey?: string;
  readonly apiSecret?: string;
}

const REVOKE_FIELD = 'revoke_tokens_issued_before';
// RFC 3339, which is what Stream's Go backend parses.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_USERS_PER_CALL = 100;

type Revocation =
  { readonly ok: true; readonly before: number | undefined } | { readonly ok: false };

/**
 * Stream Chat's REST API: the two revocation calls, and `GET /app` (the app's settings,
 * which Keyhouse's integration check reads). User tokens are signed locally by
 * the gateway; isUserTokenValid() tells whether Stream would still accept one.
 */
export class FakeStreamChat extends FakeServer {
  readonly apiKey: string;
  readonly apiSecret: string;
  userUpdateCount = 0;
  appUpdateCount = 0;
  appReadCount = 0;
  private readonly revocations = new Revocations();

  constructor(options: FakeStreamChatOptions = {}) {
    super('FakeStreamChat', options);
    this.apiKey = options.apiKey ?? 'sandbox-stream-chat-key';
    this.apiSecret = options.apiSecret ?? 'sandbox-stream-chat-secret-0123456789abcdef';
  }

  isUserTokenValid(token: string): boolean {
    return this.revocations.isUserTokenValid(token, this.apiSecret, this.nowSeconds());
  }

  userRevokedBefore(userId: string): Date | undefined {
    const before = this.revocations.userRevokedBefore(userId);
    return before === undefined ? undefined : new Date(before);
  }

  appRevokedBefore(): Date | undefined {
    const before = this.revocations.appRevokedBefore();
    return before === undefined ? undefined : new Date(before);
  }

  protected override routes(): readonly Route[] {
    return [
      {
        path: '/users',
        methods: { PATCH: (r) => this.authenticated(r, (body, t) => this.updateUsers(body, t)) },
      },
      {
        path: '/app',
        methods: {
          GET: (r) => this.readApp(r),
          PATCH: (r) => this.authenticated(r, (body, t) => this.updateApp(body, t)),
        },
      },
    ];
  }

  protected override errorResponse(status: number, message: string): FakeResponse {
    return streamChatError(status, codeForStatus(status), message);
  }

  protected override resetCounters(): void {
    this.userUpdateCount = 0;
    this.appUpdateCount = 0;
    this.appReadCount = 0;
  }

  /** GET /app: a server token and the API key, no body; answers a few of the app's settings. */
  private readApp(request: FakeRequest): FakeResponse {
    const started = performance.now();
    const refused = checkServerAuth(request, {
      apiKey: this.apiKey,
      apiSecret: this.apiSecret,
      nowSeconds: this.nowSeconds(),
    });
    if (refused !== undefined) {
      return refused;
    }
    this.appReadCount += 1;
    const before = this.appRevokedBefore();
    return {
      status: 200,
      json: {
        app: {
          name: 'sandbox',
          [REVOKE_FIELD]: before === undefined ? null : before.toISOString(),
        },
        duration: duration(started),
      },
    };
  }

  private authenticated(
    request: FakeRequest,
    handler: (body: JsonObject, started: number) => FakeResponse,
  ): FakeResponse {
    const started = performance.now();
    const refused = checkServerAuth(request, {
      apiKey: this.apiKey,
      apiSecret: this.apiSecret,
      nowSeconds: this.nowSeconds(),
    });
    if (refused !== undefined) {
      return refused;
    }
    if (!hasContentType(request, 'application/json')) {
      return streamChatError(415, StreamChatCode.Input, 'Content-Type must be application/json');
    }
    const body = parseJsonObject(request.rawBody);
    if (body === undefined) {
      return inputError('request body is not a JSON object');
    }
    return handler(body, started);
  }

  private updateUsers(body: JsonObject, started: number): FakeResponse {
    const users = body.users;
    if (unknownKeys(body, ['users']).length > 0 || !Array.isArray(users)) {
      return inputError('"users" is required and must be the only field');
    }
    if (users.length === 0 || users.length > MAX_USERS_PER_CALL) {
      return inputError(`"users" must hold 1 to ${MAX_USERS_PER_CALL} updates`);
    }
    const updates: { id: string; before: number | undefined }[] = [];
    for (const entry of users as unknown[]) {
      const update = isJsonObject(entry) ? entry : {};
      const set = update.set;
      if (
        unknownKeys(update, ['id', 'set']).length > 0 ||
        !isNonEmptyString(update.id) ||
        !isJsonObject(set) ||
        unknownKeys(set, [REVOKE_FIELD]).length > 0
      ) {
        return inputError(`each update must be {"id", "set": {"${REVOKE_FIELD}"}}`);
      }
      const revocation = readRevocation(set);
      if (!revocation.ok) {
        return inputError(`${REVOKE_FIELD} must be an RFC 3339 date or null`);
      }
      updates.push({ id: update.id, before: revocation.before });
    }
    const answer: Record<string, { id: string; revoke_tokens_issued_before: string | null }> = {};
    for (const { id, before } of updates) {
      this.revocations.setUser(id, before);
      answer[id] = {
        id,
        [REVOKE_FIELD]: before === undefined ? null : new Date(before).toISOString(),
      };
    }
    this.userUpdateCount += 1;
    return { status: 200, json: { users: answer, duration: duration(started) } };
  }

  private updateApp(body: JsonObject, started: number): FakeResponse {
    const revocation = readRevocation(body);
    if (unknownKeys(body, [REVOKE_FIELD]).length > 0 || !revocation.ok) {
      return inputError(`the body must be {"${REVOKE_FIELD}": <RFC 3339 date> | null}`);
    }
    this.revocations.setApp(revocation.before);
    this.appUpdateCount += 1;
    return { status: 200, json: { duration: duration(started) } };
  }
}

/** The revocation instant in `holder`; the field must be present (null clears it). */
function readRevocation(holder: JsonObject): Revocation {
  const value = holder[REVOKE_FIELD];
  if (value === null) {
    return { ok: true, before: undefined };
  }
  if (typeof value !== 'string' || !ISO_8601.test(value) || Number.isNaN(Date.parse(value))) {
    return { ok: false };
  }
  return { ok: true, before: Date.parse(value) };
}

function inputError(message: string): FakeResponse {
  return streamChatError(400, StreamChatCode.Input, message);
}

function duration(started: number): string {
  return `${(performance.now() - started).toFixed(2)}ms`;
}
