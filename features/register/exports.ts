/**
 * The register's exports, written as the rows arrive: CSV (UTF-8 with a byte order mark, so Excel
 * reads the Chinese right) and XLSX (exceljs's streaming writer). Each waits for the response to
 * drain before reading on, so a slow client holds back the store cursor instead of filling memory.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { CSV_HEADER, REGISTER_COLUMNS, csvRow, type RegisterRow } from '../../domain/register';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export async function writeCsv(rows: AsyncIterable<RegisterRow>, out: Writable): Promise<void> {
  await write(out, '\uFEFF' + CSV_HEADER);
  // A few rows per write: fewer, larger chunks on the socket.
  let batch = '';
  for await (const row of rows) {
    batch += csvRow(row);
    if (batch.length > 64 * 1024) {
      await write(out, batch);
      batch = '';
    }
  }
  if (batch) await write(out, batch);
  out.end();
}

/** The workbook's stream to `out`, paused while `out` is full (the writer's zip would otherwise queue). */
export async function writeXlsx(rows: AsyncIterable<RegisterRow>, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('台账');
  sheet.addRow(REGISTER_COLUMNS.map((c) => c.heading)).commit();
  let sinceDrainCheck = 0;
  for await (const row of rows) {
    sheet.addRow(REGISTER_COLUMNS.map((c) => c.cell(row))).commit();
    if (++sinceDrainCheck >= 500) {
      sinceDrainCheck = 0;
      if (out.writableNeedDrain) await once(out, 'drain');
    }
  }
  sheet.commit();
  await workbook.commit();
}
