/**
 * Correlation ids link a message's receive to its send. Both sides compute the same id from what
 * both know — the channel and the message's position on it, or the message's encoded bytes — so
 * nothing is added to the message the program receives. Ids are 53-bit hashes (two 32-bit FNV-1a
 * lanes), never 0.
 */

const PRIME_A = 0x01000193;
const PRIME_B = 0x5bd1e995;

/** A hash in progress: hash a channel's key once, then each position on it cheaply. */
export interface HashState {
  readonly a: number;
  readonly b: number;
}

/** Hashes a string (its UTF-16 code units). */
export function hashText(text: string): HashState {
  let a = 0x811c9dc5;
  let b = PRIME_A ^ PRIME_B;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, PRIME_A);
    b = Math.imul(b ^ c, PRIME_B);
  }
  return { a, b };
}

/** The id of position `seq` (an integer < 2^53) on the channel whose key hashed to `state`. */
export function correlationAt(state: HashState, seq: number): number {
  let { a, b } = state;
  const low = seq >>> 0;
  const high = Math.floor(seq / 0x100000000);
  for (let shift = 0; shift < 32; shift += 8) {
    a = Math.imul(a ^ ((low >>> shift) & 0xff), PRIME_A);
    b = Math.imul(b ^ ((low >>> shift) & 0xff), PRIME_B);
  }
  for (let shift = 0; shift < 24; shift += 8) {
    a = Math.imul(a ^ ((high >>> shift) & 0xff), PRIME_A);
    b = Math.imul(b ^ ((high >>> shift) & 0xff), PRIME_B);
  }
  return finish(a, b);
}

/** The id of a message from its encoded bytes, salted with its channel. */
export function correlationOfBytes(salt: string, bytes: Uint8Array, length: number): number {
  let { a, b } = hashText(salt);
  for (let i = 0; i < length; i++) {
    a = Math.imul(a ^ bytes[i], PRIME_A);
    b = Math.imul(b ^ bytes[i], PRIME_B);
  }
  return finish(a, b);
}

function finish(a: number, b: number): number {
  const id = ((a >>> 0) & 0x1fffff) * 0x100000000 + (b >>> 0);
  return id === 0 ? 1 : id;
}
