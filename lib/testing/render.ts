import type { ReactNode } from 'react';
import { renderToReadableStream } from 'react-dom/server';

/**
 * For tests: a page's HTML as the server renders it, async components included, so a test can
 * check what the page shows (without the `<!-- -->` React puts between adjacent texts). Call the
 * page function, then render what it returns.
 */
export async function renderToHtml(node: ReactNode): Promise<string> {
  const stream = await renderToReadableStream(node);
  await stream.allReady;
  return (await new Response(stream).text()).replaceAll('<!-- -->', '');
}
