export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A JS string literal that is also safe inside an HTML <script> element. */
export function scriptStringLiteral(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderPage(title: string, bodyHtml: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>${bodyHtml}</body></html>
`;
}

/**
 * How real p.php sends the browser on: HTTP 200 with a script setting location.href, not a 3xx
 * [docs/webex.md §7.5]. Automated clients read the target from `location.href="…"`.
 */
export function renderRedirectPage(target: string): string {
  return renderPage(
    'WebEx',
    `<script>location.href=${scriptStringLiteral(target)};</script>` + `<noscript><p><a href="${escapeHtml(target)}">Continue</a></p></noscript>`,
  );
}
