/**
 * The `@cinescope-state` marker: a comment just before a class asks for its instances' state to be
 * recorded around each of its methods, with no `--state` rule. Being a comment, it changes nothing
 * when the program runs untraced. Accepted places, the comment ending just before:
 *
 *   /** @cinescope-state *\/ class Store {}             (also after `export` or `export default`)
 *   /** @cinescope-state *\/ const Store = class {}     (let, var, or any `a.b =` assignment target,
 *                                                       such as `module.exports = class {}`)
 */
import type * as t from '@babel/types';

const MARKER = /@cinescope-state(?![\w-])/;

/** What may stand between the marker comment and the `class` keyword. */
const GAP =
  /^\s*(?:export\s+(?:default\s+)?|(?:export\s+)?(?:(?:const|let|var)\s+)?[\p{ID_Start}$_][\p{ID_Continue}$.\u200c\u200d]*\s*=\s*)?$/u;

export class StateMarkers {
  /** The comments that carry the marker, in source order (usually none). */
  private readonly marked: readonly t.Comment[];

  constructor(
    comments: readonly t.Comment[] | null | undefined,
    private readonly source: string,
  ) {
    this.marked = (comments ?? []).filter((c) => MARKER.test(c.value));
  }

  /** Whether the class whose `class` keyword is at `start` carries the marker. */
  marks(start: number): boolean {
    let nearest: t.Comment | undefined;
    for (const comment of this.marked) {
      if (comment.end! > start) break;
      nearest = comment;
    }
    return nearest !== undefined && GAP.test(this.source.slice(nearest.end!, start));
  }
}
