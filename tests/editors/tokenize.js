// Tokenizes .swarm files with the TextMate grammar of editors/vscode
// (vscode-textmate + vscode-oniguruma, as VS Code does) and checks the
// scopes against an independent reading of the same text that follows
// grammar/lexer.l:
//   - every non-blank character has a scope beyond source.swarm;
//   - comments are comment.line.number-sign; strings string.quoted.double
//     throughout (escapes constant.character.escape), with `${` and its `}`
//     punctuation.section.interpolation and the expression inside scoped
//     like any other;
//   - reserved words are keywords (keyword.*, storage.type.*, or for true,
//     false, status, user_id constant.language / variable.language);
//   - durations constant.numeric.duration, other numbers constant.numeric.
// Prints "PASS editors/<file>" or "FAIL editors/<file>: why" per file and
// fails when a category never occurs (a test that cannot fail is a defect).
//
// With --vim DIR, DIR/N.syn is Vim's reading of the N-th file (dump.vim:
// the syntax group of every byte) and is checked the same way against
// editors/vim/syntax/swarm.vim's groups; Vim leaves plain names
// unhighlighted, so there only strings must be covered throughout.
//
//   node tokenize.js NODE_MODULES GRAMMAR FILE...
//   node tokenize.js --vim DIR FILE...
'use strict';
const fs = require('fs');
const path = require('path');

const argv = process.argv.slice(2);
const vimDir = argv[0] === '--vim' ? argv[1] : null;
const [nodeModules, grammarPath, ...files] = vimDir ? [null, null, ...argv.slice(2)]
                                                    : argv;

const RESERVED = new Set(('host user taskset seq task on_start on_stop data ' +
  'load threshold let if else repeat sleep stop interrupt schedule tag true ' +
  'false status user_id get post put patch delete head options ' +
  'while retry return failed on_test_start on_test_stop').split(' '));

// ---- the reference reading (grammar/lexer.l) ----
const NUM = '[0-9]+(?:\\.[0-9]+)?';
const RE = {
  metric: /^p[0-9]+\.[0-9]+/,
  ident: /^[A-Za-z_][A-Za-z0-9_]*/,
  duration: new RegExp(`^${NUM}(?:[A-Za-z]+${NUM})*[A-Za-z]+`),
  percent: new RegExp(`^${NUM}%`),
  rate: new RegExp(`^${NUM}/s`),
  float: /^[0-9]+\.[0-9]+/,
  int: /^[0-9]+/,
  punct: /^(?:\.\.|==|!=|<=|>=|&&|\|\||[^\s])/,
};

// Tokens: {kind, line, col, len, text} on one line; strings also carry
// their parts: {kind: 'text'|'escape'|'quote'|'interp-begin'|'interp-end'}
// and the tokens inside ${...}.
function lex(lines) {
  const toks = [];
  let ln = 0, col = 0;
  function expr(stopAtBrace) {
    // Lexes until a '}' (inside ${...}) or the end of the file.
    while (ln < lines.length) {
      const s = lines[ln];
      if (col >= s.length) {
        ln++; col = 0;
        continue;
      }
      const rest = s.slice(col);
      const c = s[col];
      if (c === ' ' || c === '\t' || c === '\r') { col++; continue; }
      if (c === '#') {
        toks.push({ kind: 'comment', line: ln, col, len: s.length - col });
        col = s.length;
        continue;
      }
      if (c === '"') { string(); continue; }
      if (c === '}' && stopAtBrace) return true;
      let m, kind;
      if ((m = RE.metric.exec(rest))) kind = 'word';
      else if ((m = RE.ident.exec(rest))) kind = 'word';
      else if ((m = RE.duration.exec(rest))) kind = 'duration';
      else if ((m = RE.percent.exec(rest))) kind = 'number';
      else if ((m = RE.rate.exec(rest))) kind = 'number';
      else if ((m = RE.float.exec(rest))) kind = 'number';
      else if ((m = RE.int.exec(rest))) kind = 'number';
      else { m = RE.punct.exec(rest); kind = 'punct'; }
      toks.push({ kind, line: ln, col, len: m[0].length, text: m[0] });
      col += m[0].length;
    }
    return false;
  }
  function string() {
    toks.push({ kind: 'quote', line: ln, col, len: 1 });
    col++;
    for (;;) {
      const s = lines[ln];
      if (col >= s.length) return;          // unterminated: ends the line
      const c = s[col];
      if (c === '"') {
        toks.push({ kind: 'quote', line: ln, col, len: 1 });
        col++;
        return;
      }
      if (c === '\\') {
        const len = col + 1 < s.length ? 2 : 1;
        const ok = len === 2 && 'nrt0\\"$'.includes(s[col + 1]);
        toks.push({ kind: ok ? 'escape' : 'bad-escape', line: ln, col, len });
        col += len;
      } else if (c === '$' && s[col + 1] === '{') {
        toks.push({ kind: 'interp-begin', line: ln, col, len: 2 });
        col += 2;
        if (!expr(true)) return;            // end of file inside ${
        toks.push({ kind: 'interp-end', line: ln, col, len: 1 });
        col++;
      } else {
        toks.push({ kind: 'text', line: ln, col, len: 1 });
        col++;
      }
    }
  }
  expr(false);
  return toks;
}

