#!/usr/bin/env python3
"""Writes a large or deep scenario on stdout: gen.py SHAPE N.

Shapes (each one a way a scenario can grow):
  tasks N        one user with N tasks
  mixed N        one user with N tasks of ten kinds in turn (checks and
                 captures, a seq, a taskset left by interrupt / interrupt
                 now, sleep, retry, while, repeat, if, group and count,
                 return), every request naming its task in its path
  seq N          one user running a seq of N tasks once: task i gets
                 /t/i, the last one stops the user
  users N        N users with one task each
  vars N         one task setting N variables, each used once
  sets N         a chain of N tasksets, each one using the next
  interp N       one string with N ${} pieces
  escapes N      one string with N escapes
  dollars N      one string of N 'a$' pairs
  plus N         a chain of N binary '+'
  parens N       1 wrapped in N parentheses
  nest N         N nested if blocks
  neg N          N unary minus signs
"""
import sys


def user(body):
    return 'user U {\n    task t {\n' + body + '    }\n}\n'


# The kinds of body of `mixed`: task i of kind k.
MIXED = [
    # a request with checks and captures, and one using what it captured
    """        get "/json?t={i}" {{
            expect status 200
            expect json "$.n" == 42
            capture n = json "$.n"
            capture ct = header "Content-Type"
        }}
        get "/products/${{n}}?t={i}" expect status in [200, 404]
""",
    None,                       # a seq run as a task (S below)
    None,                       # a taskset run as a task (N below)
    '        get "/t/{i}" {{ name "sleepy" }}\n        sleep 1ms\n'
    '        get "/t/{i}/after"\n',
    """        retry 2 {{
            get "/status/500?t={i}" name "retried"
        }}
        get "/t/{i}/retried" expect status 200
""",
    """        let k = 0
        while k < 2 {{
            let k = k + 1
            get "/t/{i}/while/${{k}}"
        }}
""",
    """        repeat 2 {{
            get "/t/{i}/repeat"
        }}
""",
    """        if {i} % 4 == 0 {{
            get "/t/{i}/if" expect status 200
        }} else {{
            post "/echo?t={i}" json {{ "t": {i} }}
        }}
""",
    """        group "g{i}" {{
            get "/t/{i}/group"
        }}
        count c{k}
""",
    """        get "/status/503?t={i}" name "failed"
        return if failed
        get "/t/{i}/never"
""",
]

MIXED_SETS = """seq S {
    task a { get "/seq/a" }
    task 2 b { get "/seq/b" }
    task c {
        get "/seq/c"
        interrupt
    }
}
taskset N {
    wait constant(0s)
    task a { get "/set/a" }
    task b {
        get "/set/b"
        interrupt
    }
    task c {
        get "/set/c"
        interrupt now
    }
}
"""


def mixed_body(kind, i):
    return MIXED[kind].format(i=i, k=i % 3)


def main():
    shape, n = sys.argv[1], int(sys.argv[2])
    out = []
    w = out.append
    if shape == 'tasks':
        w('user U {\n')
        for i in range(n):
            w('    task t%d { get "/t/%d" }\n' % (i, i))
        w('}\n')
    elif shape == 'mixed':
        w('user U {\n    wait constant(0s)\n')
        for i in range(n):
            if i % 10 in (1, 2):    # a seq, a taskset
                w('    task t%d %s\n' % (i, 'S' if i % 10 == 1 else 'N'))
            else:
                w('    task t%d {\n%s    }\n' % (i, mixed_body(i % 10, i)))
        w('}\n')
        w(MIXED_SETS)
    elif shape == 'seq':
        w('user U {\n    task all S\n}\nseq S {\n')
        for i in range(n - 1):
            w('    task t%d { get "/t/%d" }\n' % (i, i))
        w('    task t%d {\n        get "/t/%d"\n        stop\n    }\n}\n'
          % (n - 1, n - 1))
    elif shape == 'users':
        for i in range(n):
            w('user U%d {\n    task t { get "/u/%d" }\n}\n' % (i, i))
    elif shape == 'vars':
        body = ''.join('        let v%d = %d\n' % (i, i) for i in range(n))
        body += ''.join('        get "/v/${v%d}"\n' % i for i in range(0, n, max(1, n // 100)))
        w(user(body))
    elif shape == 'sets':
        w('user U {\n    task s S0\n}\n')
        for i in range(n):
            nxt = '    task s S%d\n' % (i + 1) if i + 1 < n else ''
            w('taskset S%d {\n    task t { get "/s/%d" }\n%s}\n' % (i, i, nxt))
    elif shape == 'interp':
        w(user('        let x = 1\n        get "/' + '${x}' * n + '"\n'))
    elif shape == 'escapes':
        w(user('        get "/' + '\\n' * n + '"\n'))
    elif shape == 'dollars':
        w(user('        get "/' + 'a$' * n + '"\n'))
    elif shape == 'plus':
        w(user('        get "/${' + '+'.join(['1'] * (n + 1)) + '}"\n'))
    elif shape == 'parens':
        w(user('        get "/${' + '(' * n + '1' + ')' * n + '}"\n'))
    elif shape == 'nest':
        body = ''.join('        ' + ' ' * i + 'if true {\n' for i in range(n))
        body += '        get "/deep"\n'
        body += ''.join('        ' + ' ' * i + '}\n' for i in reversed(range(n)))
        w(user(body))
    elif shape == 'neg':
        w(user('        get "/${' + '-' * n + '1}"\n'))
    else:
        sys.exit('gen.py: unknown shape ' + shape)
    sys.stdout.write(''.join(out))


main()
