" Vim syntax file
" Language: swarm (swarmc load-test scenarios, *.swarm)
" The same categories as editors/vscode/syntaxes/swarm.tmLanguage.json.
if exists("b:current_syntax")
  finish
endif

syn keyword swarmDecl host user taskset seq task on_start on_stop data load threshold
syn keyword swarmDecl on_test_start on_test_stop
syn keyword swarmControl if else repeat sleep stop interrupt schedule
syn keyword swarmControl while retry return
syn keyword swarmStatement let tag
" groups and custom metrics
syn keyword swarmStatement group count record
syn keyword swarmMethod get post put patch delete head options
syn keyword swarmBoolean true false
syn keyword swarmBuiltinVar status user_id failed
syn keyword swarmOption name header query json form body timeout auth redirects
syn keyword swarmOption expect capture matches exists in regex cookie first now
" `contains` is an argument of :syn keyword, so it is a match.
syn match swarmOption "\<contains\>"
syn keyword swarmOption embed mode csv abort
syn keyword swarmOption multipart file type filename domain path clear cookies
syn match swarmSetting "^\s*\zs\<\(weight\|fixed\|cert\|wait\|users\|spawn_rate\|run_time\|iterations\|stage\|rate\|max_users\)\>"
syn match swarmFunction "\<\h\w*\ze("
syn match swarmMetric "\<p\d\+\(\.\d\+\)\=\>"

syn match swarmNumber "\<\d\+\(\.\d\+\)\=\>"
syn match swarmDuration "\<\d\+\(\.\d\+\)\=\(\a\+\d\+\(\.\d\+\)\=\)*\a\+\>"
syn match swarmPercent "\<\d\+\(\.\d\+\)\=%"
syn match swarmRate "\<\d\+\(\.\d\+\)\=/s\>"
syn match swarmOperator "==\|!=\|<=\|>=\|&&\|||\|\.\.\|[-+*/%<>!=]"

syn match swarmEscape contained "\\[nrt0\\\"$]"
syn match swarmBadEscape contained "\\[^nrt0\\\"$]"
syn region swarmInterp contained matchgroup=swarmInterpDelim start="\${" end="}" contains=@swarmExpr
syn region swarmString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=swarmEscape,swarmBadEscape,swarmInterp
syn cluster swarmExpr contains=swarmString,swarmNumber,swarmDuration,swarmPercent,swarmRate,swarmOperator,swarmFunction,swarmBoolean,swarmBuiltinVar,swarmOption

syn match swarmComment "#.*$" contains=swarmTodo,@Spell
syn keyword swarmTodo contained TODO FIXME XXX NOTE
syn region swarmBlock start="{" end="}" transparent fold

hi def link swarmDecl Structure
hi def link swarmControl Conditional
hi def link swarmStatement Statement
hi def link swarmMethod Keyword
hi def link swarmBoolean Boolean
hi def link swarmBuiltinVar Identifier
hi def link swarmOption Keyword
hi def link swarmSetting Type
hi def link swarmFunction Function
hi def link swarmMetric Constant
hi def link swarmNumber Number
hi def link swarmDuration Number
hi def link swarmPercent Number
hi def link swarmRate Number
hi def link swarmOperator Operator
hi def link swarmString String
hi def link swarmEscape SpecialChar
hi def link swarmBadEscape Error
hi def link swarmInterpDelim Delimiter
hi def link swarmComment Comment
hi def link swarmTodo Todo

let b:current_syntax = "swarm"
