/**
 * How the extension configures an embedded debug adapter: the runtime bundle shipped in dist/,
 * and the session's live trace as the collector its program reports to. No VS Code dependency,
 * so the same options are tested against the real adapter.
 */
import * as path from 'node:path';
import type { CinescopeSessionOptions } from '../adapter/session';
import type { LiveTrace } from './liveTrace';

export function adapterOptions(extensionPath: string, trace: LiveTrace): CinescopeSessionOptions {
  return {
    preloadPath: path.join(extensionPath, 'dist', 'runtime', 'preload.js'),
    collector: {
      url: trace.collector.url,
      token: trace.collector.token,
      // `cinescope/traceStatus` answers from the live trace while it is in memory.
      stats: () => {
        if (trace.isDisposed) return { events: 0, dropped: 0 };
        const { events, dropped } = trace.sample();
        return { events, dropped };
      },
    },
  };
}
