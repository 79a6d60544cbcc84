/**
 * Splits a configured command line into argv the way a shell splits words, and does nothing else:
 * no variables, no globs, no `;` or `|` (they stay plain characters of a word). 'single' quotes
 * keep everything, "double" quotes let \" and \\ through, a backslash outside quotes keeps the
 * next character. Returns an error message when a quote is left open.
 */
export function splitCommandLine(input: string): string[] | string {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && (input[i + 1] === '"' || input[i + 1] === "\\")) word += input[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < input.length) {
      word += input[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return `a ${quote === "'" ? "single" : "double"} quote is not closed`;
  if (inWord) words.push(word);
  return words;
}
