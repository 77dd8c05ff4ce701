" dump.vim: for each file of the argument list, writes g:out/N.syn: the
" filetype and b:current_syntax, then one line per source line holding the
" syntax group of every byte ('-' for none), separated by blanks.
let s:n = 0
for s:f in argv()
  execute 'edit ' . fnameescape(s:f)
  let s:out = [&filetype . ' ' . get(b:, 'current_syntax', '-')]
  for s:l in range(1, line('$'))
    let s:names = []
    for s:c in range(1, strlen(getline(s:l)))
      let s:name = synIDattr(synID(s:l, s:c, 1), 'name')
      call add(s:names, s:name ==# '' ? '-' : s:name)
    endfor
    call add(s:out, join(s:names, ' '))
  endfor
  call writefile(s:out, g:out . '/' . s:n . '.syn')
  let s:n += 1
endfor
qall!
