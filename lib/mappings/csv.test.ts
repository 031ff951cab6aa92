import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, formatCsvRow, neutraliseFormula, parseCsv, restoreNeutralised, type CsvRecord } from './csv';

async function read(source: Parameters<typeof parseCsv>[0]): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of parseCsv(source)) records.push(record);
  return records;
}

/** Reads until the syntax error and returns it with the records that came before it. */
async function readError(source: Parameters<typeof parseCsv>[0]): Promise<{ error: CsvSyntaxError; records: CsvRecord[] }> {
  const records: CsvRecord[] = [];
  try {
    for await (const record of parseCsv(source)) records.push(record);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { error, records };
    throw error;
  }
  throw new Error('expected a CsvSyntaxError');
}

const bytes = (text: string) => new TextEncoder().encode(text);
const rows = (records: CsvRecord[]) => records.map((r) => r.cells);

// BOM, every line end, an empty line, quoted comma/quote/CRLF, a 2- and a 4-byte character and no final line end.
const TRICKY = '\uFEFFemail,webex_id,display_name\r\n' + '"a,b","say ""hi""","multi\r\nline"\r\n' + '\r\n' + 'x,,z\r' + 'é,😀,"q"\n' + '\n' + 'last,"",end';
const TRICKY_RECORDS: CsvRecord[] = [
  { line: 1, cells: ['email', 'webex_id', 'display_name'] },
  { line: 2, cells: ['a,b', 'say "hi"', 'multi\r\nline'] },
  { line: 5, cells: ['x', '', 'z'] },
  { line: 6, cells: ['é', '😀', 'q'] },
  { line: 8, cells: ['last', '', 'end'] },
];

