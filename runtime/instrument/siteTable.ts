/**
 * The site table of one module: one entry per function-like and per class, in the order the walk
 * meets them (source order, except that a computed key comes before its method), indexed by the `N`
 * the generated code passes to `enter`.
 */
import type * as t from '@babel/types';
import type { Site } from './probeApi';

type Param = t.Node;

/** Collects the identifiers a parameter (or any binding pattern) binds, in source order. */
export function boundNames(params: readonly (Param | null)[], out: string[] = []): string[] {
  for (const param of params) {
    if (!param) continue;
    switch (param.type) {
      case 'Identifier':
        out.push(param.name);
        break;
      case 'AssignmentPattern':
        boundNames([param.left], out);
        break;
      case 'RestElement':
        boundNames([param.argument], out);
        break;
      case 'ArrayPattern':
        boundNames(param.elements, out);
        break;
      case 'ObjectPattern':
        for (const property of param.properties) {
          boundNames([property.type === 'RestElement' ? property : (property.value as Param)], out);
        }
        break;
    }
  }
  return out;
}

/** `Function.length`: the parameters before the first one with a default or the rest parameter. */
export function arityOf(params: readonly Param[]): number {
  let arity = 0;
  for (const param of params) {
    if (param.type === 'AssignmentPattern' || param.type === 'RestElement') break;
    arity++;
  }
  return arity;
}

export class SiteTable {
  readonly sites: Site[] = [];

  /** Adds a site and returns its index. */
  add(site: Omit<Site, 'index'>): number {
    const index = this.sites.length;
    // Fields in the documented order, for whoever reads the table in the generated code.
    const { kind, name, line, column, arity, params, async, generator } = site;
    const entry: Site = {
      index,
      kind,
      name,
      line,
      column,
      arity,
      params,
      async,
      generator,
      static: site.static,
    };
    if (site.className !== undefined) entry.className = site.className;
    if (site.stateMarked) entry.stateMarked = true;
    this.sites.push(entry);
    return index;
  }

  /** The table as JSON (also a valid JavaScript literal since ES2019). */
  toJson(): string {
    return JSON.stringify(this.sites);
  }
}
