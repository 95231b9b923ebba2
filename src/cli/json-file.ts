/** JSON files named on the command line (a recipe, ...): bad JSON is one line naming the file and where it breaks. */
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../core/errors';

/**
 * The parsed contents of the JSON file at `path`. `what` names the file's role in the message
 * ("recipe" → 'The recipe file "r.json" is not valid JSON: …'). A missing file throws the
 * system error (the CLI reports "no such file").
 */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's message, without the quoted source it may carry (which can span lines) or the offset.
    const message = e instanceof Error ? e.message : String(e);
    const detail = message.replace(/, ".*" is not valid JSON$/s, '').replace(/ (in|after) JSON at position \d+.*$/s, '');
    const at = /at position (\d+)/.exec(message);
    const where = at ? ` at ${lineAndColumn(text, Number(at[1]))}` : text.trim() === '' ? ' (the file is empty)' : '';
    throw new InvalidInputError('not-json', `The ${what} file "${path}" is not valid JSON${where}: ${detail}.`, {}, { cause: e });
  }
}

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${position - start + 1}`;
}