describe('parseCsv', () => {
  it('reads the tricky sample in one chunk', async () => {
    expect(await read([TRICKY])).toEqual(TRICKY_RECORDS);
  });

  it('drops a BOM at the very start only', async () => {
    expect(rows(await read(['\uFEFFa,b\n']))).toEqual([['a', 'b']]);
    expect(rows(await read([bytes('\uFEFFa,b\n')]))).toEqual([['a', 'b']]);
    expect(rows(await read([new Uint8Array([0xef]), new Uint8Array([0xbb, 0xbf, 0x61])]))).toEqual([['a']]);
    expect(rows(await read(['', '\uFEFFa']))).toEqual([['a']]);
    // A BOM anywhere else is data.
    expect(rows(await read(['a\n\uFEFFb']))).toEqual([['a'], ['\uFEFFb']]);
  });

  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
    ['CR', '\r'],
  ])('reads %s line ends and counts lines', async (_name, end) => {
    const records = await read([`a,b${end}c,d${end}${end}e,f${end}`]);
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['c', 'd'] },
      { line: 4, cells: ['e', 'f'] },
    ]);
  });

  it('reads mixed line ends, counting CRLF as one line end and LF CR as two', async () => {
    const records = await read(['a\r\nb\n\rc\r\r\nd']);
    expect(records).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: ['b'] },
      { line: 4, cells: ['c'] },
      { line: 6, cells: ['d'] },
    ]);
  });

  it('skips empty lines but keeps lines of empty cells', async () => {
    const records = await read(['\n\na\n\n\n,\n""\n \n']);
    expect(records).toEqual([
      { line: 3, cells: ['a'] },
      { line: 6, cells: ['', ''] },
      { line: 7, cells: [''] },
      { line: 8, cells: [' '] },
    ]);
  });

  it('reads quoted commas, doubled quotes and embedded newlines, counting the lines inside', async () => {
    const text = '"a,b","""","x""y"\r\n"1\r\n2\n3\r4\n5",next\r\nafter,"",""""""';
    const expected = [
      { line: 1, cells: ['a,b', '"', 'x"y'] },
      { line: 2, cells: ['1\r\n2\n3\r4\n5', 'next'] },
      { line: 7, cells: ['after', '', '""'] },
    ];
    expect(await read([text])).toEqual(expected);
    // One character at a time: a CR and an LF separated by text inside quotes are two line ends.
    expect(await read(text.split(''))).toEqual(expected);
  });

  it('reads a last line without a line end, including a trailing empty cell', async () => {
    expect(rows(await read(['a,b\nc,d']))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(rows(await read(['a,']))).toEqual([['a', '']]);
    expect(rows(await read(['"q"']))).toEqual([['q']]);
    expect(await read([])).toEqual([]);
    expect(await read(['', '\r\n', ''])).toEqual([]);
  });

  it('returns cells as-is: no trimming, no formula handling', async () => {
    expect(rows(await read([" a , b ,=1+1,'=x\n"]))).toEqual([[' a ', ' b ', '=1+1', "'=x"]]);
  });

  it('gives the same records for a split into 2 string chunks at every position', async () => {
    for (let i = 0; i <= TRICKY.length; i++) {
      expect(await read([TRICKY.slice(0, i), TRICKY.slice(i)]), `split at ${i}`).toEqual(TRICKY_RECORDS);
    }
  });

  it('gives the same records for 1-character string chunks', async () => {
    expect(await read([...TRICKY.split('')])).toEqual(TRICKY_RECORDS);
  });

  it('gives the same records for byte chunks split at every byte, inside é and 😀 too', async () => {
    const data = bytes(TRICKY);
    for (let i = 0; i <= data.length; i++) {
      expect(await read([data.subarray(0, i), data.subarray(i)]), `split at byte ${i}`).toEqual(TRICKY_RECORDS);
    }
    expect(await read([...data].map((b) => new Uint8Array([b])))).toEqual(TRICKY_RECORDS);
  });

  it('reads a ReadableStream, a Node Readable and an async generator', async () => {
    expect(await read(new Blob([bytes(TRICKY)]).stream())).toEqual(TRICKY_RECORDS);
    expect(await read(new Response(TRICKY).body!)).toEqual(TRICKY_RECORDS);
    expect(await read(Readable.from([Buffer.from(TRICKY)]))).toEqual(TRICKY_RECORDS);
    async function* chunks() {
      yield TRICKY.slice(0, 40);
      yield bytes(TRICKY.slice(40));
    }
    expect(await read(chunks())).toEqual(TRICKY_RECORDS);
  });

  it('decodes a character cut off at the very end as U+FFFD instead of dropping it', async () => {
    expect(rows(await read([bytes('a,é').subarray(0, 3)]))).toEqual([['a', '\uFFFD']]);
  });

  it('throws for an unterminated quoted field, with the line the quote opened on', async () => {
    const { error, records } = await readError(['a,b\r\nc,"open\r\nstill open\r\n']);
    expect(error.line).toBe(2);
    expect(error.message).toBe('CSV line 2: a quoted field is never closed; add the closing quote');
    expect(rows(records)).toEqual([['a', 'b']]);
  });

  it('throws for a quote inside an unquoted field, with its line', async () => {
    const { error, records } = await readError(['ok\n\nab"c,d\n']);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^CSV line 3: a quote inside an unquoted field; put the whole field in quotes/);
    expect(rows(records)).toEqual([['ok']]);
  });

  it('throws for text after a closing quote, with the line it is on', async () => {
    expect((await readError(['x\n"ab"c\n'])).error.line).toBe(2);
    expect((await readError(['x\n"ab" ,c\n'])).error.line).toBe(2);
    // After a quoted newline the error is on the line the stray text is on.
    const { error } = await readError(['x\n"a\nb"c\n']);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^CSV line 3: text after a closing quote/);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CsvSyntaxError');
  });

  it('reports the same error lines when the input arrives 1 character at a time', async () => {
    for (const [text, line] of [
      ['a\r\n"b\r\nc', 2],
      ['a\r\n\r\nb"c', 3],
      ['"a\r\n"b', 2],
    ] as const) {
      expect((await readError(text.split(''))).error.line, text).toBe(line);
    }
  });

  it('reads 100,000 rows', async () => {
    const lines = ['email,webex_id,display_name'];
    for (let i = 0; i < 100_000; i++) lines.push(`user${i}@example.com,user${i},"Name, ${i} ""Nick"""`);
    const data = bytes(lines.join('\r\n') + '\r\n');
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += 65_536) chunks.push(data.subarray(i, i + 65_536));

    let count = 0;
    let sample: CsvRecord | undefined;
    for await (const record of parseCsv(chunks)) {
      count++;
      if (count === 54_322) sample = record;
    }
    expect(count).toBe(100_001);
    expect(sample).toEqual({ line: 54_322, cells: ['user54320@example.com', 'user54320', 'Name, 54320 "Nick"'] });
  });
});

