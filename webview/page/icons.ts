/**
 * Codicons, VS Code's icon font (dist/webview/codicon.css and codicon.ttf, from @vscode/codicons),
 * so the page looks like the rest of the editor and in a browser as well. A glyph is decoration:
 * hidden from screen readers, with the control's words in its label or beside it.
 */
/** The glyphs the page uses, so a misspelt name fails to compile rather than draw nothing. */
export type IconName =
  | 'zoom-in'
  | 'zoom-out'
  | 'screen-full'
  | 'symbol-method'
  | 'error'
  | 'arrow-left'
  | 'arrow-right'
  | 'diff'
  | 'symbol-variable'
  | 'json'
  | 'history';

export function icon(name: IconName): HTMLElement {
  const span = document.createElement('span');
  span.className = `codicon codicon-${name}`;
  span.setAttribute('aria-hidden', 'true');
  return span;
}
