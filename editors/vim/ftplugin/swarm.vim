" swarm: comments start with #; blocks are indented 4 spaces (swarmc fmt).
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1
setlocal commentstring=#\ %s comments=:#
setlocal expandtab shiftwidth=4 softtabstop=4
setlocal foldmethod=syntax
let b:undo_ftplugin = "setl cms< com< et< sw< sts< fdm<"
