/**
 * Correlation ids link a message's receive to its send. Both sides compute the same id from what
 * both know — the channel and the message's position on it, or the message's encoded bytes — so
 * nothing is added to the message the program receives.
 */

/** A 53-bit hash of a string (two 32-bit FNV-1a lanes), never 0. */
export function correlationOf(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return finish(a, b);
}

/** A 53-bit hash of bytes, salted with a string, never 0. */
export function correlationOfBytes(salt: string, bytes: Uint8Array, length: number): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < salt.length; i++) {
    const c = salt.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  for (let i = 0; i < length; i++) {
    a = Math.imul(a ^ bytes[i], 0x01000193);
    b = Math.imul(b ^ bytes[i], 0x5bd1e995);
  }
  return finish(a, b);
}

function finish(a: number, b: number): number {
  const id = ((a >>> 0) & 0x1fffff) * 0x100000000 + (b >>> 0);
  return id === 0 ? 1 : id;
}
