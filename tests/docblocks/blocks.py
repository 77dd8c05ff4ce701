#!/usr/bin/env python3
"""The code blocks of the documentation, checked by the compiler.

    blocks.py check SWARMC OUTDIR [FILE.md...]  one PASS/FAIL line per file
                                                or problem (tests/t-docblocks.sh)
    blocks.py emit OUTDIR [FILE.md...]          writes every block that must
                                                compile as OUTDIR/NAME/doc.swarm
                                                (tests/t-sanitize.sh runs them)

Without FILE.md arguments: every Markdown file of the tree (the current
directory), but build*/, node_modules/ and tests/docblocks/selftest/.

Every fenced block (``` or ~~~) needs an info string: a block that is not
swarm code says what it is (text, sh, c, json, ...), and a swarm block is
checked.  The markers (docs/writing-docs.md says the same for writers):

    ```swarm                    a whole scenario
    ```swarm fragment=top       declarations (feeders, sets, load, thresholds);
                                a user with one task is added after them
    ```swarm fragment=user      the inside of a user: settings, tasks, hooks;
                                put in `user DocUser { ... }`
    ```swarm fragment=task      statements; put in a task of that user
    ```swarm error              (with any of the above) must NOT compile:
                                each `# error: TEXT` comment in it names an
                                error swarmc must report on that line

`# warning: TEXT` comments likewise name warnings that must be reported.
Any other warning fails a whole scenario; in a fragment it is ignored (the
missing context makes some: a set no task of the wrapper uses).  A block is
compiled with tests/docblocks/files/ (the data files the docs name) next to it.
"""
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, 'files')

# What goes around each fragment kind: (text before, text after).  The
# block keeps its own indentation; layout is free apart from line ends.
WRAP = {
    None: ('', ''),
    'top': ('', '\nuser DocUser {\n    task doc { get "/" }\n}\n'),
    'user': ('user DocUser {\n', '\n}\n'),
    'task': ('user DocUser {\n    task doc {\n', '\n    }\n}\n'),
}

FENCE = re.compile(r'^( {0,3})(`{3,}|~{3,})(.*)$')
EXPECT = re.compile(r'#\s*(error|warning):\s*(.*?)\s*$')


class Block:
    def __init__(self, path, line, info, text):
        self.path = path        # the Markdown file, as given
        self.line = line        # 1-based line of the opening fence
        self.info = info        # the info string, stripped
        self.text = text        # the content, fence indentation removed
        self.problem = None     # a bad marker: why
        self.lang = info.split()[0] if info else ''
        self.kind = None
        self.error = False
        if self.lang != 'swarm':
            if self.lang.lower().startswith('swarm'):
                # a misspelt tag would let scenario code go unchecked
                self.problem = ("unknown language '%s' (swarm, then markers "
                                "after a space)" % self.lang)
                self.lang = 'swarm'
            return
        for word in info.split()[1:]:
            if word == 'error':
                self.error = True
            elif word.startswith('fragment='):
                self.kind = word[len('fragment='):]
                if self.kind not in ('top', 'user', 'task'):
                    self.problem = ("unknown fragment kind '%s' (top, user or "
                                    "task)" % self.kind)
            else:
                self.problem = ("unknown marker '%s' (fragment=top|user|task, "
                                "error)" % word)

    def where(self):
        return '%s:%d' % (self.path, self.line)

    def scenario(self):
        """The text swarmc checks, and the number of lines put before the
        block's first line."""
        before, after = WRAP[self.kind]
        body = self.text if self.text.endswith('\n') or not self.text \
            else self.text + '\n'
        return before + body + after, before.count('\n')

    def expected(self):
        """{(line in the block, 'error'|'warning'): [text, ...]}"""
        out = {}
        for i, line in enumerate(self.text.split('\n'), 1):
            m = EXPECT.search(line)
            if m:
                out.setdefault((i, m.group(1)), []).append(m.group(2))
        return out


def blocks(path):
    """Every fenced block of a Markdown file (CommonMark's rules for fences:
    up to 3 spaces before, closed by the same character at least as many
    times; an unclosed block runs to the end of the file)."""
    out = []
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m is None or (m.group(2)[0] == '`' and '`' in m.group(3)):
            i += 1
            continue
        indent, fence, info = len(m.group(1)), m.group(2), m.group(3).strip()
        start = i + 1
        body = []
        i += 1
        while i < len(lines):
            c = FENCE.match(lines[i])
            if c and c.group(2)[0] == fence[0] and \
                    len(c.group(2)) >= len(fence) and not c.group(3).strip():
                break
            line = lines[i]
            strip = min(indent, len(line) - len(line.lstrip(' ')))
            body.append(line[strip:])
            i += 1
        i += 1
        out.append(Block(path, start, info, '\n'.join(body)))
    return out


def slug(block):
    name = re.sub(r'[^A-Za-z0-9]+', '-', block.path).strip('-')
    return '%s-%d' % (name, block.line)


def checked(block):
    return block.lang == 'swarm' and block.problem is None


