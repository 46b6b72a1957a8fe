#!/usr/bin/env bash
# Builds everything in Release and runs the benchmarks: upload throughput and memory (to the Api, and
# through the web app's proxy as a browser sends it), queue
# latency, pipeline overhead, media delivery, chat retrieval, first token, the local embeddings service. Arguments pick scenarios: bench/run.sh upload web-upload queue pipeline media retrieval first-token local-embeddings
# Answer quality on the corpus of bench/quality (not part of the default run):
#   bench/run.sh quality [--embeddings none|hashing|local] [--scene-tokens N] [--dump FILE] [--evidence FILE]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
dotnet build AskVideo.sln -c Release --nologo --verbosity quiet
exec dotnet .artifacts/bin/AskVideo.Benchmarks/release/AskVideo.Benchmarks.dll "$@"
