/** Text for HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * JSON safe inside <script type="application/json">: '<', '>' and '&' become
 * \\u escapes, so no '</script>' or '<!--' in the data can end the element
 * early; U+2028/2029 are escaped for older JS parsers. JSON.parse gives back
 * the exact value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Code for an inline <script>: refuses text that would end the element or open an HTML comment in it. */
export function inlineScript(code: string, what: string): string {
  const bad = /<\/script|<!--/i.exec(code);
  if (bad) throw new Error(`${what} contains '${bad[0]}' and cannot be inlined in a <script> element`);
  return code;
}
