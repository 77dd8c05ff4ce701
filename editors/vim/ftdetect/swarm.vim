" .swarm files are swarmc load-test scenarios.
autocmd BufNewFile,BufRead *.swarm setfiletype swarm
