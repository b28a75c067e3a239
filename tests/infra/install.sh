#!/usr/bin/env bash
# Installs the real components the tests run against: the CNCF distribution registry, htpasswd (for its basic
# auth), skopeo and umoci (Debian), PostgreSQL 15 (Debian), Prometheus (Debian) and Azurite (npm). Idempotent: already-installed parts are skipped.
# Fails loudly when a part cannot be installed; the test run must not go on without it.
set -euo pipefail

tools_dir="${GEOSYNC_TOOLS_DIR:-$HOME/.cache/geosync/tools}"
azurite_version="3.37.0"

need_apt=()
command -v docker-registry >/dev/null 2>&1 || need_apt+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need_apt+=(skopeo)
command -v umoci >/dev/null 2>&1 || need_apt+=(umoci)
command -v prometheus >/dev/null 2>&1 || need_apt+=(prometheus)
command -v htpasswd >/dev/null 2>&1 || need_apt+=(apache2-utils)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need_apt+=(postgresql)

if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "install.sh: installing ${need_apt[*]} with apt-get" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

azurite_bin="$tools_dir/azurite/node_modules/.bin/azurite-blob"
if [ ! -x "$azurite_bin" ]; then
  echo "install.sh: installing azurite@$azurite_version into $tools_dir/azurite" >&2
  mkdir -p "$tools_dir/azurite"
  npm install --silent --no-audit --no-fund --prefix "$tools_dir/azurite" "azurite@$azurite_version" >/dev/null
fi

for tool in docker-registry htpasswd skopeo umoci prometheus; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install.sh: $tool is still missing after install" >&2; exit 1; }
done
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "install.sh: PostgreSQL (pg_ctl) is still missing after install" >&2; exit 1; }
[ -x "$azurite_bin" ] || { echo "install.sh: azurite-blob is missing at $azurite_bin" >&2; exit 1; }
echo "install.sh: docker-registry, htpasswd, skopeo, umoci, Prometheus, PostgreSQL and Azurite are ready" >&2
