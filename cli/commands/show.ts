/**
 * Printing API answers: `--json` prints the body as the API sent it;
 * otherwise a table (lists) or aligned `name: value` lines (one record).
 */
import { printJson } from '../output.js';
import { renderDetails, renderTable, type ApiRecord, type Column } from '../table.js';

/**
 * @param record - one API record
 * @param json - print JSON instead
 * @param columns - the fields to show
 */
export function showRecord(record: ApiRecord, json: boolean | undefined, columns: ReadonlyArray<Column<ApiRecord>>): void {
  if (json) printJson(record);
  else process.stdout.write(`${renderDetails(record, columns)}\n`);
}

/**
 * @param page - the items, and the cursor of the next page (when not all were fetched)
 * @param json - print JSON instead
 * @param columns - the table's columns
 * @param noun - what the items are, for the empty and "more" notes
 */
export function showList(page: { items: ApiRecord[]; next_cursor: string | null; total?: number }, json: boolean | undefined, columns: ReadonlyArray<Column<ApiRecord>>, noun: string): void {
  if (json) {
    printJson(page);
    return;
  }
  if (page.items.length === 0) {
    process.stdout.write(`no ${noun}\n`);
    return;
  }
  process.stdout.write(`${renderTable(page.items, columns)}\n`);
  if (page.next_cursor) process.stderr.write(`more ${noun} follow: --all for every page, or --cursor ${page.next_cursor}\n`);
}
