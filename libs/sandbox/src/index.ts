export type {
  FakeOptions,
  FakeRequest,
  FakeResponse,
  HttpMethod,
  RecordedRequest,
  Route,
} from './common/fake-http';
export { secretsMatch } from './common/constant-time';
export { hasContentType, parseJsonObject } from './common/request-body';
export { FakeServer } from './common/fake-server';
export type { FailNextOptions, HangNextOptions } from './common/fault-injector';
export {
  FakeTpaStream,
  type FakeTpaStreamOptions,
  TPA_STREAM_CONNECT_TOKEN_PATH,
  type TpaConnectTokenClaims,
} from './tpa-stream/fake-tpa-stream';
export { FakeStreamChat, type FakeStreamChatOptions } from './stream-chat/fake-stream-chat';
export { StreamChatCode } from './stream-chat/stream-chat-errors';
export {
  DELEGATED_PARTICIPANT_CLIENT_IDS,
  FakeMyDataHelps,
  type FakeMyDataHelpsOptions,
  MYDATAHELPS_TOKEN_PATH,
  type MyDataHelpsGrant,
  type OAuthErrorCode,
  type RateLimitOptions,
} from './mydatahelps/fake-mydatahelps';
export {
  JWT_BEARER_ASSERTION_TYPE,
  MAX_ASSERTION_LIFETIME_SECONDS,
} from './mydatahelps/client-assertion';
export {
  type ConnectAccountOptions,
  FakeMesh,
  type FakeMeshOptions,
  MESH_ACCOUNT_PATH,
  MESH_LINK_TOKEN_LIFETIME_SECONDS,
  MESH_LINK_TOKEN_PATH,
  MESH_REFRESH_PATH,
  MESH_SANDBOX_LINK_PATH,
  MESH_SANDBOX_MFA_CODE,
} from './mesh/fake-mesh';
export type { AnswerStyle } from './mesh/mesh-connections';
export type {
  DelayedAuthPayload,
  IntegrationConnectedPayload,
  LinkPayload,
  MeshAccount,
  MeshAccountToken,
  MeshBrokerAccountToken,
  MeshBrokerBrandInfo,
  MeshRefreshContent,
} from './mesh/mesh-payloads';
export {
  API_STREAM_TOKEN_PATH,
  type ApiStreamClaims,
  FakeApiStream,
  type FakeApiStreamOptions,
} from './api-stream/fake-api-stream';
export {
  API_STREAM_ROLES,
  type ApiStreamRole,
  DEFAULT_MAX_DURATION_MS,
} from './api-stream/create-token-request';
export { GrpcCode } from './api-stream/grpc-status';
export { type SandboxFake, type StartedFake, startFake } from './sandbox-fake';
