/**
 * The register's exports, written as the rows arrive: CSV (UTF-8 with a byte order mark, so Excel
 * reads the Chinese right) and XLSX (exceljs's streaming writer). Each waits for the response to
 * drain before reading on, so a slow client holds back the store reads instead of filling memory,
 * and each stops reading rows once the response is closed (the client went away): the export ends
 * there, with {@link ClosedError}, instead of waiting for a drain that never comes.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { CSV_HEADER, REGISTER_COLUMNS, csvRow, type RegisterRow } from '../../domain/register';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The response was closed before the export was written whole. */
export class ClosedError extends Error {
  constructor() {
    super('the response was closed before the export was written');
  }
}

/** Resolves once `out` has drained; rejects if it closes (or fails) first. */
async function drained(out: Writable): Promise<void> {
  if (out.destroyed) throw new ClosedError();
  const stop = new AbortController();
  try {
    await Promise.race([
      once(out, 'drain', { signal: stop.signal }),
      once(out, 'close', { signal: stop.signal }).then(() => {
        throw new ClosedError();
      }),
    ]);
  } finally {
    stop.abort();
  }
}

async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed) throw new ClosedError();
  if (!out.write(chunk)) await drained(out);
}

export async function writeCsv(rows: AsyncIterable<RegisterRow>, out: Writable): Promise<void> {
  await write(out, '\uFEFF' + CSV_HEADER);
  // A few rows per write: fewer, larger chunks on the socket.
  let batch = '';
  for await (const row of rows) {
    if (out.destroyed) throw new ClosedError();
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
  let sinceCheck = 0;
  for await (const row of rows) {
    sheet.addRow(REGISTER_COLUMNS.map((c) => c.cell(row))).commit();
    if (++sinceCheck >= 100) {
      sinceCheck = 0;
      if (out.destroyed) throw new ClosedError();
      if (out.writableNeedDrain) await drained(out);
    }
  }
  sheet.commit();
  await workbook.commit();
}
