const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Escapes text for HTML element content and quoted attribute values alike: `& < > " '`.
 * Every string that reaches the report page goes through this (URLs also through `relativeHref`).
 */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (character) => ENTITIES[character]!)
}

/**
 * A relative path (`media/a b#1.mp4`) as a URL path that a browser resolves to that very file:
 * every segment percent-encoded, so `#`, `?`, `%` and spaces in file names cannot change its meaning.
 */
export function relativeHref(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
}
