/**
 * Just enough of the POSIX shell command language (XCU 2.3 token recognition, 2.9 pipelines and
 * lists) to see which commands a RUN line runs: words with quotes removed, split into simple
 * commands at `&&`, `||`, `;`, `&`, newlines, and grouped into pipelines at `|`. Expansions
 * (`$VAR`, `$(...)`) stay as literal text in their word; no evaluation happens.
 */

/** One simple command: its words (assignments like `A=b` before the command name removed). */
export type SimpleCommand = string[];

/** Commands joined by `|`. */
export type Pipeline = SimpleCommand[];

export function parseShell(script: string): Pipeline[] {
  const pipelines: Pipeline[] = [];
  let pipeline: Pipeline = [];
  let command: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) command.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    const start = command.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    const words = start < 0 ? [] : command.slice(start);
    if (words.length) pipeline.push(words);
    command = [];
  };
  const endPipeline = () => {
    endCommand();
    if (pipeline.length) pipelines.push(pipeline);
    pipeline = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (ch === '\\' && i + 1 < script.length) {
      // backslash-newline joins lines; any other escaped character is literal
      if (script[i + 1] !== '\n') {
        word += script[i + 1];
        inWord = true;
      }
      i++;
    } else if (ch === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end < 0 ? undefined : end);
      inWord = true;
      i = end < 0 ? script.length : end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < script.length && script[j] !== '"'; j++) {
        if (script[j] === '\\' && j + 1 < script.length) j++;
        word += script[j];
      }
      inWord = true;
      i = j;
    } else if (ch === '$' && script[i + 1] === '(') {
      // command substitution: kept whole inside the word (its commands are not split out)
      let depth = 0;
      let j = i + 1;
      for (; j < script.length; j++) {
        if (script[j] === '(') depth++;
        else if (script[j] === ')' && --depth === 0) break;
      }
      word += script.slice(i, j + 1);
      inWord = true;
      i = j;
    } else if (ch === '#' && !inWord) {
      const nl = script.indexOf('\n', i);
      i = nl < 0 ? script.length : nl - 1;
    } else if (ch === '|' && script[i + 1] === '|') {
      endPipeline();
      i++;
    } else if (ch === '|') {
      endCommand();
    } else if (ch === '&' && script[i + 1] === '&') {
      endPipeline();
      i++;
    } else if (ch === ';' || ch === '\n' || ch === '&' || ch === '(' || ch === ')' || ch === '{' && !inWord || ch === '}' && !inWord) {
      endPipeline();
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else {
      word += ch;
      inWord = true;
    }
  }
  endPipeline();
  return pipelines;
}

/** Commands with their program name and arguments, `sudo`/`env`/`xargs`-style wrappers kept as written. */
export function allCommands(pipelines: Pipeline[]): SimpleCommand[] {
  return pipelines.flat();
}

/** The program's base name (`/usr/bin/apt-get` → `apt-get`). */
export function programOf(command: SimpleCommand): string {
  return (command[0] ?? '').replace(/^.*\//, '');
}
