#!/usr/bin/env bash
# Installs what AskVideo needs on Debian (12 or later): PostgreSQL with pgvector, Redis, ffmpeg,
# espeak-ng and pocketsphinx, then restores the .NET tools and packages.
# Safe to run again: it installs only what is missing. Run it as root or as a user with sudo.
# --browser also installs Debian's chromium, which only the web app's browser tests need.
set -euo pipefail

with_browser=false
for argument in "$@"; do
  case $argument in
    --browser) with_browser=true ;;
    *) printf '[setup] error: unknown argument %s\n' "$argument" >&2; exit 2 ;;
  esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
started_at=$SECONDS

say() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# quietly COMMAND...: runs it with its output kept aside, shown only if it fails.
quietly() {
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    fail "failed: $*"
  fi
  rm -f "$log"
}

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  fail "run as root or install sudo"
fi
export DEBIAN_FRONTEND=noninteractive

apt_updated=false
apt_update() {
  if [[ $apt_updated == false ]]; then
    say "apt-get update"
    quietly "${as_root[@]}" apt-get update
    apt_updated=true
  fi
}

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# apt_install PACKAGE[=VERSION]...: installs those not installed yet.
apt_install() {
  local missing=() package
  for package in "$@"; do
    is_installed "${package%%=*}" || missing+=("$package")
  done
  if ((${#missing[@]} > 0)); then
    apt_update
    say "installing ${missing[*]}"
    quietly "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

# The highest PostgreSQL major version with a server installed (/usr/lib/postgresql/N/bin/postgres).
postgres_major() {
  local dir
  for dir in /usr/lib/postgresql/*/bin/postgres; do
    [[ -x $dir ]] && basename "$(dirname "$(dirname "$dir")")"
  done | sort -n | tail -n 1
}

# --- system packages -------------------------------------------------------------------------
command -v dpkg-query >/dev/null || fail "this script needs Debian or a derivative (dpkg, apt)"
packages=(redis-server ffmpeg espeak-ng flite pocketsphinx pocketsphinx-en-us wordnet-base)
[[ -n $(postgres_major) ]] || packages+=(postgresql)
[[ $with_browser == false ]] || packages+=(chromium)
apt_install "${packages[@]}"

pg_major="$(postgres_major)"
[[ -n $pg_major ]] || fail "no PostgreSQL server found under /usr/lib/postgresql after installing postgresql"
pg_config="/usr/lib/postgresql/$pg_major/bin/pg_config"
say "PostgreSQL $pg_major, redis-server, ffmpeg, espeak-ng, pocketsphinx, wordnet-base: installed"

# --- pgvector --------------------------------------------------------------------------------
# Bookworm has no pgvector package, so it is built from Debian's source package (trixie), with
# apt pointed at a private sources list and lists folder: the system's apt sources stay untouched.
if [[ -f "$("$pg_config" --sharedir)/extension/vector.control" ]]; then
  say "pgvector: installed"
else
  pg_version="$(dpkg-query -W -f='${Version}' "postgresql-$pg_major")"
  apt_install "postgresql-server-dev-$pg_major=$pg_version"
  command -v dpkg-source >/dev/null || apt_install dpkg-dev
  { command -v make && command -v gcc; } >/dev/null || apt_install build-essential

  work="$(mktemp -d)"
  trap '"${as_root[@]}" rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/source"
  echo "deb-src http://deb.debian.org/debian trixie main" >"$work/sources.list"
  private_apt=(
    -o "Dir::Etc::SourceList=$work/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$work/lists"
  )
  # apt downloads as the unprivileged _apt user where it exists.
  if id _apt >/dev/null 2>&1; then
    chmod 755 "$work"
    "${as_root[@]}" chown -R _apt "$work/lists" "$work/source"
  fi
  say "pgvector: fetching Debian's source package"
  quietly "${as_root[@]}" apt-get "${private_apt[@]}" update
  (cd "$work/source" && quietly "${as_root[@]}" apt-get "${private_apt[@]}" source --download-only pgvector)
  "${as_root[@]}" chown -R "$(id -u):$(id -g)" "$work/source"
  dsc="$(ls "$work"/source/pgvector_*.dsc | head -n 1)"
  # apt has already checked the files against the signed trixie index.
  (cd "$work/source" && quietly dpkg-source --no-check -x "$dsc" pgvector)
  say "pgvector: building for PostgreSQL $pg_major"
  # OPTFLAGS empty: no -march=native, so the library also runs on another CPU of this kind.
  quietly make -C "$work/source/pgvector" PG_CONFIG="$pg_config" OPTFLAGS=""
  quietly "${as_root[@]}" make -C "$work/source/pgvector" PG_CONFIG="$pg_config" OPTFLAGS="" install
  [[ -f "$("$pg_config" --sharedir)/extension/vector.control" ]] || fail "pgvector did not install"
  say "pgvector: installed"
fi

# --- .NET ------------------------------------------------------------------------------------
command -v dotnet >/dev/null || fail "the .NET SDK is missing: install .NET 10 (https://dot.net)"
cd "$repo_root"
if [[ -f .config/dotnet-tools.json || -f dotnet-tools.json ]]; then
  say "dotnet tool restore"
  dotnet tool restore >/dev/null
fi
say "dotnet restore"
dotnet restore AskVideo.sln --verbosity quiet

say "done in $((SECONDS - started_at)) s"
