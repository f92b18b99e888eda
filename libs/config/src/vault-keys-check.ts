const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const KEY_BYTES = 32;

/**
 * What is wrong with VAULT_KEYS (and VAULT_ACTIVE_KEY), one message per cause, so an
 * operator knows which entry to fix and how. A message may name a key id (ids are labels,
 * and only well-formed ones are quoted) but never a key or any part of one.
 */
export function vaultKeysProblems(source: string | undefined, activeKeyId?: string): string[] {
  if (source === undefined) {
    return [];
  }
  const problems: string[] = [];
  const ids = new Set<string>();
  source.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const where = `VAULT_KEYS entry ${index + 1}`;
    if (entry === '') {
      problems.push(`${where} is empty (a stray comma?); write id:base64(32 bytes)`);
      return;
    }
    const separator = entry.indexOf(':');
    if (separator < 0) {
      problems.push(`${where} has no "id:" before its key; write id:base64(32 bytes)`);
      return;
    }
    const id = entry.slice(0, separator);
    const key = entry.slice(separator + 1);
    if (!KEY_ID.test(id)) {
      problems.push(`${where}: the id must be 1-64 letters, digits, ".", "_" or "-"`);
      return;
    }
    if (ids.has(id)) {
      problems.push(`VAULT_KEYS lists the key id "${id}" twice; each id must be unique`);
      return;
    }
    ids.add(id);
    if (key === '' || !BASE64.test(key) || key.length % 4 !== 0) {
      problems.push(`VAULT_KEYS key "${id}" is not valid base64 (standard alphabet, padded)`);
      return;
    }
    const length = Buffer.from(key, 'base64').length;
    if (length !== KEY_BYTES) {
      problems.push(
        `VAULT_KEYS key "${id}" is ${length} bytes; it must be ${KEY_BYTES} (openssl rand -base64 32)`,
      );
    }
  });
  if (activeKeyId !== undefined && problems.length === 0 && !ids.has(activeKeyId)) {
    problems.push(`VAULT_ACTIVE_KEY "${activeKeyId}" is not one of the ids in VAULT_KEYS`);
  }
  return problems;
}
