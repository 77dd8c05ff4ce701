#!/usr/bin/env python3
"""Writes a large or deep scenario on stdout: gen.py SHAPE N.

Shapes (each one a way a scenario can grow):
  tasks N        one user with N tasks
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


def main():
    shape, n = sys.argv[1], int(sys.argv[2])
    out = []
    w = out.append
    if shape == 'tasks':
        w('user U {\n')
        for i in range(n):
            w('    task t%d { get "/t/%d" }\n' % (i, i))
        w('}\n')
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
