/**
 * A copy of `buffer` in memory of its own. Small buffers (a data key, a short ciphertext from
 * pg) are usually views into Node's shared 8 KiB allocation pool; a long-lived cache holding
 * such a view keeps the whole slab alive, so thousands of cached 32-byte keys can pin
 * hundreds of megabytes. Anything a cache keeps goes through here first.
 */
export function standaloneBuffer(buffer: Buffer): Buffer {
  const own = Buffer.allocUnsafeSlow(buffer.length);
  buffer.copy(own);
  return own;
}

/** The same, for an optional column. */
export function standaloneOrNull(buffer: Buffer | null): Buffer | null {
  return buffer === null ? null : standaloneBuffer(buffer);
}
