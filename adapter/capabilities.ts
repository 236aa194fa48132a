/** What the adapter tells the client it supports (the `initialize` answer). */
import type { DebugProtocol } from '@vscode/debugprotocol';

export const CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsConditionalBreakpoints: true,
  supportsHitConditionalBreakpoints: true,
  supportsLogPoints: true,
  supportsEvaluateForHovers: true,
  supportsTerminateRequest: true,
  supportsLoadedSourcesRequest: true,
  exceptionBreakpointFilters: [
    { filter: 'all', label: 'Caught Exceptions', default: false },
    { filter: 'uncaught', label: 'Uncaught Exceptions', default: false },
  ],
};
