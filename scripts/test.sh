#!/usr/bin/env bash
# Runs every test (they start their own PostgreSQL and Redis). Results: .artifacts/test-results/*.trx.
# Arguments go to dotnet test, e.g.: scripts/test.sh --filter "FullyQualifiedName~AppHost"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Chromium too: the web app's tests drive it (Playwright, headless).
bash scripts/setup.sh --browser
results=.artifacts/test-results
rm -rf "$results"
exec dotnet test AskVideo.sln --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