// ---- checks ----
const seen = {};
function has(scopes, prefix) {
  return scopes.some((s) => s.startsWith(prefix));
}
const VIM = {
  comment: ['swarmComment', 'swarmTodo'],
  quote: ['swarmString'],
  text: ['swarmString'],
  escape: ['swarmEscape'],
  'bad-escape': ['swarmBadEscape'],
  'interp-begin': ['swarmInterpDelim'],
  'interp-end': ['swarmInterpDelim'],
  duration: ['swarmDuration'],
  number: ['swarmNumber', 'swarmPercent', 'swarmRate', 'swarmDuration'],
  keyword: ['swarmDecl', 'swarmControl', 'swarmStatement', 'swarmMethod',
            'swarmBoolean', 'swarmBuiltinVar'],
};
function check(tok, scopes, why) {
  if (vimDir) return checkVim(tok, scopes, why);
  const want = {
    comment: ['comment.line.number-sign'],
    quote: ['string.quoted.double'],
    text: ['string.quoted.double'],
    escape: ['constant.character.escape'],
    'bad-escape': ['invalid.illegal'],
    'interp-begin': ['punctuation.section.interpolation.begin'],
    'interp-end': ['punctuation.section.interpolation.end'],
    duration: ['constant.numeric.duration'],
    number: ['constant.numeric'],
  }[tok.kind];
  let prefixes = want;
  let kind = tok.kind;
  if (tok.kind === 'word' && RESERVED.has(tok.text)) {
    prefixes = ['keyword.', 'storage.type.', 'constant.language.',
                'variable.language.'];
    kind = 'keyword';
  }
  if (!prefixes) return;
  seen[kind] = (seen[kind] || 0) + 1;
  for (let i = 0; i < tok.len; i++) {
    const sc = scopes[tok.line][tok.col + i] || [];
    if (!prefixes.some((p) => has(sc, p))) {
      why.push(`${tok.line + 1}:${tok.col + i + 1}: ${kind} ` +
               `${JSON.stringify(tok.text || '')} has scopes ${sc.join(' ')}`);
      return;
    }
  }
}

function checkVim(tok, groups, why) {
  let kind = tok.kind;
  if (kind === 'word') {
    if (!RESERVED.has(tok.text)) return;
    kind = 'keyword';
  }
  const want = VIM[kind];
  if (!want) return;
  seen[kind] = (seen[kind] || 0) + 1;
  for (let i = 0; i < tok.len; i++) {
    const g = groups[tok.line][tok.col + i] || '-';
    if (!want.includes(g)) {
      why.push(`${tok.line + 1}:${tok.col + i + 1}: ${kind} ` +
               `${JSON.stringify(tok.text || '')} is in ${g}`);
      return;
    }
  }
}

// Vim's groups per character (its dump is per byte).
function vimGroups(file, n, lines, why) {
  const dump = fs.readFileSync(path.join(vimDir, `${n}.syn`), 'utf8').split('\n');
  if (dump[0] !== 'swarm swarm')
    why.push(`filetype and syntax are '${dump[0]}', not 'swarm swarm'`);
  return lines.map((line, l) => {
    const bytes = (dump[l + 1] || '').split(' ');
    const per = [];
    let b = 0;
    for (let c = 0; c < line.length; c++) {
      const cp = line.codePointAt(c);
      per[c] = bytes[b];
      if (cp > 0xffff)
        per[++c] = bytes[b];    // the second half of a surrogate pair
      b += Buffer.byteLength(String.fromCodePoint(cp));
    }
    return per;
  });
}

async function mainVim() {
  let failed = 0;
  files.forEach((file, n) => {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const why = [];
    const groups = vimGroups(file, n, lines, why);
    for (const tok of lex(lines.slice())) check(tok, groups, why);
    report(file, why, 'vim-') || failed++;
  });
  return failed;
}

function report(file, why, prefix) {
  if (why.length === 0) {
    console.log(`PASS editors/${prefix}${file}`);
    return true;
  }
  console.log(`FAIL editors/${prefix}${file}: ${why.slice(0, 3).join('; ')}`);
  return false;
}

function coverage(failed, prefix) {
  const need = ['comment', 'quote', 'text', 'escape', 'interp-begin',
                'interp-end', 'duration', 'number', 'keyword'];
  const missing = need.filter((k) => !seen[k]);
  if (missing.length > 0) {
    failed++;
    console.log(`FAIL editors/${prefix}coverage: never seen: ${missing.join(' ')}`);
  } else {
    console.log(`PASS editors/${prefix}coverage (${need.map((k) => `${k} ${seen[k]}`).join(', ')})`);
  }
  process.exit(failed ? 1 : 0);
}

async function main() {
  if (vimDir) return coverage(await mainVim(), 'vim-');
  const vsctm = require(path.join(nodeModules, 'vscode-textmate'));
  const onig = require(path.join(nodeModules, 'vscode-oniguruma'));
  const wasm = fs.readFileSync(path.join(nodeModules,
                                         'vscode-oniguruma/release/onig.wasm'));
  await onig.loadWASM(wasm.buffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new onig.OnigScanner(p),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope) => scope === 'source.swarm'
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
      : null,
  });
  const grammar = await registry.loadGrammar('source.swarm');
  let failed = 0;
  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const scopes = [];
    let stack = vsctm.INITIAL;
    for (const line of lines) {
      const r = grammar.tokenizeLine(line, stack);
      const per = [];
      for (const t of r.tokens)
        for (let i = t.startIndex; i < t.endIndex; i++) per[i] = t.scopes;
      scopes.push(per);
      stack = r.ruleStack;
    }
    const why = [];
    lines.forEach((line, l) => {
      for (let c = 0; c < line.length; c++) {
        if (/\s/.test(line[c])) continue;
        const sc = scopes[l][c] || [];
        if (sc.length < 2 && why.length < 5)
          why.push(`${l + 1}:${c + 1}: '${line[c]}' is unscoped`);
      }
    });
    for (const tok of lex(lines.slice())) check(tok, scopes, why);
    report(file, why, 'tokenize-') || failed++;
  }
  coverage(failed, 'tokenize-');
}
main().catch((e) => { console.log(`FAIL editors/tokenize: ${e.stack}`); process.exit(1); });
