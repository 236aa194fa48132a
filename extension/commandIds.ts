/**
 * The extension's command ids, as contributed in package.json. Stable: the end-to-end tests and
 * users' keybindings call them. No VS Code dependency.
 */
export const Commands = {
  toggleTracePoint: 'cinescope.toggleTracePoint',
  clearTracePoints: 'cinescope.clearTracePoints',
  toggleFunctionTracing: 'cinescope.toggleFunctionTracing',
  showTimeline: 'cinescope.showTimeline',
  saveTrace: 'cinescope.saveTrace',
  openTraceFile: 'cinescope.openTraceFile',
  showTraceSummary: 'cinescope.showTraceSummary',
} as const;

/** The timeline's webview panel type (serializer and activation event). */
export const TIMELINE_VIEW_TYPE = 'cinescope.timeline';
/** The custom editor that opens `.cinescope` trace files as a timeline. */
export const TRACE_EDITOR_VIEW_TYPE = 'cinescope.traceFile';
