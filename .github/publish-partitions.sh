#!/usr/bin/env bash
# Publish each partition of a partitioned build (partitions.yaml; site/<name>/) on the GitHub Pages
# site of the repository of the same name, owned by the same account: the partition's files become
# the one commit of that repository's gh-pages branch (Settings → Pages → Deploy from a branch →
# gh-pages). The commit is made from the files alone (fixed author and date, no parent), so a
# partition whose site is unchanged gives the same commit and is not pushed again; a changed one
# replaces the branch, which keeps each repository the size of its site.
#
# Needs PARTITIONS_TOKEN: a fine-grained token with "Contents: read and write" on those repositories.
# PARTITIONS_REMOTE, a pattern with %s for the name, publishes elsewhere (the tests use local repositories).
set -euo pipefail

if [ -z "${PARTITIONS_REMOTE:-}" ]; then
  owner="${GITHUB_REPOSITORY_OWNER:?run in GitHub Actions, or set GITHUB_REPOSITORY_OWNER}"
  : "${PARTITIONS_TOKEN:?set the PARTITIONS_TOKEN secret (see the README)}"
  PARTITIONS_REMOTE="https://x-access-token:${PARTITIONS_TOKEN}@github.com/${owner}/%s.git"
fi
names=$(${PYTHON:-python3} -c 'import yaml; print(" ".join(p["name"] for p in yaml.safe_load(open("partitions.yaml"))["partitions"]))')

for name in $names; do
  site="site/$name"
  touch "$site/.nojekyll"  # served as built, without Jekyll
  git_dir=$(mktemp -d)
  git init -q --bare "$git_dir"
  printf '.*\n!.nojekyll\n' > "$git_dir/info/exclude"  # the build's own dotfiles are not published
  export GIT_DIR="$git_dir" GIT_WORK_TREE="$site"
  git add -A
  commit=$(GIT_AUTHOR_NAME=archive GIT_AUTHOR_EMAIL=archive@users.noreply.github.com \
    GIT_COMMITTER_NAME=archive GIT_COMMITTER_EMAIL=archive@users.noreply.github.com \
    GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
    git commit-tree "$(git write-tree)" -m "The archive's partition $name")
  # shellcheck disable=SC2059 - the pattern is the maintainer's
  remote=$(printf "$PARTITIONS_REMOTE" "$name")
  if [ "$(git ls-remote "$remote" refs/heads/gh-pages | cut -f1)" = "$commit" ]; then
    echo "$name: unchanged"
  else
    git push --quiet --force "$remote" "$commit:refs/heads/gh-pages"
    echo "$name: published"
  fi
  unset GIT_DIR GIT_WORK_TREE
  rm -rf "$git_dir"
done
