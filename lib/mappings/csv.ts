/** One record and the 1-based physical line it starts on (for error messages: "line 17"). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A syntax error that makes the rest of the file unreadable (e.g. an unterminated quote). */
export class CsvSyntaxError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`CSV line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
    this.line = line;
  }
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

// Scanner states. Numbers, not strings: the switch runs once per character of a 6 MB file.
const FIELD_START = 0; // after a comma or at the start of a record
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // saw `"` inside quotes: either the first half of `""` or the closing quote

/**
 * RFC 4180 reader over text or byte chunks: a ReadableStream (File/Request body), a Node Readable,
 * an async generator or an array of strings. Drops a UTF-8 BOM at the very start,
 * accepts CRLF, LF and lone CR line ends, quoted fields with commas, `""` and newlines, a chunk
 * boundary anywhere, and a last line without a line end. Skips completely empty lines. Cells are
 * returned as-is. Throws CsvSyntaxError for an unterminated quoted field, a quote inside an
 * unquoted field (`ab"c`) and characters after a closing quote (`"ab"c`).
 */
export async function* parseCsv(source: CsvSource): AsyncGenerator<CsvRecord> {
  // ignoreBOM keeps the BOM in the text so string and byte input drop it in one place.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let state = FIELD_START;
  let line = 1; // the physical line the scanner is on
  let recordLine = 1;
  let quoteLine = 1; // where the open quoted field began, for the "unterminated" error
  let previous = -1; // the last character seen, across chunks: LF after CR ends no extra line
  let cells: string[] = [];
  let carried = ''; // the start of the current field, from earlier chunks
  let atStart = true;

  // Yields each record as soon as it ends, so records before a syntax error still arrive.
  function* scan(text: string): Generator<CsvRecord> {
    let start = 0; // where the current field's unfinished text begins in `text`
    for (let i = 0; i < text.length; i++) {
      if (state === UNQUOTED || state === QUOTED) {
        // Most characters are plain: jump over them without the per-character bookkeeping below.
        const next = skipPlain(text, i);
        if (next > i) previous = -1;
        if (next === text.length) break;
        i = next;
      }
      const c = text.charCodeAt(i);
      const isLineEnd = c === CR || c === LF;
      if (c === CR || (c === LF && previous !== CR)) line++;
      previous = c;

      switch (state) {
        case FIELD_START:
          if (cells.length === 0) {
            if (isLineEnd) continue; // an empty line, or the LF of a CRLF
            recordLine = line;
          }
          if (c === QUOTE) {
            state = QUOTED;
            quoteLine = line;
            start = i + 1;
          } else if (c === COMMA) {
            cells.push('');
          } else if (isLineEnd) {
            cells.push(''); // `a,` ends with an empty cell
            yield endRecord();
          } else {
            state = UNQUOTED;
            start = i;
          }
          break;
        case UNQUOTED:
          if (c === COMMA || isLineEnd) {
            endCell(carried + text.slice(start, i));
            if (isLineEnd) yield endRecord();
          } else if (c === QUOTE) {
            throw new CsvSyntaxError(line, 'a quote inside an unquoted field; put the whole field in quotes and write the quote as ""');
          }
          break;
        case QUOTED:
          if (c === QUOTE) {
            carried += text.slice(start, i);
            state = QUOTE_IN_QUOTED;
          }
          break;
        case QUOTE_IN_QUOTED:
          if (c === QUOTE) {
            state = QUOTED; // `""`: this second quote is a literal one, keep it
            start = i;
          } else if (c === COMMA || isLineEnd) {
            endCell(carried);
            if (isLineEnd) yield endRecord();
          } else {
            throw new CsvSyntaxError(
              line,
              'text after a closing quote; a quoted field must end at a comma or line end, and a quote inside it is written as ""',
            );
          }
          break;
      }
    }
    // Keep only the unfinished field for the next chunk; finished records are already out.
    if (state === UNQUOTED || state === QUOTED) carried += text.slice(start);
  }

  function endCell(value: string): void {
    cells.push(value);
    carried = '';
    state = FIELD_START;
  }

  function endRecord(): CsvRecord {
    const record = { line: recordLine, cells };
    cells = [];
    return record;
  }

  for await (const chunk of chunksOf(source)) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (atStart && text.length > 0) {
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
      atStart = false;
    }
    yield* scan(text);
  }
  yield* scan(decoder.decode()); // bytes of a character cut off at the very end

  if (state === QUOTED) {
    throw new CsvSyntaxError(quoteLine, 'a quoted field is never closed; add the closing quote');
  }
  if (state !== FIELD_START || cells.length > 0) {
    endCell(carried);
    yield endRecord();
  }
}

/** The index of the next comma, quote, CR or LF at or after `from` (text.length if none). */
function skipPlain(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === QUOTE || c === CR || c === LF) break;
  }
  return i;
}

/** Text or byte chunks: a ReadableStream (File/Request body), a Node Readable, a generator, an array. */
export type CsvSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> | ReadableStream<Uint8Array>;

/** Any CsvSource as one kind of iterable. */
export function chunksOf(source: CsvSource): AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> {
  return source instanceof ReadableStream ? readStream(source) : source;
}

// The DOM typings (and older Safari) lack ReadableStream's async iterator, so read it by hand.
async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

// Cells that start with these are formulas to Excel, LibreOffice and Google Sheets (OWASP "CSV injection").
const FORMULA = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^ | $/;

/**
 * One CSV line with CRLF. Neutralises formulas first, then quotes a cell when it contains a comma,
 * quote, CR or LF, or starts/ends with a space, doubling its quotes. null/undefined → empty cell.
 */
export function formatCsvRow(cells: readonly (string | null | undefined)[]): string {
  // A row of one empty cell would be an empty line, which the reader skips: quote it to keep it.
  if (cells.length === 1 && !cells[0]) return '""\r\n';
  return cells.map((cell) => quoteCell(neutraliseFormula(cell ?? ''))).join(',') + '\r\n';
}

function quoteCell(cell: string): string {
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * The writer's neutralisation on its own: a leading apostrophe before = + - @ tab or CR. A cell
 * that already is apostrophes followed by one of those gets one more, so restoreNeutralised can
 * tell it from one we neutralised (`'=x` → `''=x` → `'=x`).
 */
export function neutraliseFormula(cell: string): string {
  return FORMULA.test(cell) ? `'${cell}` : cell;
}

/**
 * The reader side of the round-trip: drops the apostrophe neutraliseFormula added, so export →
 * import is a no-op. For what we wrote this is exact (see neutraliseFormula). For a hand-edited file
 * it drops an apostrophe the admin typed before = + - @ tab or CR, which is safe for our columns: WebEx
 * IDs must start with a letter or digit, display names cannot hold tabs or CRs, and no real e-mail or
 * name starts with `'=`, `'+`, `'-` or `'@`; a spreadsheet treats such a typed apostrophe as the
 * "this is text" marker anyway, so the value without it is what the admin meant.
 */
export function restoreNeutralised(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}
