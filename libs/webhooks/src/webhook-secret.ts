import { randomBytes } from 'node:crypto';

const SECRET_BYTES = 32;

/** A Standard Webhooks signing secret: `whsec_` and the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** After a rotation, deliveries carry a signature with the previous secret for this long. */
export const PREVIOUS_SECRET_LIFETIME_SECONDS = 24 * 3_600;
