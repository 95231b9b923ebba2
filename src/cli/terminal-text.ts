/**
 * Text for a terminal. Column names, cell values and file names come from the data, and a control
 * character among them could move the cursor, retitle the window, rewrite earlier lines (ESC and
 * CSI sequences, carriage return) or reorder what is shown (bidi overrides). Each is written as
 * `\uXXXX` instead — the same escape JSON uses, so JSON output stays valid and reads back equal.
 * Line feeds and tabs are kept: the CLI's own output is made of lines and columns.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
