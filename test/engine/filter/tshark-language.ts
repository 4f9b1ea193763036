// The rest of Wireshark 4.0's display-filter language, judged by tshark 4.0:
// the cases are in tshark-language.txt (see its header).
import { readCases, type FilterCase } from './tshark-table';

export const LANGUAGE_TABLE: FilterCase[] = readCases('tshark-language.txt');
