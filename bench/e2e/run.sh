#!/usr/bin/env bash
# Deploys 1, then 4 QEMU machines at once (ipmi + ipxe, BIOS, TCG) through
# one conductor and prints each node's timeline as the conductor logged it
# (agent_deploy.deployed ... timeline="..."). Needs `make e2e-image` and the
# e2e test binary (cmake --build build -j2 --target ingot_e2e_tests).
#   bench/e2e/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
for n in 1 4; do
  INGOT_E2E_MACHINES=$n "$build/bin/ingot_e2e_tests" --gtest_also_run_disabled_tests \
    --gtest_filter='E2EBench.DISABLED_ConcurrentDeploys' | grep -E '^\[ bench \]|FAILED|OK \]'
done