describe('formatCsvRow', () => {
  it('writes plain cells as they are, with CRLF', () => {
    expect(formatCsvRow(['a@example.com', 'a.b', 'Ann Émile 😀'])).toBe('a@example.com,a.b,Ann Émile 😀\r\n');
  });

  it('quotes cells with a comma, quote, CR, LF or a leading/trailing space, doubling quotes', () => {
    expect(formatCsvRow(['a,b', 'say "hi"', 'x\ny', 'x\ry', ' lead', 'trail ', 'in side'])).toBe(
      '"a,b","say ""hi""","x\ny","x\ry"," lead","trail ",in side\r\n',
    );
  });

  it('writes null and undefined as empty cells', () => {
    expect(formatCsvRow(['a', null, undefined, ''])).toBe('a,,,\r\n');
  });

  it('quotes a lone empty cell so the row is not read back as an empty line', () => {
    expect(formatCsvRow([''])).toBe('""\r\n');
    expect(formatCsvRow([null])).toBe('""\r\n');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+x', "'+x"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', '"\'\rcmd"'],
  ])('neutralises %j as a formula', (cell, written) => {
    expect(formatCsvRow([cell, 'b'])).toBe(`${written},b\r\n`);
  });

  it('neutralises only at the start of a cell', () => {
    expect(formatCsvRow(['a=1', 'a-b', 'a@b.c', ' =x'])).toBe('a=1,a-b,a@b.c," =x"\r\n');
  });
});

describe('neutraliseFormula and restoreNeutralised', () => {
  it('prefixes an apostrophe before = + - @ tab and CR, and undoes it', () => {
    for (const cell of ['=1', '+1', '-1', '@a', '\ta', '\ra']) {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
      expect(restoreNeutralised(`'${cell}`)).toBe(cell);
    }
  });

  it('leaves other cells alone', () => {
    for (const cell of ['', 'plain', "'plain", "'", "a'=b", ' =x', 'x=']) {
      expect(neutraliseFormula(cell)).toBe(cell);
      expect(restoreNeutralised(cell)).toBe(cell);
    }
  });

  it('escapes cells that already look neutralised, so they survive the round-trip', () => {
    expect(neutraliseFormula("'=already")).toBe("''=already");
    expect(restoreNeutralised("''=already")).toBe("'=already");
    expect(restoreNeutralised(neutraliseFormula("''-x"))).toBe("''-x");
  });
});

describe('export → import round-trip', () => {
  const HOSTILE = [
    '=1+1',
    '+x',
    '-5',
    '@SUM(A1)',
    '\t=tab',
    '\r=cr',
    'a,b',
    'he said "hi"',
    'line\nbreak',
    'crlf\r\nbreak',
    ' lead',
    'trail ',
    "'=already",
    "''+twice",
    "'plain",
    "'",
    '',
    '"',
    '""',
    ',',
    'Zoë 😀 ü',
    'ok@example.com',
  ];

  it('gives back exactly the cells that were written, in any chunking', async () => {
    // Each hostile cell in every column position, plus one row of all of them.
    const written = [HOSTILE, ...HOSTILE.map((cell) => [cell, 'id', cell]), [''], ['', '']];
    const file = written.map(formatCsvRow).join('');
    const restore = (records: CsvRecord[]) => records.map((r) => r.cells.map(restoreNeutralised));

    expect(restore(await read([file]))).toEqual(written);
    expect(restore(await read(file.split('')))).toEqual(written);
    const data = bytes(file);
    expect(restore(await read([...data].map((b) => new Uint8Array([b]))))).toEqual(written);
  });
});
