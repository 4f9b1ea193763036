// Wireshark's manuf/wka files parsed fast (issue 19: the UI's first rows
// waited ~0.3 s of CPU for the ~52k lines the first time an Ethernet
// address was named). The fast parse must build exactly the table the
// general one builds, on the installed files and on every odd line shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_MANUF, parseManuf } from '../../../main/engine/enrich/manuf';

/** The general parse of every line, the reference the fast path must match. */
const referenceParse = (texts: string[]): ReturnType<typeof parseManuf> => parseManuf(texts, false);

const plain = (t: ReturnType<typeof parseManuf>) => ({
  ouiKeys: [...t.ouiKeys], ouiShort: [...t.ouiShort].map((i) => t.names[i]), ouiLong: [...t.ouiLong].map((i) => t.names[i]),
  wkaKeys: [...t.wkaKeys], wkaName: [...t.wkaName].map((i) => t.names[i]), exact: [...t.exact].sort((a, b) => a[0] - b[0]),
});

test('the installed manuf and wka files parse to the reference table', { skip: existsSync(DEFAULT_MANUF) ? undefined : `no ${DEFAULT_MANUF}` }, () => {
  const texts = [readFileSync(DEFAULT_MANUF, 'utf8')];
  const wka = join(dirname(DEFAULT_MANUF), 'wka');
  if (existsSync(wka)) texts.push(readFileSync(wka, 'utf8'));
  const got = parseManuf(texts);
  assert.ok(got.ouiKeys.length > 10000, 'the file was read');
  assert.deepEqual(plain(got), plain(referenceParse(texts)));
});

test('odd lines: comments, spaces, CRLF, masks, separators, bad addresses — all as the reference', () => {
  const lines = [
    '00:00:0C\tCisco\tCisco Systems, Inc', '00-00-0D\tFibronic\tFibronics Ltd.', '00.00.0E\tFujitsu',
    '  00:00:0F\tNeXT\tNeXT, Inc.', '00:00:10\tSytek # a comment', '# whole comment', '', '\t\t',
    '00:00:11\t\tTektrnix\t\tTektronix', '00:00:12\tInfo\tInformation Technology Limited\r', '00:00:13\r',
    '00:1B:C5:00:00:00/36\tConverging\tConverging Systems Inc', '00:1B:C5:00:10:00/36\tOpenrb\tOpenRB.com, Direct SA',
    '01:00:0C:CC:CC:CC\tCDP/VTP/DTP/PAgP/UDLD', '01:80:C2:00:00:00/48\tSpanning-tree-(for-bridges)_00',
    '33:33:00:00:00:00/16\tIPv6mcast', 'FF:FF:FF:FF:FF:FF\tBroadcast', '01:00:5E:00:00:00/25\tIPv4mcast',
    '00:00:14:\tTrailing', '00::15\tEmpty', '0:1:2\tShort', '000:01:02\tLong', 'GG:00:00\tNotHex', '00:01\tTwo',
    '00:01:02:03:04:05:06\tSeven', '00:01:02/0\tZero', '00:01:02/49\tToo', '00:01:02/1/2\tDouble', '00:01:02/x\tX',
    '00:01:02/008\tThree', '0x1:02:03\tPrefixed', '00:01:02\tDup1', '00:01:02\tDup2', 'AbCdEf\tNoSep',
    '\uFEFF00:01:03\tBOM', '00:01:04\tName\u2028#x\tY', '00:01:05\tA#b\rc',
  ];
  const texts = [lines.join('\n'), lines.slice().reverse().join('\n') + '\n', lines.join('\r\n')];
  for (const t of texts) assert.deepEqual(plain(parseManuf([t])), plain(referenceParse([t])), JSON.stringify(t.slice(0, 40)));
});
