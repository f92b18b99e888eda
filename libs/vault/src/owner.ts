/** Who a credential belongs to: one user of one team. */
export interface Owner {
  readonly team: string;
  readonly userId: string;
}

/** Keyhouse's own app-level tokens (e.g. the MyDataHelps service token) belong to this team, which API client teams cannot name. */
export const SYSTEM_TEAM = '~keyhouse';