def write(block, outdir):
    """Writes the block's scenario next to a copy of the data files; returns
    (path, lines before the block)."""
    d = os.path.join(outdir, slug(block))
    os.makedirs(d, exist_ok=True)
    if os.path.isdir(FILES):
        for name in os.listdir(FILES):
            shutil.copy(os.path.join(FILES, name), d)
    text, offset = block.scenario()
    path = os.path.join(d, 'doc.swarm')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path, offset


def diagnostics(swarmc, path):
    r = subprocess.run([swarmc, 'check', '--diagnostics-format', 'json', path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    try:
        diags = json.loads(r.stderr.decode('utf-8', 'replace') or '[]')
    except ValueError:
        diags = [{'kind': 'error', 'locations': [],
                  'message': 'swarmc printed no JSON: ' +
                  r.stderr.decode('utf-8', 'replace')[:300]}]
    return r.returncode, diags


def check_block(swarmc, outdir, block):
    """The problems of one swarm block: a list of messages, each naming the
    Markdown file and line."""
    path, offset = write(block, outdir)
    status, diags = diagnostics(swarmc, path)
    nlines = block.text.count('\n') + 1
    found = []                  # (line in the block or None, kind, text)
    for d in diags:
        loc = (d.get('locations') or [{}])[0].get('caret', {})
        line = loc.get('line', 0) - offset
        col = loc.get('column', 0)
        if 1 <= line <= nlines:
            at = '%s:%d:%d' % (block.path, block.line + line, col)
        else:
            at = 'line %d of the wrapped scenario' % loc.get('line', 0)
            line = None
        found.append((line, d.get('kind'), d.get('message', ''), at))
    want = block.expected()
    problems = []
    for (line, kind), texts in sorted(want.items()):
        for text in texts:
            if not any(f[0] == line and f[1] == kind and text in f[2]
                       for f in found):
                said = '; '.join('%s: %s: %s' % (f[3], f[1], f[2])
                                 for f in found) or 'nothing'
                problems.append('%s:%d: expected %s: %s; swarmc said: %s' % (
                    block.path, block.line + line, kind, text, said))
    for line, kind, text, at in ([] if problems else found):
        if any(t in text for t in want.get((line, kind), [])):
            continue
        if kind == 'error':
            problems.append('%s: error: %s' % (at, text))
        elif kind == 'warning' and block.kind is None:
            problems.append('%s: warning: %s (a "# warning: ..." comment on '
                            'that line says the docs mean to show it)'
                            % (at, text))
    wants_error = any(k == 'error' for (_, k) in want)
    if block.error and not wants_error:
        problems.append('a block marked error names its error in a '
                        '"# error: MESSAGE" comment on the line swarmc '
                        'reports it at')
    elif wants_error and not block.error:
        problems.append('"# error:" comments in a block not marked '
                        'error ("```swarm error")')
    if not problems and status != (65 if block.error else 0):
        problems.append('swarmc check exited %d%s' % (
            status,
            ' (a block marked error must not compile)' if block.error
            else ''))
    return problems


def check(swarmc, outdir, paths):
    failed = False
    for path in paths:
        nswarm = nother = 0
        bad = []
        for b in blocks(path):
            if not b.info:
                bad.append((b, 'a code block without an info string: tag it '
                            '"swarm" (checked; see docs/writing-docs.md) or '
                            'say what it is ("text", "sh", "c", ...)'))
            elif b.lang != 'swarm':
                nother += 1
            elif b.problem:
                bad.append((b, b.problem))
            else:
                nswarm += 1
                bad.extend((b, p) for p in check_block(swarmc, outdir, b))
        if bad:
            failed = True
            for b, msg in bad:
                print('FAIL docblocks/%s: ```%s block: %s' % (
                    b.where(), b.info, msg))
        else:
            print('PASS docblocks/%s (%d swarm blocks, %d others)' % (
                path, nswarm, nother))
    return 1 if failed else 0


def emit(outdir, paths):
    """The blocks that must compile, as scenarios (the sanitizer suite
    builds and runs them); prints each path."""
    for path in paths:
        for b in blocks(path):
            if checked(b) and not b.error:
                print(write(b, outdir)[0])
    return 0


def tree_markdown():
    """Every Markdown file under the current directory but the build trees,
    node_modules and this checker's own samples (which fail on purpose)."""
    out = []
    for d, dirs, files in os.walk('.'):
        dirs[:] = sorted(x for x in dirs if not x.startswith(('build', '.'))
                         and x != 'node_modules')
        rel = os.path.relpath(d, '.')
        if rel == os.path.join('tests', 'docblocks', 'selftest'):
            continue
        out.extend(os.path.normpath(os.path.join(rel, f))
                   for f in files if f.endswith('.md'))
    return sorted(out)


def main(argv):
    if len(argv) >= 4 and argv[1] == 'check':
        return check(argv[2], argv[3], argv[4:] or tree_markdown())
    if len(argv) >= 3 and argv[1] == 'emit':
        return emit(argv[2], argv[3:] or tree_markdown())
    sys.stderr.write(__doc__)
    return 64


if __name__ == '__main__':
    sys.exit(main(sys.argv))
