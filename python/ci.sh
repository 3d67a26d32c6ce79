#!/usr/bin/env bash
# The Python extension's CI (its Rust side is linted with the workspace):
# builds and installs it the way a user does (`pip install ./python`) into a
# fresh virtual environment, checks its type stubs against the built module,
# and runs its tests: against the command line, and the examples of
# docs/python.md and the README. Needs the Rust toolchain and python3 with
# pip and venv; everything else comes from the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never PIP_DISABLE_PIP_VERSION_CHECK=1

venv=target/python-ci
rm -rf "$venv"
python3 -m venv "$venv"
py="$venv/bin/python"
"$py" -m pip install --quiet pytest mypy pandas-stubs matplotlib
"$py" -m pip install --quiet ./python

# the stubs describe the module as built (run outside the checkout so the
# installed package is the one checked)
(cd "$venv" && bin/python -m mypy.stubtest customs_union)

# the tests build the command line they compare with (a no-op after `cargo test --release`)
"$py" -m pytest python/tests -q -p no:cacheprovider
