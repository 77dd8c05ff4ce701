#!/bin/sh
# Editor support (editors/): the VS Code extension's manifest and language
# configuration, the TextMate grammar run by vscode-textmate with
# vscode-oniguruma (npm, installed into $BUILD/node-editors; a failed
# install is a FAIL) and the Vim syntax file run by Vim itself, both
# checked on every example and test scenario by tests/editors/tokenize.js.
set -u
BUILD=${BUILD:-build}
OUT="$BUILD/tests/editors"
rm -rf "$OUT"
mkdir -p "$OUT/vim" "$BUILD/node-editors"
NODE_DIR=$(cd "$BUILD/node-editors" && pwd)
rc=0
FILES=$(ls examples/*.swarm tests/*/*.swarm)

if [ ! -d "$NODE_DIR/node_modules/vscode-textmate" ] \
        || [ ! -d "$NODE_DIR/node_modules/vscode-oniguruma" ]; then
    if ! npm install --prefix "$NODE_DIR" --no-audit --no-fund \
            vscode-textmate@9 vscode-oniguruma@2 >"$OUT/npm.log" 2>&1; then
        echo "FAIL editors/npm-install: npm install vscode-textmate@9 vscode-oniguruma@2 failed (see $OUT/npm.log)"
        exit 1
    fi
fi
echo "PASS editors/npm-install"

# The manifest ties .swarm to the grammar and the language configuration.
if node - >"$OUT/manifest.log" 2>&1 <<'JS'
const fs = require('fs');
const dir = 'editors/vscode/';
const pkg = JSON.parse(fs.readFileSync(dir + 'package.json', 'utf8'));
const lang = pkg.contributes.languages.find((l) => l.id === 'swarm');
const gram = pkg.contributes.grammars.find((g) => g.language === 'swarm');
const assert = (c, m) => { if (!c) throw new Error(m); };
assert(lang && lang.extensions.includes('.swarm'), 'no .swarm language');
assert(gram && gram.scopeName === 'source.swarm', 'no source.swarm grammar');
const tm = JSON.parse(fs.readFileSync(dir + gram.path, 'utf8'));
assert(tm.scopeName === 'source.swarm', 'the grammar is not source.swarm');
const conf = JSON.parse(fs.readFileSync(dir + lang.configuration, 'utf8'));
assert(conf.comments.lineComment === '#', 'line comments are not #');
for (const p of ['{}', '[]', '()'])
  assert(conf.brackets.some((b) => b.join('') === p), 'no bracket ' + p);
for (const p of ['{}', '[]', '()', '""'])
  assert(conf.autoClosingPairs.some((b) => b.open + b.close === p),
         'no auto-closing ' + p);
assert(conf.folding && conf.folding.markers, 'no folding markers');
JS
then
    echo "PASS editors/vscode-manifest"
else
    echo "FAIL editors/vscode-manifest: $(tail -n 1 "$OUT/manifest.log")"
    rc=1
fi

# shellcheck disable=SC2086
node tests/editors/tokenize.js "$NODE_DIR/node_modules" \
    editors/vscode/syntaxes/swarm.tmLanguage.json $FILES || rc=1

if ! command -v vim >/dev/null 2>&1; then
    echo "FAIL editors/vim: vim is not installed (run-tests.sh installs it)"
    exit 1
fi
# shellcheck disable=SC2086
vim -Nu NONE -i NONE -es --cmd "let g:out='$OUT/vim'" \
    --cmd "set rtp^=$(pwd)/editors/vim" -c "filetype plugin on" \
    -c "syntax on" -c "redir! > $OUT/vim.messages" \
    -S tests/editors/dump.vim -- $FILES >"$OUT/vim.log" 2>&1 </dev/null
# Vim's own errors while loading the syntax file (silent in -es mode).
if grep -q "^E[0-9]" "$OUT/vim.messages"; then
    echo "FAIL editors/vim-load: $(grep "^E[0-9]" "$OUT/vim.messages" | head -n 2)"
    rc=1
else
    echo "PASS editors/vim-load"
fi
# shellcheck disable=SC2086
node tests/editors/tokenize.js --vim "$OUT/vim" $FILES || rc=1
exit $rc
