/**
 * What WebEx never sends, refused before any field is read: a DOCTYPE (internal subset or
 * external), entity declarations, entity references other than the five predefined ones and
 * numeric character references, processing instructions other than the XML declaration, and a
 * second root. fast-xml-parser's validator accepts all of these and its parser expands internal
 * entities, so an answer with `<!ENTITY t "…">` and `<ticket>&t;</ticket>` would otherwise hand us
 * a "ticket" of someone else's choosing.
 */

const PREDEFINED_OR_NUMERIC = /^&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/;
const XML_DECLARATION = /^<\?xml[\s?]/;
/** Truncation is not hostility: an unterminated construct is left to the validator, which refuses it as malformed. */
const TRUNCATED = undefined;
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;

/** Why an answer is refused, or undefined when it holds only plain XML. */
export function findUnsafeXml(xml: string): string | undefined {
  let roots = 0;
  let depth = 0;
  let i = 0;
  const at = (prefix: string) => xml.startsWith(prefix, i);
  const skipPast = (end: string): boolean => {
    const found = xml.indexOf(end, i);
    if (found < 0) return false;
    i = found + end.length;
    return true;
  };

  while (i < xml.length) {
    const ch = xml[i];
    if (ch === '&') {
      if (!PREDEFINED_OR_NUMERIC.test(xml.slice(i, i + 12))) return 'an entity reference other than the predefined ones';
      i += 1;
      continue;
    }
    if (ch !== '<') {
      i += 1;
      continue;
    }
    if (at('<!--')) {
      if (!skipPast('-->')) return TRUNCATED;
      continue;
    }
    if (at('<![CDATA[')) {
      if (depth === 0) return 'character data outside the root';
      if (!skipPast(']]>')) return TRUNCATED;
      continue;
    }
    if (at('<!')) return 'a DOCTYPE or other declaration';
    if (at('<?')) {
      if (i !== 0 || !XML_DECLARATION.test(xml)) return 'a processing instruction';
      if (!skipPast('?>')) return TRUNCATED;
      continue;
    }
    if (at('</')) {
      if (!skipPast('>')) return TRUNCATED;
      depth -= 1;
      continue;
    }
    if (!NAME_START.test(xml[i + 1] ?? '')) return 'a stray "<"';
    // a start tag: find its end outside quoted attribute values
    let quote: string | undefined;
    let j = i + 1;
    for (; j < xml.length; j += 1) {
      const c = xml[j];
      if (quote) {
        if (c === quote) quote = undefined;
        else if (c === '&' && !PREDEFINED_OR_NUMERIC.test(xml.slice(j, j + 12))) return 'an entity reference other than the predefined ones';
        else if (c === '<') return 'a "<" inside an attribute value';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    if (j >= xml.length) return TRUNCATED;
    const selfClosing = xml[j - 1] === '/';
    if (depth === 0) roots += 1;
    if (roots > 1) return 'more than one root element';
    if (!selfClosing) depth += 1;
    i = j + 1;
  }
  return undefined;
}
