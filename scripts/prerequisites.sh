# Sourced by ./nob and ./run-tests: finds what a fresh Debian/Ubuntu machine lacks and installs it
# (as root, or through passwordless sudo), or stops with the exact command to run.
# shellcheck shell=bash

nob_say() { printf '%s\n' "$*" >&2; }

nob_need_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
    nob_say "nob needs the .NET 10 SDK. Install it, then run this again:"
    nob_say "  sudo apt-get install -y dotnet-sdk-10.0    # from Microsoft's package repository for your distribution"
    exit 1
  fi
}

nob_apt_updated=""
nob_as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 99
  fi
}

# nob_need_debs PACKAGE... : installs the Debian packages that are not installed yet.
nob_need_debs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  nob_say "Installing Debian packages: ${missing[*]}"
  if [ -z "$nob_apt_updated" ]; then
    nob_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    local rc=$?
    if [ $rc = 99 ]; then
      nob_say "Not root and no passwordless sudo. Run this, then try again:"
      nob_say "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      exit 1
    fi
    nob_apt_updated=1
  fi
  if ! nob_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
    nob_say "Installing failed. Run this, then try again:"
    nob_say "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
}

# A JRE is needed by ActiveMQ; any Java 11+ on PATH will do, otherwise Debian's default one.
nob_need_activemq() {
  local debs=()
  command -v java >/dev/null 2>&1 && command -v keytool >/dev/null 2>&1 || debs+=(default-jre-headless)
  [ -n "${ACTIVEMQ_HOME:-}" ] && [ -f "${ACTIVEMQ_HOME}/bin/activemq.jar" ] || debs+=(activemq)
  [ ${#debs[@]} -eq 0 ] || nob_need_debs "${debs[@]}"
}

# Node.js tools the tests use (asl-validator), installed from tools/package-lock.json.
nob_need_node_tools() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || nob_need_debs nodejs npm
  local tools="$1/tools"
  if [ ! -x "$tools/node_modules/.bin/asl-validator" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
    nob_say "Installing Node.js test tools (tools/package-lock.json)"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >&2) || { nob_say "npm ci failed in $tools; run: (cd $tools && npm ci)"; exit 1; }
  fi
}

# moto's server mode (moto_server and its server extras), for the tests that run our AWS clients against moto.
nob_need_moto_server() {
  moto_server --help >/dev/null 2>&1 && return 0
  nob_say "The tests need moto_server (moto's server mode). Install it, then run this again:"
  nob_say "  pip install 'moto[server]'"
  exit 1
}

# cfn-lint and aws-sam-translator (the template tests run them), and tomllib (Python 3.11+, the samconfig.toml tests).
nob_need_python_tools() {
  command -v python3 >/dev/null 2>&1 || nob_need_debs python3
  python3 -c 'import cfnlint.runner, samtranslator.translator.translator, tomllib' 2>/dev/null && return 0
  nob_say "Installing cfn-lint and aws-sam-translator with pip"
  if ! python3 -m pip install --disable-pip-version-check -q cfn-lint aws-sam-translator >&2 ||
     ! python3 -c 'import cfnlint.runner, samtranslator.translator.translator, tomllib' 2>/dev/null; then
    nob_say "python3 (3.11+) needs cfn-lint and aws-sam-translator. Run this, then try again:"
    nob_say "  python3 -m pip install cfn-lint aws-sam-translator"
    exit 1
  fi
}
