/** HTML that is already markup: the only thing `html` puts into a page without escaping it. */
export class Markup {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

function fill(value: unknown): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(fill).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every value it is given (text and attribute values alike), unless
 * the value is Markup made by `html` itself: everything from a log reaches the page as text.
 * Arrays are joined; undefined, null and false leave nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let text = strings[0];
  values.forEach((value, i) => {
    text += fill(value) + strings[i + 1];
  });
  return new Markup(text);
}
