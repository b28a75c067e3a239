#!/usr/bin/env bash
# Runs every test: installs the real components the tests need (tests/infra/install.sh), builds the solution
# with warnings as errors, runs all test projects, and ends with one summary line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash tests/infra/install.sh
dotnet build GeoSync.sln -c Release -nologo -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# A test silent for 8 minutes is hung (the longest takes about 3): its test host is killed and the run fails naming
# it, instead of running into CI's time limit.
dotnet test GeoSync.sln -c Release --no-build -nologo --blame-hang-timeout 8m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the per-project "Failed: N, Passed: N, Skipped: N" lines.
awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      gsub(/ /, "", $i)
      if ($i ~ /Failed$/) f += $(i + 1)  # the first field is "Passed!-Failed" or "Failed!-Failed"
      if ($i == "Passed") p += $(i + 1)
      if ($i == "Skipped") s += $(i + 1)
    }
  }
  /Test Run Aborted/ { aborted++ }
  END {
    printf "%d passed, %d failed, %d skipped\n", p, f, s
    if (aborted) printf "%d test run(s) aborted: see \"The test running when the crash occurred\" above\n", aborted
  }' "$log"
exit "$status"
