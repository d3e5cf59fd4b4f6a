/** Escaping for text placed in HTML and SVG (both XML-like for our purposes). */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (character) => {
    switch (character) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });
}
