#!/bin/sh
# The CLI README's set-up, in its order, on a fresh clone of this repository's current branch:
# npm ci (links the committed bin shim), the command before any build (one sentence, not npm's
# "could not determine executable to run"), npm start (builds and animates the sample), then the
# README's first command through npx. Needs the npm registry (or its cache); takes minutes, so the
# test suite does not run it: run it by hand, or in CI, with `sh scripts/fresh-clone-check.sh`.
set -eu
source_repo=$(git rev-parse --show-toplevel)
branch=$(git -C "$source_repo" rev-parse --abbrev-ref HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet --branch "$branch" "$source_repo" "$work/clone"
cd "$work/clone"
npm ci --no-audit --no-fund --prefer-offline
before=$(npx portrait-animator --version 2>&1 || true)
case "$before" in
  *'run "npm run build"'*) echo "before the build: $before" ;;
  *) echo "unexpected answer before the build: $before" >&2; exit 1 ;;
esac
npm start
npx portrait-animator --version
npx portrait-animator animate examples/assets/astronaut.png -o out/astronaut-live.mp4
test -s out/astronaut-live.mp4
echo "fresh clone: npm ci, npm start and npx portrait-animator work in that order"
