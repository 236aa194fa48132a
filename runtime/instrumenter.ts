/**
 * The instrumenter as its own bundle (dist/runtime/instrumenter.js): the load hooks require it only
 * when the transform cache misses, so a cached run never loads the parser.
 */
export { instrument } from './instrument/instrument';
