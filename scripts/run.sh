#!/usr/bin/env bash
# Runs AskVideo on this machine: installs what is missing, builds, then starts the Aspire AppHost:
# PostgreSQL, Redis, the migrations, Api, Worker and the dashboard (data in .data/). Ctrl+C stops everything.
# Arguments go to the AppHost, e.g.: scripts/run.sh --AppHost:ApiPort=8080 --AppHost:Servers=Local
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
echo "[run] dotnet build"
dotnet build AskVideo.sln -c Debug --no-restore --nologo --verbosity quiet
exec dotnet .artifacts/bin/AskVideo.AppHost/debug/AskVideo.AppHost.dll "$@"
