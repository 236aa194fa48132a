/**
 * Load-time instrumentation of ES modules: Node's module customization hooks (`module.register`),
 * which run on a loader thread of their own. Each thread registers them with the tracing rules;
 * each selected module's source is rewritten with probes before Node links it. Bundled separately
 * (dist/runtime/esmHooks.mjs) and loaded only when there are rules.
 *
 * Workers do not inherit the main thread's hooks in Node 20: each worker registers them too, and
 * gets a loader thread of its own, whose thread id the runtime hides (capture/threadIds.ts).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Instrumenter from './instrumenter';
import { threadId } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { announceRuntimeThread } from './capture/threadIds';
import type { RuntimeThreadSlot } from './capture/threadIds';
import { fileMatcher } from './traceRules';
import { TransformCache } from './transformCache';

/** What a thread passes to `register`. */
export interface EsmHookData {
  /** A worker's claim in the thread id table: this loader thread writes its id there. */
  thread?: RuntimeThreadSlot;
  trace: string[];
  cwd: string;
  cacheDir: string;
  /** The instrumenter's warnings go back to the registering thread, which records them. */
  warnings: MessagePort;
}

interface LoadResult {
  format?: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: object) => Promise<LoadResult>;

let selected: (filename: string) => boolean = () => false;
let cache: TransformCache | undefined;
let warnings: MessagePort | undefined;
const options = { sourceType: 'module' } as const;

export async function initialize(data: EsmHookData): Promise<void> {
  // First, before anything can fail: threads reading ids wait for it (`register` waits for us).
  if (data.thread) announceRuntimeThread(data.thread, threadId);
  selected = fileMatcher(data.trace, data.cwd);
  cache = data.cacheDir ? new TransformCache(data.cacheDir) : undefined;
  warnings = data.warnings;
}

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (result.format !== 'module' || !url.startsWith('file:') || result.source == null) return result;
  try {
    const filename = fileURLToPath(url);
    if (!selected(filename)) return result;
    const source =
      typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source);
    const key = cache?.key(filename, source, options);
    let transformed = key ? cache?.get(key) : undefined;
    if (transformed === undefined) {
      const out = loadInstrumenter().instrument(source, { filename, ...options });
      transformed = { code: out.code, warnings: out.warnings };
      if (key) cache?.set(key, transformed);
    }
    for (const message of transformed.warnings) warnings?.postMessage(message);
    return { ...result, source: transformed.code };
  } catch {
    // The module runs as written.
    return result;
  }
}

let instrumenter: typeof Instrumenter | undefined;

/** The parser and transform, loaded on the first cache miss. */
function loadInstrumenter(): typeof Instrumenter {
  const url = new URL('./instrumenter.js', import.meta.url);
  return (instrumenter ??= createRequire(url)(fileURLToPath(url)) as typeof Instrumenter);
}
