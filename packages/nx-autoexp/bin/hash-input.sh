#!/bin/sh
# Runtime cache input of infer (how `nx show project` lists it):
#   autoexp-hash-input <checkpoint manifest>
# Prints the manifest and the checkpoint folder named by the pointer beside it
# (checkpoint.path: one line, written with the manifest) as `ls -lnL` lists it
# (names, sizes, mtimes; -L and the trailing / follow symlinks), so a deleted
# or replaced checkpoint changes infer's hash even when train is a cache hit:
# that is disk state, which only a command run at hash time sees. A shell
# script of builtins (ls aside), not Node: Nx runs it for every infer on every
# hash, and each process it starts costs (tools/bench/orchestration).
manifest=$1
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
