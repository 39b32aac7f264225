#!/bin/sh
# Runtime cache input of the inferred targets (how `nx show project` lists it):
#   autoexp-hash-input <section> <stamp file> [<checkpoint manifest>]
# Prints the section's line of the experiment's stamp file (written by the
# plugin's createNodes, src/plugin/section-stamps.ts). Given a manifest, also
# prints it and the checkpoint folder named by the pointer beside it
# (checkpoint.path: one line, written with the manifest) as `ls -lnL` lists
# it (names, sizes, mtimes; -L and the trailing / follow symlinks), so a
# deleted or replaced checkpoint changes infer's hash even when train is a
# cache hit. A shell script of builtins (ls aside), not Node: Nx runs it for
# every task on every hash, and each process it starts costs (a Node start
# 10-20x a shell's; tools/bench/orchestration).
section=$1
stamp=$2
manifest=$3
found=
if [ -f "$stamp" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in "$section "*) echo "$line"; found=1; break ;; esac
  done < "$stamp"
fi
[ -n "$found" ] || echo "$section missing"
[ -n "$manifest" ] || exit 0
if [ ! -f "$manifest" ]; then
  echo "$manifest none"
  exit 0
fi
while IFS= read -r line || [ -n "$line" ]; do echo "$line"; done < "$manifest"
pointer=${manifest%/*}/checkpoint.path
[ -f "$pointer" ] || exit 0
IFS= read -r path < "$pointer"
echo "checkpoint $path"
# GNU ls first, BSD/macOS ls (-T) second.
ls -lnL --time-style=+%s.%N "$path/" 2>/dev/null || ls -lnLT "$path/" 2>&1
exit 0
